from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    training_enrollment_ids = fields.One2many(
        "training.enrollment", "sale_order_id", string="Enrolments"
    )
    training_enrollment_count = fields.Integer(
        compute="_compute_training_enrollment_count", string="Enrolments Count"
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_training_enrollment_count(self):
        counts = self.env["training.enrollment"]._count_open_by("sale_order_id", self)
        for order in self:
            order.training_enrollment_count = counts.get(order, 0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("opportunity_id")
    def _check_training_opportunity_owner(self):
        """A consultant quotes on their own leads only, whatever the client
        sends (RPC, import): the lead's owner is the one who sells on it."""
        self._training_check_opportunity_owner()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        """Refuse an order on another consultant's lead (it may have changed
        hands since the quotation was made), selling an archived course, a
        class-based course without its class, or more seats than a class has left."""
        self._training_check_opportunity_owner()
        self.filtered(
            lambda order: order.state in ("draft", "sent")
        ).order_line._check_training_sale()
        res = super().action_confirm()
        if len(self) == 1 and self.order_line.training_enrollment_ids:
            # As event_sale's registration editor: name the students now.
            return self.action_open_training_enrollment_editor()
        return res

    def _action_confirm(self):
        """Enrol the students of the course lines, all orders' lines at once."""
        res = super()._action_confirm()
        self.order_line._training_create_enrollments()
        return res

    def _action_cancel(self):
        """Cancelling the order cancels its enrolments; they stay for reporting."""
        res = super()._action_cancel()
        enrollments = (
            self.env["training.enrollment"]
            .sudo()
            .search([("sale_order_id", "in", self.ids), ("state", "!=", "cancelled")])
        )
        if enrollments:
            enrollments.write(
                {
                    "state": "cancelled",
                    "cancel_reason": self.env._("The sales order was cancelled."),
                }
            )
        return res

    def action_open_training_enrollment_editor(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "training_crm.training_enrollment_editor_action"
        )
        action["context"] = {"default_sale_order_id": self.id}
        return action

    def action_view_training_enrollments(self):
        self.ensure_one()
        return self.env["training.enrollment"]._action_view_for("sale_order_id", self)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _training_sells_own_leads_only(self):
        """Consultants who do not see all leads (not supervisors, not Sales
        Administrators) sell on their own leads; other users keep Odoo's rules."""
        user = self.env.user
        return (
            not self.env.su
            and user.has_group("training_crm.group_consultant")
            and not user.has_group("sales_team.group_sale_salesman_all_leads")
        )

    def _training_check_opportunity_owner(self):
        if not self._training_sells_own_leads_only():
            return
        # Read as superuser: the lead may be one the consultant cannot read,
        # and the message names no lead.
        if self.sudo().opportunity_id.filtered(lambda lead: lead.user_id != self.env.user):
            raise ValidationError(
                self.env._(
                    "You can only make quotations and orders for your own leads: claim "
                    "the lead, or ask a supervisor to assign it to you."
                )
            )

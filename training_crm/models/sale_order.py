from odoo import api, models
from odoo.exceptions import ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

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
        return super().action_confirm()

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

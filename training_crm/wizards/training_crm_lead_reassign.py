from odoo import api, fields, models
from odoo.exceptions import UserError


class TrainingCrmLeadReassign(models.TransientModel):
    """Reassigning an owned lead is a supervisor's act, and says why."""

    _name = "training.crm.lead.reassign"
    _description = "Reassign Leads"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True)
    allowed_user_ids = fields.Many2many(
        "res.users", compute="_compute_allowed_user_ids", string="Consultants of the Teams"
    )
    user_id = fields.Many2one(
        "res.users",
        string="New Salesperson",
        domain="[('id', 'in', allowed_user_ids)]",
        help="A consultant of the leads' team. Leave empty to return the leads to the pool.",
    )
    reason = fields.Text(required=True)

    @api.depends("lead_ids.team_id")
    def _compute_allowed_user_ids(self):
        """The consultants of the leads' teams: not auditors, not other users."""
        consultants = (
            self.env.ref("training_crm.group_consultant")
            .sudo()
            .users.filtered(lambda user: not user.share)
        )
        for wizard in self:
            leads = wizard.lead_ids.sudo()
            if leads and all(lead.team_id for lead in leads):
                wizard.allowed_user_ids = leads.team_id.member_ids & consultants
            else:
                # A lead of no team: any consultant may take it.
                wizard.allowed_user_ids = consultants

    def action_reassign(self):
        self.ensure_one()
        self.lead_ids._check_reassign_rights()
        if self.user_id and self.user_id not in self.allowed_user_ids:
            raise UserError(
                self.env._(
                    "%(user)s is not a consultant of the leads' team: choose one of its "
                    "consultants.",
                    user=self.user_id.name,
                )
            )
        # In the supervisor's name, with their rights: the new salesperson's
        # assignment notice goes out even when the supervisor has no e-mail address.
        leads = self.lead_ids.filtered(lambda lead: lead.user_id != self.user_id)
        # The reason rides on the salesperson's tracking message, in the language
        # of the former and new salespeople (the company's if they differ).
        lang = leads._get_training_lang(leads.user_id | self.user_id)
        leads._track_set_log_message(
            self.with_context(lang=lang).env._(
                "Salesperson changed by %(user)s. Reason: %(reason)s",
                user=self.env.user.name,
                reason=self.reason,
            )
        )
        leads.with_context(training_crm_owner_door=True).write({"user_id": self.user_id.id})
        # The new owner did not claim the lead: a claim date would count against their cap.
        leads.sudo().filtered("claim_date").write({"claim_date": False})
        return {"type": "ir.actions.act_window_close"}

from odoo import fields, models


class TrainingCrmLeadReassign(models.TransientModel):
    """Reassigning an owned lead is a supervisor's act, and says why."""

    _name = "training.crm.lead.reassign"
    _description = "Reassign Leads"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="New Salesperson",
        domain="[('share', '=', False)]",
        help="Leave empty to return the leads to the pool.",
    )
    reason = fields.Text(required=True)

    def action_reassign(self):
        self.ensure_one()
        self.lead_ids._check_reassign_rights()
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
        leads.write({"user_id": self.user_id.id})
        return {"type": "ir.actions.act_window_close"}

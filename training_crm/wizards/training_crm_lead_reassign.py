from odoo import fields, models
from odoo.exceptions import AccessError


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
        if not self.env["crm.lead"]._is_training_supervisor():
            raise AccessError(self.env._("Only a supervisor can reassign leads."))
        self.lead_ids.with_context(training_crm_reassign_reason=self.reason).write(
            {"user_id": self.user_id.id}
        )
        return {"type": "ir.actions.act_window_close"}

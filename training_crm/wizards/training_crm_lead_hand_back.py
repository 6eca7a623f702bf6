from odoo import fields, models


class TrainingCrmLeadHandBack(models.TransientModel):
    """Handing a lead back to the team's pool is asked for, and may say why."""

    _name = "training.crm.lead.hand.back"
    _description = "Hand Back Leads to the Pool"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True)
    reason = fields.Text(help="Why the lead goes back to the pool (kept in its history).")

    def action_hand_back(self):
        self.ensure_one()
        self.lead_ids._check_hand_back_rights()
        leads = self.lead_ids
        leads._hand_back((self.reason or "").strip())
        if leads != leads._training_filtered_readable():
            # Outside the consultant's pools now: back to the pipeline, not to a
            # form they may no longer open.
            return self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_action_pipeline")
        return {"type": "ir.actions.act_window_close"}

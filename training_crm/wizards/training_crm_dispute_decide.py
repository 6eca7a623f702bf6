from odoo import api, fields, models
from odoo.exceptions import UserError


class TrainingCrmDisputeDecide(models.TransientModel):
    """The supervisor's decision on a dispute: the winner, seen with her
    side's facts, the reason both consultants will read, and whether the
    person's leads become one, the winner's."""

    _name = "training.crm.dispute.decide"
    _description = "Decide an Ownership Dispute"

    dispute_id = fields.Many2one(
        "training.crm.dispute", required=True, readonly=True, ondelete="cascade"
    )
    side_ids = fields.One2many(related="dispute_id.side_ids")
    winner_side_id = fields.Many2one(
        "training.crm.dispute.side",
        string="Winner",
        compute="_compute_from_dispute",
        store=True,
        readonly=False,
        domain="[('dispute_id', '=', dispute_id)]",
        help="The consultant who keeps the person, with her side's facts.",
    )
    decision_note = fields.Text(
        string="Reason",
        compute="_compute_from_dispute",
        store=True,
        readonly=False,
        help="Why the winner keeps the person: both consultants will read it.",
    )
    open_lead_count = fields.Integer(
        compute="_compute_open_lead_count", string="Open Leads of the Person"
    )
    merge_leads = fields.Boolean(
        string="Merge the Person's Leads",
        compute="_compute_merge_leads",
        store=True,
        readonly=False,
        help="Merge every open lead of the person into the winner's lead: it keeps "
        "the winner's first contact, and every follow-up of the others moves to it.",
    )

    @api.depends("dispute_id")
    def _compute_from_dispute(self):
        """What the supervisor already wrote on the dispute's form."""
        for wizard in self:
            dispute = wizard.dispute_id
            wizard.winner_side_id = dispute.side_ids.filtered(
                lambda side, d=dispute: side.user_id == d.winner_user_id
            )[:1]
            wizard.decision_note = dispute.decision_note

    @api.depends("dispute_id")
    def _compute_open_lead_count(self):
        Lead = self.env["crm.lead"]
        for wizard in self:
            dispute = wizard.dispute_id
            if not dispute:
                wizard.open_lead_count = 0
                continue
            leads = dispute.lead_ids | dispute.lead_id._get_person_leads()
            wizard.open_lead_count = len(leads.filtered_domain(Lead._get_open_domain()))

    @api.depends("open_lead_count")
    def _compute_merge_leads(self):
        for wizard in self:
            wizard.merge_leads = wizard.open_lead_count > 1

    @api.model_create_multi
    def create(self, vals_list):
        self.env["training.crm.dispute"]._check_decide_rights()
        return super().create(vals_list)

    def action_confirm(self):
        """Decide with the dispute's own logic (action_decide's checks and
        notices), merging first so that the decision is told on the survivor."""
        self.ensure_one()
        dispute = self.dispute_id
        dispute._check_decide_rights()
        if not self.winner_side_id:
            raise UserError(self.env._("Choose the winner before deciding."))
        if not (self.decision_note or "").strip():
            raise UserError(self.env._("Write down why: both consultants will read the decision."))
        if dispute.state == "open":
            dispute.write(
                {
                    "winner_user_id": self.winner_side_id.user_id.id,
                    "decision_note": self.decision_note,
                }
            )
        dispute._check_decision()
        if self.merge_leads:
            dispute._merge_person_leads()
        dispute._decide()
        return {"type": "ir.actions.act_window_close"}

from collections import defaultdict

from odoo import fields, models
from odoo.tools import format_date

INVALID_CASES = [
    ("unreachable", "Unreachable"),
    ("no_need", "No need"),
    ("competitor", "Signed with a competitor"),
]


class TrainingCrmInvalidation(models.Model):
    """One time a lead became an invalid customer (无效客户).

    Chatter and the lost reason tell only the lead's current state: these rows
    keep every invalidation, restored or not, for reports. The follow-up log
    creates them (as superuser); nobody edits them."""

    _name = "training.crm.invalidation"
    _description = "Invalid Customer Record"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one(
        "crm.lead", required=True, index=True, ondelete="cascade", readonly=True
    )
    date = fields.Datetime(required=True, index=True, readonly=True, help="When it happened.")
    reason = fields.Selection(INVALID_CASES, required=True, index=True, readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    # The lead's owner, team and company at the time: history, not the lead's current ones.
    user_id = fields.Many2one("res.users", string="Owner", index=True, readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    followup_id = fields.Many2one(
        "training.crm.followup",
        string="Follow-up",
        ondelete="set null",
        readonly=True,
        help="The follow-up that made the lead invalid.",
    )
    competitor_contract_end = fields.Date(
        string="Competitor Contract Ends",
        readonly=True,
        help="On this day the lead comes back to be contacted again.",
    )
    restored_date = fields.Datetime(
        string="Restored On",
        index="btree_not_null",
        readonly=True,
        help="When the lead was restored, by hand or when the competitor's contract ended.",
    )
    return_date = fields.Date(
        string="Returned On",
        readonly=True,
        help="The day the lead came back on its own when the competitor's contract ended.",
    )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _return_leads(self):
        """Bring back the leads of these competitor invalidations: restored with
        a fresh count (crm's toggle_active: active, lost reason cleared,
        probability recomputed), kept by their owner while the owner is an
        active consultant, else back in the team's pool, with a note that says
        why. Leads restored or won meanwhile are left alone."""
        rows = self.filtered(
            lambda row: (
                not row.restored_date
                and not row.lead_id.active
                and not row.lead_id.probability
                and row.lead_id.lost_reason_id == row.lost_reason_id
            )
        )
        if not rows:
            return
        leads = rows.lead_id.with_context(tracking_disable=True)
        consultants = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("id", "in", leads.user_id.ids),
                    ("groups_id", "in", self.env.ref("training_crm.group_consultant").id),
                ]
            )
        )
        leads.toggle_active()  # also closes the rows: restored_date
        today = fields.Date.context_today(self)
        rows.write({"return_date": today})
        to_pool = leads.filtered(lambda lead: lead.user_id and lead.user_id not in consultants)
        former_owners = {lead.id: lead.user_id.name for lead in to_pool}
        if to_pool:
            to_pool.write({"user_id": False})
        leads.write({"next_followup_date": today})
        leads_by_owner = defaultdict(lambda: self.env["crm.lead"])
        for lead in leads.filtered("user_id"):
            leads_by_owner[lead.user_id] |= lead
        for owner, owned in leads_by_owner.items():
            owned.with_context(mail_activity_quick_update=True).activity_schedule(
                "training_crm.mail_activity_type_followup", date_deadline=today, user_id=owner.id
            )
        body = self.env._(
            "The competitor's contract ended on %(date)s: this person is back as a lead "
            "to contact again."
        )
        pool_body = self.env._(
            "%(owner)s no longer follows leads as a consultant: the lead is back in the "
            "team's pool."
        )
        bodies = {}
        for row in rows:
            lead = row.lead_id
            text = body % {"date": format_date(self.env, row.competitor_contract_end)}
            if lead.id in former_owners:
                text = f"{text}\n{pool_body % {'owner': former_owners[lead.id]}}"
            bodies[lead.id] = text
        leads._message_log_event(bodies, "training_crm.mt_lead_competitor_returned")

from odoo import fields, models


class TrainingCrmGradeHistory(models.Model):
    """One intent grade change of a lead (动态调整): who regraded it, when, from
    what to what. Chatter tracking says the same but cannot be aggregated at
    scale; reports (grading accuracy) read these rows.

    Written by the system only (as superuser, one create a batch) whenever a
    lead's grade is set or changed: on the form, by import, RPC or a follow-up."""

    _name = "training.crm.grade.history"
    _description = "Lead Grade Change"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one(
        "crm.lead", required=True, readonly=True, index=True, ondelete="cascade"
    )
    old_grade_id = fields.Many2one("training.crm.grade", readonly=True, ondelete="restrict")
    new_grade_id = fields.Many2one(
        "training.crm.grade",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    # Indexed: the consultant KPIs read a consultant's grading accuracy by it.
    user_id = fields.Many2one(
        "res.users",
        string="Changed By",
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    # The lead's team and company at the change: history, like the follow-up log.
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True, index="btree_not_null"
    )
    company_id = fields.Many2one("res.company", readonly=True, index="btree_not_null")

from odoo import fields, models
from odoo.tools import SQL


class TrainingCrmReveal(models.Model):
    """One consultant shown one pool lead's numbers in full (号码脱敏): the
    evidence a supervisor reads when numbers leave the school (飞单). Written
    only by crm.lead's Reveal, as superuser; nobody edits it."""

    _name = "training.crm.reveal"
    _description = "Number Reveal"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one(
        "crm.lead", required=True, readonly=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        required=True,
        readonly=True,
        ondelete="cascade",
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", related="lead_id.team_id", readonly=True
    )

    def init(self):
        # "Has this consultant revealed these leads today?" and "how many today?":
        # both filter by user and date.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS training_crm_reveal_user_date_index "
                "ON training_crm_reveal (user_id, date)"
            )
        )

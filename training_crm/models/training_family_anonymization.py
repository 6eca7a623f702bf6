from odoo import fields, models


class TrainingFamilyAnonymization(models.Model):
    """That a family's personal data was anonymised on request: who did it,
    when and why, and how many records, never the data that was removed."""

    _name = "training.family.anonymization"
    _description = "Family Anonymisation"
    _order = "date desc, id desc"
    _rec_name = "date"

    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="Done By",
        required=True,
        readonly=True,
        ondelete="restrict",
        default=lambda self: self.env.user,
    )
    reason = fields.Text(required=True, readonly=True)
    partner_ids = fields.Many2many(
        "res.partner", string="Contacts", readonly=True, help="The anonymised contacts."
    )
    partner_count = fields.Integer(string="Contacts Anonymised", readonly=True)
    lead_count = fields.Integer(string="Leads Anonymised", readonly=True)

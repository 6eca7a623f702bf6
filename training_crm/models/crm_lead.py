from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    intent_grade_id = fields.Many2one(
        "training.crm.grade",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        help="How soon the person is expected to enrol (S: within 7 days … D: just looking).",
    )
    intent_grade_code = fields.Char(related="intent_grade_id.code", string="Grade Code")
    intent_grade_color = fields.Integer(related="intent_grade_id.color", string="Grade Color")

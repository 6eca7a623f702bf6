from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TrainingGuardian(models.Model):
    """A student's guardian (监护人): the relation between two contacts, not
    `parent_id`, which would make the guardian the student's invoicing company.
    One family may enrol several children; one guardian per student is the
    primary payer, whom direct enrolments bill by default."""

    _name = "training.guardian"
    _description = "Guardian"
    _order = "student_id, is_primary_payer desc, id"
    _rec_name = "guardian_id"

    student_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    guardian_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    relationship = fields.Selection(
        [
            ("father", "Father"),
            ("mother", "Mother"),
            ("grandparent", "Paternal Grandparent"),
            ("maternal_grandparent", "Maternal Grandparent"),
            ("other", "Other Guardian"),
        ],
        required=True,
        default="other",
    )
    is_primary_payer = fields.Boolean(
        string="Primary Payer", help="Who pays for this student by default (one per student)."
    )
    guardian_phone = fields.Char(related="guardian_id.phone", string="Phone")
    guardian_mobile = fields.Char(related="guardian_id.mobile", string="Mobile")

    _sql_constraints = [
        (
            "student_guardian_uniq",
            "unique(student_id, guardian_id)",
            "This guardian is already linked to this student.",
        ),
    ]

    @api.constrains("student_id", "guardian_id")
    def _check_not_self(self):
        if any(relation.student_id == relation.guardian_id for relation in self):
            raise ValidationError(self.env._("A student cannot be their own guardian."))

    @api.constrains("student_id", "is_primary_payer")
    def _check_one_primary_payer(self):
        students = self.filtered("is_primary_payer").student_id
        if not students:
            return
        counts = self.sudo()._read_group(
            [("student_id", "in", students.ids), ("is_primary_payer", "=", True)],
            ["student_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if counts:
            raise ValidationError(self.env._("A student has only one primary payer."))

from odoo import api, fields, models


class TrainingCourseCategory(models.Model):
    """Subjects a school groups its courses by (languages, coding, exams...):
    admins add their own, so it is a model rather than a fixed selection."""

    _name = "training.course.category"
    _description = "Course Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    course_ids = fields.One2many("training.course", "category_id", string="Courses")
    course_count = fields.Integer(compute="_compute_course_count", string="Courses Count")

    @api.depends_context("uid")
    def _compute_course_count(self):
        counts = dict(
            self.env["training.course"]._read_group(
                [("category_id", "in", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.course_count = counts.get(category, 0)

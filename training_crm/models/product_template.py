from odoo import fields, models

from .training_course import PRODUCT_SYNC_FIELDS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    training_course_ids = fields.One2many(
        "training.course",
        "product_tmpl_id",
        string="Courses",
        help="The course this product sells: sale order lines of it sell a course.",
    )

    def write(self, vals):
        """Renaming or archiving a course's product does the same to the course
        (the course writes the product the other way round)."""
        res = super().write(vals)
        course_vals = {name: vals[name] for name in PRODUCT_SYNC_FIELDS if name in vals}
        if course_vals and not self.env.context.get("training_course_sync"):
            courses = self.with_context(active_test=False).training_course_ids
            if courses:
                # Whoever may edit the product may keep its course in step.
                courses.sudo().with_context(training_course_sync=True).write(course_vals)
        return res

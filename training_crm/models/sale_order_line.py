from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    training_course_id = fields.Many2one(
        "training.course",
        string="Course",
        compute="_compute_training_course_id",
        help="The course the line's product sells.",
    )
    training_class_required = fields.Boolean(compute="_compute_training_course_id")
    training_class_id = fields.Many2one(
        "training.class",
        string="Class",
        compute="_compute_training_class_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        ondelete="restrict",
        domain="[('course_id', '=', training_course_id)]",
        help="The class (班次) the students join.",
    )

    @api.depends("product_id")
    def _compute_training_course_id(self):
        courses = self._get_training_courses()
        for line in self:
            course = courses.get(line.product_id.id, self.env["training.course"])
            line.training_course_id = course
            line.training_class_required = bool(course) and course.teaching_mode != "one_to_one"

    @api.depends("product_id")
    def _compute_training_class_id(self):
        for line in self:
            if (
                line.training_class_id
                and line.training_class_id.course_id.product_id != line.product_id
            ):
                line.training_class_id = False

    def _get_training_courses(self):
        """Course per product id of these lines, archived ones included, in one query."""
        product_ids = [pid for pid in self.product_id.ids if pid]
        if not product_ids:
            return {}
        courses = (
            self.env["training.course"]
            .with_context(active_test=False)
            .search([("product_id", "in", product_ids)])
        )
        return {course.product_id.id: course for course in courses}

    def _check_training_sale(self):
        """Checked at confirmation, for all lines at once: no query per line."""
        lines = self.filtered(lambda line: not line.display_type and line.product_id)
        courses = lines._get_training_courses()
        if not courses:
            return
        requested = defaultdict(float)
        for line in lines:
            course = courses.get(line.product_id.id)
            if not course:
                continue
            if not course.active:
                raise UserError(
                    self.env._(
                        "Course %(course)s is archived: it can no longer be sold. "
                        "Remove it from %(order)s.",
                        course=course.display_name,
                        order=line.order_id.display_name,
                    )
                )
            if course.teaching_mode == "one_to_one":
                continue
            training_class = line.training_class_id
            if not training_class:
                raise UserError(
                    self.env._(
                        "Choose the class of course %(course)s on %(order)s before confirming it.",
                        course=course.display_name,
                        order=line.order_id.display_name,
                    )
                )
            if training_class.course_id != course:
                raise UserError(
                    self.env._(
                        "Class %(class_name)s is not a class of course %(course)s.",
                        class_name=training_class.display_name,
                        course=course.display_name,
                    )
                )
            if not training_class.active:
                raise UserError(
                    self.env._(
                        "Class %(class_name)s is archived: it can no longer be sold.",
                        class_name=training_class.display_name,
                    )
                )
            requested[training_class] += line.product_uom_qty
        limited = self.env["training.class"].union(*requested).filtered("seats")
        if not limited:
            return
        # Two orders confirmed at once for the last seats: the second waits here.
        self.env.cr.execute(
            SQL("SELECT id FROM training_class WHERE id IN %s FOR UPDATE", tuple(limited.ids))
        )
        taken = limited._get_seats_taken()
        for training_class in limited:
            left = training_class.seats - taken.get(training_class.id, 0)
            if requested[training_class] > left:
                raise UserError(
                    self.env._(
                        "Class %(class_name)s has %(left)s seat(s) left: %(requested)s "
                        "cannot be sold. Choose another class or lower the quantity.",
                        class_name=training_class.display_name,
                        left=max(left, 0),
                        requested=int(requested[training_class]),
                    )
                )

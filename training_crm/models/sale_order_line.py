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
    training_enrollment_ids = fields.One2many(
        "training.enrollment", "sale_line_id", string="Enrolments"
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
            if any(e.state != "cancelled" for e in line.training_enrollment_ids):
                continue  # enrolled already (a course transfer): its seat is taken
            requested[training_class] += line.product_uom_qty
        # Until the students are named, the order's customer is the student.
        course_lines = lines.filtered(lambda line: line.product_id.id in courses)
        self.env["res.partner"]._training_check_consent(
            [(line.order_id.partner_id, line.training_class_id.date_start) for line in course_lines]
        )
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

    def _training_create_enrollments(self):
        """One enrolment per student (unit of quantity) of each course line of
        confirmed orders that has none yet, the order's customer as student
        until the consultant names them; created in one batch, as superuser
        (consultants do not enter enrolments themselves)."""
        lines = self.filtered(
            lambda line: (
                not line.display_type
                and line.product_id
                and line.product_uom_qty > 0
                and line.order_id.state == "sale"
            )
        )
        courses = lines._get_training_courses()
        lines = lines.filtered(lambda line: line.product_id.id in courses)
        if not lines:
            return self.env["training.enrollment"]
        Enrollment = self.env["training.enrollment"].sudo()
        enrolled = {
            line.id
            for [line] in Enrollment._read_group(
                [("sale_line_id", "in", lines.ids), ("state", "!=", "cancelled")],
                ["sale_line_id"],
            )
        }
        vals_list = []
        for line in lines:
            if line.id not in enrolled:
                vals_list += line._prepare_training_enrollment_values(courses[line.product_id.id])
        enrollments = Enrollment.with_context(tracking_disable=True).create(vals_list)
        # The lead is won (有效客户) on its first enrolment.
        leads = enrollments.lead_id.filtered(lambda lead: not lead.stage_id.is_won)
        if leads:
            leads.sudo().action_set_won()
        return enrollments

    def _prepare_training_enrollment_values(self, course):
        """Values of the line's enrolments: its untaxed subtotal shared equally
        (the last takes the rounding rest), its hours likewise, and what the
        lead was at this moment: its owner and grade are kept as they are."""
        self.ensure_one()
        order = self.order_id
        lead = order.opportunity_id
        currency = order.currency_id
        count = max(int(self.product_uom_qty), 1)
        share = currency.round(self.price_subtotal / count)
        hours = course.lesson_hours * self.product_uom_qty / count
        common = {
            "partner_id": order.partner_id.id,
            "payer_id": order.partner_id.id,
            "course_id": course.id,
            "class_id": self.training_class_id.id,
            "hours": hours,
            "currency_id": currency.id,
            "sale_line_id": self.id,
            "lead_id": lead.id,
            "user_id": (lead.user_id or order.user_id).id,
            "intent_grade_id": lead.intent_grade_id.id,
            "team_id": (lead.team_id or order.team_id).id,
            "company_id": order.company_id.id,
        }
        if not self.training_class_id:
            common["start_date"] = fields.Date.context_today(self, order.date_order)
        return [
            dict(
                common,
                amount=share
                if index < count - 1
                else currency.round(self.price_subtotal - share * (count - 1)),
            )
            for index in range(count)
        ]

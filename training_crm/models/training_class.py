from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TrainingClass(models.Model):
    """A run of a class-based course (班次/班级): when it meets, who teaches,
    where, and how many students it takes."""

    _name = "training.class"
    _description = "Class"
    _order = "date_start desc, name, id"

    name = fields.Char(required=True, help="e.g. IELTS Intensive, Spring 2026, Class 1")
    active = fields.Boolean(default=True)
    course_id = fields.Many2one("training.course", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="course_id.company_id", store=True, index=True)
    teaching_mode = fields.Selection(related="course_id.teaching_mode")

    # Schedule and place
    date_start = fields.Date(string="Start Date", required=True)
    date_end = fields.Date(string="End Date", required=True)
    teacher_id = fields.Many2one("res.users", domain="[('share', '=', False)]", index=True)
    adviser_id = fields.Many2one(
        "res.users",
        string="Class Adviser",
        domain="[('share', '=', False)]",
        index="btree_not_null",
        help="The class's adviser (班主任), by default the adviser of its students' enrolments.",
    )
    room = fields.Char(help="Classroom of a face-to-face class.")
    online_link = fields.Char(help="Meeting link of a live online class.")

    # Seats
    seats = fields.Integer(help="How many students the class takes; 0 means no limit.")
    seats_taken = fields.Integer(
        compute="_compute_seats", help="Students enrolled and not cancelled."
    )
    seats_left = fields.Integer(compute="_compute_seats")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("seats")
    def _compute_seats(self):
        taken = self._get_seats_taken()
        for training_class in self:
            training_class.seats_taken = taken.get(training_class.id, 0)
            training_class.seats_left = (
                max(training_class.seats - training_class.seats_taken, 0)
                if training_class.seats
                else 0
            )

    def _get_seats_taken(self):
        """Seats taken per class id, in one query: its enrolments not cancelled
        (from confirmed orders and entered directly). Counted for every
        enrolment, including those the current user may not read, since the
        seats left are the class's, not theirs. Confirming an order checks its
        lines against this before it creates their enrolments."""
        ids = [class_id for class_id in self.ids if class_id]
        if not ids:
            return {}
        groups = (
            self.env["training.enrollment"]
            .sudo()
            ._read_group(
                [("class_id", "in", ids), ("state", "!=", "cancelled")],
                ["class_id"],
                ["__count"],
            )
        )
        return {training_class.id: count for training_class, count in groups}

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for training_class in self:
            if training_class.date_end < training_class.date_start:
                raise ValidationError(
                    self.env._(
                        "Class %(class_name)s cannot end before it starts.",
                        class_name=training_class.display_name,
                    )
                )

    @api.constrains("seats")
    def _check_seats(self):
        for training_class in self:
            if training_class.seats < 0:
                raise ValidationError(
                    self.env._(
                        "Class %(class_name)s: the number of seats cannot be negative.",
                        class_name=training_class.display_name,
                    )
                )

    @api.constrains("course_id")
    def _check_course_mode(self):
        for training_class in self:
            if training_class.course_id.teaching_mode == "one_to_one":
                raise ValidationError(
                    self.env._(
                        "Course %(course)s is taught one-to-one and sold as lesson-hour "
                        "packages: it has no classes.",
                        course=training_class.course_id.display_name,
                    )
                )

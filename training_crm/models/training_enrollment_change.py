from odoo import fields, models

CHANGE_TYPES = [
    ("class_transfer", "Class Transfer"),
    ("suspension", "Suspension"),
    ("resumption", "Resumption"),
    ("extension", "Extension"),
    ("course_transfer", "Course Transfer"),
]


class TrainingEnrollmentChange(models.Model):
    """The history of an enrolment's changes (转班, 停课, 复课, 延期): what
    changed, from what to what, when, why and by whom. Written by the change
    dialog only, never edited."""

    _name = "training.enrollment.change"
    _description = "Enrolment Change"
    _order = "date desc, id desc"

    enrollment_id = fields.Many2one(
        "training.enrollment", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="enrollment_id.partner_id", string="Student")
    change_type = fields.Selection(CHANGE_TYPES, string="Type", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    from_class_id = fields.Many2one("training.class", readonly=True, ondelete="restrict")
    to_class_id = fields.Many2one("training.class", readonly=True, ondelete="restrict")
    from_course_id = fields.Many2one("training.course", readonly=True, ondelete="restrict")
    to_course_id = fields.Many2one("training.course", readonly=True, ondelete="restrict")
    from_end_date = fields.Date(string="End Date Before", readonly=True)
    to_end_date = fields.Date(string="End Date After", readonly=True)
    hours_remaining = fields.Float(
        digits=(16, 1), readonly=True, help="Lesson hours left when the change was made."
    )
    to_enrollment_id = fields.Many2one(
        "training.enrollment",
        string="New Enrolment",
        readonly=True,
        ondelete="set null",
        help="Course transfer: the enrolment in the new course.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        readonly=True,
        ondelete="set null",
        help="Course transfer: the quotation of the price difference.",
    )
    reason = fields.Text(readonly=True)
    # Not required: a required user would keep a departed user from ever being deleted.
    user_id = fields.Many2one("res.users", string="Changed By", readonly=True)
    company_id = fields.Many2one(
        related="enrollment_id.company_id", store=True, index=True, string="Company"
    )

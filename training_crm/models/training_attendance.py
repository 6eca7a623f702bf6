from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .training_session import ATTENDING_STATES

# Attendance states that consume the session's hours; an absence (旷课)
# consumes them too unless the setting "Absences Keep Hours" is on.
CONSUMING_STATES = ("present", "makeup")


class TrainingAttendance(models.Model):
    """A student's attendance at one session, which consumes lesson hours
    (消课) from their enrolment once the session is taken."""

    _name = "training.attendance"
    _description = "Attendance"
    _order = "date desc, session_id, id"
    _check_company_auto = True

    session_id = fields.Many2one(
        "training.session", required=True, index=True, ondelete="cascade", check_company=True
    )
    enrollment_id = fields.Many2one(
        "training.enrollment",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('course_id', '=', course_id), ('state', 'in', ('enrolled', 'studying')), "
        "('suspended', '=', False)]",
    )
    partner_id = fields.Many2one(
        related="enrollment_id.partner_id", store=True, index=True, string="Student"
    )
    course_id = fields.Many2one(related="session_id.course_id")
    date = fields.Datetime(related="session_id.date", store=True)
    session_state = fields.Selection(related="session_id.state", string="Session Status")
    state = fields.Selection(
        [
            ("present", "Present"),
            ("absent", "Absent"),
            ("excused", "Excused"),
            ("makeup", "Make-up"),
        ],
        required=True,
        default="present",
        help="Present and make-up consume the session's hours, excused does not; an "
        "unexcused absence (旷课) does unless Settings say absences keep their hours.",
    )
    hours_consumed = fields.Float(
        digits=(16, 1),
        compute="_compute_hours_consumed",
        store=True,
        help="Hours taken from the enrolment once the session is taken.",
    )
    note = fields.Char()
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "session_enrollment_unique",
            "UNIQUE(session_id, enrollment_id)",
            "A student is on a session's roster once.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("state", "session_id.state", "session_id.hours")
    def _compute_hours_consumed(self):
        consuming = set(CONSUMING_STATES)
        if not self.env["ir.config_parameter"].sudo().get_param("training_crm.absence_keeps_hours"):
            consuming.add("absent")
        for attendance in self:
            attendance.hours_consumed = (
                attendance.session_id.hours
                if attendance.session_id.state == "done" and attendance.state in consuming
                else 0.0
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("enrollment_id", "session_id")
    def _check_course(self):
        for attendance in self:
            if attendance.enrollment_id.course_id != attendance.session_id.course_id:
                raise ValidationError(
                    self.env._(
                        "%(student)s is not enrolled in course %(course)s.",
                        student=attendance.enrollment_id.partner_id.display_name,
                        course=attendance.session_id.course_id.display_name,
                    )
                )

    def _check_attendable(self):
        """Hours are consumed only from enrolments being studied: not
        cancelled or graduated, not suspended (停课)."""
        for attendance in self:
            enrollment = attendance.enrollment_id
            if enrollment.state not in ATTENDING_STATES or enrollment.suspended:
                raise UserError(
                    self.env._(
                        "%(student)s cannot attend: the enrolment in %(course)s is %(state)s.",
                        student=enrollment.partner_id.display_name,
                        course=enrollment.course_id.display_name,
                        state=self.env._("suspended")
                        if enrollment.suspended
                        else dict(enrollment._fields["state"]._description_selection(self.env))[
                            enrollment.state
                        ],
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        attendances.filtered(lambda a: a.session_id.state == "done")._check_attendable()
        return attendances

    def write(self, vals):
        if "enrollment_id" in vals or "session_id" in vals:
            self.filtered(lambda a: a.session_id.state == "done")._raise_taken()
        if any(attendance.session_id.state == "done" for attendance in self):
            # A correction of a taken session consumes hours at once.
            with self.env.cr.savepoint():
                return super().write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_taken(self):
        self.filtered(lambda a: a.session_id.state == "done")._raise_taken()

    def _raise_taken(self):
        if self:
            raise UserError(
                self.env._(
                    "The attendance of a taken session only changes state: reset the session "
                    "to draft to change its roster."
                )
            )

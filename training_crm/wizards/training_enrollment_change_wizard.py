from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.training_enrollment_change import CHANGE_TYPES
from ..models.training_session import ATTENDING_STATES


class TrainingEnrollmentChangeWizard(models.TransientModel):
    """Change an enrolment while keeping its history: transfer to another
    class of the course (转班), suspend (停课), resume, or extend (延期). Each
    change writes a training.enrollment.change and the enrolment's tracking."""

    _name = "training.enrollment.change.wizard"
    _description = "Change Enrolment"

    enrollment_id = fields.Many2one("training.enrollment", required=True, readonly=True)
    course_id = fields.Many2one(related="enrollment_id.course_id")
    current_class_id = fields.Many2one(related="enrollment_id.class_id", string="Current Class")
    current_end_date = fields.Date(related="enrollment_id.end_date", string="Current End Date")
    suspended = fields.Boolean(related="enrollment_id.suspended")
    change_type = fields.Selection(CHANGE_TYPES, string="Change", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    class_id = fields.Many2one(
        "training.class", string="New Class", domain="[('course_id', '=', course_id)]"
    )
    end_date = fields.Date(string="New End Date")
    reason = fields.Text()

    @api.onchange("change_type")
    def _onchange_change_type(self):
        if self.change_type == "resumption" and self.enrollment_id.suspend_date:
            days = (self.date - self.enrollment_id.suspend_date).days
            if self.enrollment_id.end_date:
                self.end_date = self.enrollment_id.end_date + timedelta(days=max(days, 0))

    def action_apply(self):
        self.ensure_one()
        enrollment = self.enrollment_id
        enrollment._check_study_rights()
        if enrollment.state not in ATTENDING_STATES:
            raise UserError(
                self.env._("Only an enrolment being studied can change: this one is over.")
            )
        vals, change = getattr(self, f"_apply_{self.change_type}")(enrollment)
        change.update(
            {
                "enrollment_id": enrollment.id,
                "change_type": self.change_type,
                "date": self.date,
                "from_class_id": enrollment.class_id.id,
                "from_course_id": enrollment.course_id.id,
                "from_end_date": enrollment.end_date,
                "hours_remaining": enrollment.hours_remaining,
                "reason": self.reason,
                "user_id": self.env.user.id,
            }
        )
        # The adviser may change their students' enrolments only through here:
        # rights were checked above. A refusal (a full class) writes nothing.
        with self.env.cr.savepoint():
            enrollment.sudo().write(vals)
            change.update(
                {
                    "to_class_id": enrollment.class_id.id,
                    "to_course_id": enrollment.course_id.id,
                    "to_end_date": enrollment.end_date,
                }
            )
            self.env["training.enrollment.change"].sudo().create(change)
            if self.change_type in ("class_transfer", "suspension"):
                # Off the rosters still to take from that day on.
                self.env["training.attendance"].sudo().search(
                    [
                        ("enrollment_id", "=", enrollment.id),
                        ("session_id.state", "=", "draft"),
                        ("date", ">=", fields.Datetime.to_datetime(self.date)),
                    ]
                ).unlink()
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------
    # One method per change type: the enrolment's new values and the
    # change record's extra values.
    # ------------------------------------------------------------

    def _apply_class_transfer(self, enrollment):
        if not self.class_id or self.class_id == enrollment.class_id:
            raise UserError(self.env._("Choose the class the student transfers to."))
        if self.class_id.course_id != enrollment.course_id:
            raise UserError(
                self.env._(
                    "Class %(class_name)s is not a class of course %(course)s: a change of "
                    "course is a course transfer.",
                    class_name=self.class_id.display_name,
                    course=enrollment.course_id.display_name,
                )
            )
        # Writing the class checks its seats, with the class locked.
        return {"class_id": self.class_id.id}, {}

    def _apply_suspension(self, enrollment):
        if enrollment.suspended:
            raise UserError(self.env._("This enrolment is already suspended."))
        return {"suspended": True, "suspend_date": self.date}, {}

    def _apply_resumption(self, enrollment):
        if not enrollment.suspended:
            raise UserError(self.env._("This enrolment is not suspended."))
        if self.date < enrollment.suspend_date:
            raise UserError(self.env._("A suspension cannot end before it started."))
        vals = {"suspended": False, "suspend_date": False}
        if enrollment.end_date:
            vals["end_date"] = enrollment.end_date + timedelta(
                days=(self.date - enrollment.suspend_date).days
            )
        return vals, {}

    def _apply_extension(self, enrollment):
        if not self.end_date or (enrollment.end_date and self.end_date <= enrollment.end_date):
            raise UserError(self.env._("An extension sets a later end date."))
        return {"end_date": self.end_date}, {}

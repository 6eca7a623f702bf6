from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

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
    new_course_id = fields.Many2one("training.course", domain="[('id', '!=', course_id)]")
    class_course_id = fields.Many2one("training.course", compute="_compute_class_course_id")
    class_id = fields.Many2one(
        "training.class", string="New Class", domain="[('course_id', '=', class_course_id)]"
    )
    end_date = fields.Date(string="New End Date")
    reason = fields.Text()

    @api.depends("change_type", "course_id", "new_course_id")
    def _compute_class_course_id(self):
        for wizard in self:
            wizard.class_course_id = (
                wizard.new_course_id
                if wizard.change_type == "course_transfer"
                else wizard.course_id
            )

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
        if self.change_type == "course_transfer":
            return self._apply_course_transfer(enrollment)
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

    def _apply_course_transfer(self, enrollment):
        """转课: the value of the hours left moves to an enrolment in the new
        course, the old enrolment is cancelled with the reason, and the price
        difference is a draft quotation of the new course's line, which the new
        enrolment belongs to (confirming it enrols nobody twice). Supervisors
        only: prices change."""
        if not (self.env.su or self.env.user.has_group("training_crm.group_supervisor")):
            raise AccessError(
                self.env._(
                    "Only supervisors transfer a student to another course: the price changes."
                )
            )
        course = self.new_course_id
        if not course or course == enrollment.course_id:
            raise UserError(self.env._("Choose the course the student transfers to."))
        if course.teaching_mode != "one_to_one" and self.class_id.course_id != course:
            raise UserError(
                self.env._("Choose the class of course %(course)s.", course=course.display_name)
            )
        currency = enrollment.currency_id
        value_left = (
            currency.round(enrollment.amount * enrollment.hours_remaining / enrollment.hours)
            if enrollment.hours
            else 0.0
        )
        difference = currency.round(course.list_price - value_left)
        reason = self.env._(
            "Course transfer to %(course)s: %(reason)s",
            course=course.display_name,
            reason=self.reason or "-",
        )
        with self.env.cr.savepoint():
            new_enrollment = self.env["training.enrollment"].create(
                {
                    "partner_id": enrollment.partner_id.id,
                    "payer_id": enrollment.payer_id.id,
                    "course_id": course.id,
                    "class_id": self.class_id.id if course.teaching_mode != "one_to_one" else False,
                    "hours": course.lesson_hours,
                    "amount": max(course.list_price, value_left),
                    "currency_id": currency.id,
                    "lead_id": enrollment.lead_id.id,
                    "user_id": enrollment.user_id.id,
                    "intent_grade_id": enrollment.intent_grade_id.id,
                    "team_id": enrollment.team_id.id,
                    "company_id": enrollment.company_id.id,
                    "adviser_id": self.class_id.adviser_id.id or enrollment.adviser_id.id,
                }
            )
            order = self.env["sale.order"]
            if difference > 0:
                order = order.create(
                    {
                        "partner_id": (enrollment.payer_id or enrollment.partner_id).id,
                        "user_id": enrollment.user_id.id,
                        "team_id": enrollment.team_id.id,
                        "opportunity_id": enrollment.lead_id.id,
                        "company_id": enrollment.company_id.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": course.product_id.id,
                                    "training_class_id": new_enrollment.class_id.id,
                                    "product_uom_qty": 1,
                                    "price_unit": difference,
                                    "name": self.env._(
                                        "%(course)s: course transfer from %(old)s, "
                                        "%(credit)s credited",
                                        course=course.display_name,
                                        old=enrollment.course_id.display_name,
                                        credit=value_left,
                                    ),
                                }
                            )
                        ],
                    }
                )
                new_enrollment.sale_line_id = order.order_line
            self.env["training.enrollment.change"].sudo().create(
                {
                    "enrollment_id": enrollment.id,
                    "change_type": "course_transfer",
                    "date": self.date,
                    "from_class_id": enrollment.class_id.id,
                    "from_course_id": enrollment.course_id.id,
                    "from_end_date": enrollment.end_date,
                    "to_class_id": new_enrollment.class_id.id,
                    "to_course_id": course.id,
                    "to_end_date": new_enrollment.end_date,
                    "hours_remaining": enrollment.hours_remaining,
                    "to_enrollment_id": new_enrollment.id,
                    "sale_order_id": order.id,
                    "reason": self.reason,
                    "user_id": self.env.user.id,
                }
            )
            enrollment.write({"state": "cancelled", "cancel_reason": reason})
            self.env["training.attendance"].sudo().search(
                [("enrollment_id", "=", enrollment.id), ("session_id.state", "=", "draft")]
            ).unlink()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order" if order else "training.enrollment",
            "res_id": (order or new_enrollment).id,
            "views": [(False, "form")],
        }

import calendar
import math
import threading
from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from .training_value_grade_history import VALUE_GRADES

# Enrolments moved on by one batch of the state scheduled action, and batches per call.
STATE_BATCH_SIZE = 1000
STATE_BATCHES_PER_CALL = 20
# Enrolments given a care activity (course follow-up, renewal) per batch, batches per call.
CARE_BATCH_SIZE = 1000
CARE_BATCHES_PER_CALL = 20
# A return visit is planned only for courses that ended within this many days:
# a history entered afterwards does not flood the advisers with old courses.
RETURN_VISIT_WINDOW_DAYS = 30


class TrainingEnrollment(models.Model):
    """An enrolment (报名): what one student bought of a course. Confirmed sales
    orders make them, one per student and course line, as event_sale makes
    registrations; supervisors may also enter them directly (history, schools
    that do not invoice in Odoo). They are never deleted by a refund or a
    cancellation, which only cancel them: reports count them."""

    _name = "training.enrollment"
    _description = "Enrolment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"
    _check_company_auto = True

    # The last guard of lesson hours, checked by the database at each write
    # (the sessions lock their students' enrolments before consuming).
    _sql_constraints = [
        (
            "hours_consumed_within_bought",
            "CHECK(hours_consumed IS NULL OR hours IS NULL OR hours_consumed <= hours)",
            "Lesson hours cannot be consumed beyond those bought.",
        ),
    ]

    # Student and payer
    partner_id = fields.Many2one(
        "res.partner",
        string="Student",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    payer_id = fields.Many2one(
        "res.partner",
        compute="_compute_payer_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="Who pays: the customer of the sales order, often a parent (guardian); "
        "entered directly, the student's primary payer by default.",
    )

    # What was bought
    course_id = fields.Many2one(
        "training.course",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    teaching_mode = fields.Selection(related="course_id.teaching_mode")
    class_id = fields.Many2one(
        "training.class",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('course_id', '=', course_id)]",
    )
    hours = fields.Float(
        digits=(16, 1),
        help="Lesson hours bought: the course's lesson hours (or one package's, for a "
        "one-to-one course) times the quantity, shared between the line's students.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(
        tracking=True,
        help="Untaxed subtotal of the order line, shared equally between its students.",
    )

    # Dates and state
    start_date = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="The class's start date unless changed here.",
    )
    end_date = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="The class's end date unless changed here.",
    )
    state = fields.Selection(
        [
            ("enrolled", "Enrolled"),
            ("studying", "Studying"),
            ("graduated", "Graduated"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="enrolled",
        index=True,
        tracking=True,
        help="Enrolled until the start date, studying until the end date, then graduated "
        "(moved on every day by a scheduled action); cancelled with the order or a refund.",
    )
    cancel_reason = fields.Char(tracking=True)
    cancel_date = fields.Date(
        compute="_compute_cancel_date",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
        help="The day the enrolment was cancelled: commissions are clawed back in its period.",
    )

    # Sale: who sold it, frozen at confirmation
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        copy=False,
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", store=True, index="btree_not_null", string="Sales Order"
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The lead's owner when the order was confirmed, else the order's salesperson; "
        "kept when the lead changes hands later.",
    )
    intent_grade_id = fields.Many2one(
        "training.crm.grade",
        string="Grade at Enrolment",
        ondelete="restrict",
        help="The lead's intent grade when the order was confirmed, kept for commissions.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # Study (在读): adviser, lesson hours (消课), suspension (停课) and history
    adviser_id = fields.Many2one(
        "res.users",
        string="Class Adviser",
        compute="_compute_adviser_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who cares for the student while studying (班主任/学管师): check-ins, "
        "return visits, renewals. By default the class's adviser, else the default "
        "adviser of the Settings, else the consultant.",
    )
    attendance_ids = fields.One2many("training.attendance", "enrollment_id")
    hours_consumed = fields.Float(
        digits=(16, 1),
        compute="_compute_hours",
        store=True,
        help="Lesson hours consumed by the sessions taken (消课).",
    )
    hours_remaining = fields.Float(
        digits=(16, 1),
        compute="_compute_hours",
        store=True,
        help="Lesson hours bought and not consumed yet.",
    )
    suspended = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Suspended (停课): no attendance until resumed; resuming pushes the end date "
        "back by the length of the suspension.",
    )
    suspend_date = fields.Date(string="Suspended Since", readonly=True, copy=False)
    change_ids = fields.One2many(
        "training.enrollment.change", "enrollment_id", string="Changes", readonly=True
    )
    checkin_ids = fields.One2many(
        "training.enrollment.checkin", "enrollment_id", string="Check-ins"
    )

    # Renewals (续费) and added subjects (扩科), set when the enrolment is made
    enrollment_type = fields.Selection(
        [("new", "New"), ("renewal", "Renewal"), ("added_subject", "Added Subject")],
        string="Enrolment Type",
        compute="_compute_enrollment_type",
        store=True,
        precompute=True,
        index=True,
        help="Renewal: the student already studied this subject (the course's category) "
        "here; added subject (扩科): the student studied only other subjects here; new: "
        "the student's first enrolment.",
    )

    renewal_of_id = fields.Many2one(
        "training.enrollment",
        string="Renews",
        compute="_compute_enrollment_type",
        store=True,
        precompute=True,
        index="btree_not_null",
        ondelete="set null",
        help="The student's latest earlier enrolment in the same subject, which this one renews.",
    )

    # Care: course follow-ups (seed 002) and renewals, each planned once
    course_confirm_planned = fields.Boolean(copy=False, readonly=True)
    return_visit_planned = fields.Boolean(copy=False, readonly=True)
    survey_planned_date = fields.Date(
        string="Survey Planned On",
        copy=False,
        readonly=True,
        help="When a satisfaction survey was last planned for this enrolment (A and B "
        "families are surveyed every few months, seed 004).",
    )
    renewal_planned = fields.Boolean(copy=False, readonly=True)
    satisfaction_ids = fields.One2many(
        "training.satisfaction", "enrollment_id", string="Return Visits"
    )
    satisfaction_count = fields.Integer(compute="_compute_satisfaction_count")

    # Payments
    # What the student's family has been invoiced, has paid and still owes is
    # read from the invoices of sale_line_id (down payments and instalments
    # included), not typed in here.

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("partner_id", "course_id")
    def _compute_display_name(self):
        for enrollment in self:
            enrollment.display_name = " - ".join(
                name for name in (enrollment.partner_id.name, enrollment.course_id.name) if name
            )

    @api.depends("class_id", "user_id")
    def _compute_adviser_id(self):
        """The class's adviser, else the default adviser of the Settings, else
        the consultant; an adviser chosen by hand stays when the new class has none."""
        default_adviser = self.env["res.users"]
        param = self.env["ir.config_parameter"].sudo().get_param("training_crm.default_adviser_id")
        if param and param.isdigit():
            default_adviser = default_adviser.browse(int(param)).exists()
        for enrollment in self:
            enrollment.adviser_id = (
                enrollment.class_id.adviser_id
                or enrollment.adviser_id
                or default_adviser
                or enrollment.user_id
            )

    @api.depends("hours", "attendance_ids.hours_consumed")
    def _compute_hours(self):
        # Through the one2many (prefetched for the batch), not a query: new
        # enrolments have it empty in cache and cost nothing.
        for enrollment in self:
            enrollment.hours_consumed = sum(enrollment.attendance_ids.mapped("hours_consumed"))
            enrollment.hours_remaining = enrollment.hours - enrollment.hours_consumed

    @api.depends("satisfaction_ids")
    def _compute_satisfaction_count(self):
        counts = dict(
            self.env["training.satisfaction"]._read_group(
                [("enrollment_id", "in", self.ids)], ["enrollment_id"], ["__count"]
            )
        )
        for enrollment in self:
            enrollment.satisfaction_count = counts.get(enrollment, 0)

    @api.depends("partner_id", "course_id")
    def _compute_enrollment_type(self):
        """Renewal when the student already had an enrolment of the same
        subject, starting before this one, added subject when only of others,
        else new. Computed before the enrolments are written, in one query for
        a batch; enrolments made together (one order) are one purchase, not
        renewals of each other."""
        history = self._get_student_history()
        later_ids = set()
        for enrollment in self:
            start, subject = enrollment._get_start_key(), enrollment._get_subject()
            others = history.get(enrollment.partner_id.id, [])
            before = sorted((key, other) for key, other, _planned in others if key < start)
            renewed = [key[1] for key, other in before if other == subject]
            enrollment.renewal_of_id = renewed[-1] if renewed else False
            if renewed:
                enrollment.enrollment_type = "renewal"
            else:
                enrollment.enrollment_type = "added_subject" if before else "new"
            # History entered afterwards (an earlier course typed in later)
            # makes the student's later enrolments renewals or added subjects.
            if enrollment.start_date:
                later_ids.update(key[1] for key, _other, _planned in others if key > start)
        if later_ids:
            later = self.browse(later_ids)
            for fname in ("enrollment_type", "renewal_of_id"):
                self.env.add_to_compute(self._fields[fname], later)

    @api.depends("partner_id")
    def _compute_payer_id(self):
        """The student's primary payer, for enrolments entered directly: an
        order's enrolments keep the order's customer."""
        for enrollment in self:
            primary = enrollment.partner_id.training_primary_payer_id
            if not enrollment.sale_line_id and primary:
                enrollment.payer_id = primary
            else:
                enrollment.payer_id = enrollment.payer_id

    @api.depends("state")
    def _compute_cancel_date(self):
        for enrollment in self:
            if enrollment.state != "cancelled":
                enrollment.cancel_date = False
            elif not enrollment.cancel_date:
                enrollment.cancel_date = fields.Date.context_today(enrollment)

    @api.depends("class_id")
    def _compute_dates(self):
        for enrollment in self:
            if enrollment.class_id:
                enrollment.start_date = enrollment.class_id.date_start
                enrollment.end_date = enrollment.class_id.date_end

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("start_date", "end_date")
    def _check_dates(self):
        for enrollment in self:
            if (
                enrollment.start_date
                and enrollment.end_date
                and enrollment.end_date < enrollment.start_date
            ):
                raise ValidationError(
                    self.env._(
                        "Enrolment %(enrollment)s cannot end before it starts.",
                        enrollment=enrollment.display_name,
                    )
                )

    @api.constrains("amount", "hours")
    def _check_figures(self):
        for enrollment in self:
            if enrollment.amount < 0 or enrollment.hours < 0:
                raise ValidationError(
                    self.env._(
                        "Enrolment %(enrollment)s: the amount and the hours cannot be negative.",
                        enrollment=enrollment.display_name,
                    )
                )

    @api.constrains("hours", "hours_consumed")
    def _check_hours_consumed(self):
        for enrollment in self:
            if float_compare(enrollment.hours_consumed, enrollment.hours, precision_digits=1) > 0:
                raise ValidationError(
                    self.env._(
                        "Not enough lesson hours: %(student)s would have consumed "
                        "%(consumed)s of the %(hours)s hours bought in %(course)s.",
                        student=enrollment.partner_id.display_name,
                        course=enrollment.course_id.display_name,
                        consumed=enrollment.hours_consumed,
                        hours=enrollment.hours,
                    )
                )

    @api.constrains("course_id", "class_id")
    def _check_class_course(self):
        for enrollment in self:
            if enrollment.class_id and enrollment.class_id.course_id != enrollment.course_id:
                raise ValidationError(
                    self.env._(
                        "Class %(class_name)s is not a class of course %(course)s.",
                        class_name=enrollment.class_id.display_name,
                        course=enrollment.course_id.display_name,
                    )
                )

    def _check_enrollable(self):
        """What confirming an order checks, for enrolments entered or changed
        directly: no archived course or class, a class for class-based courses,
        no more students than the class's seats (the classes are locked, so two
        entries for the last seat cannot both pass). Run once the records are
        written, so that they count among the seats taken."""
        active = self.filtered(lambda enrollment: enrollment.state != "cancelled")
        for enrollment in active:
            course = enrollment.course_id
            if not course.active:
                raise UserError(
                    self.env._(
                        "Course %(course)s is archived: no one can enrol in it.",
                        course=course.display_name,
                    )
                )
            if course.teaching_mode != "one_to_one" and not enrollment.class_id:
                raise UserError(
                    self.env._("Choose the class of course %(course)s.", course=course.display_name)
                )
            if enrollment.class_id and not enrollment.class_id.active:
                raise UserError(
                    self.env._(
                        "Class %(class_name)s is archived: no one can enrol in it.",
                        class_name=enrollment.class_id.display_name,
                    )
                )
        limited = active.class_id.filtered("seats")
        if not limited:
            return
        self.env.cr.execute(
            SQL("SELECT id FROM training_class WHERE id IN %s FOR UPDATE", tuple(limited.ids))
        )
        self.flush_model(["class_id", "state"])
        taken = limited._get_seats_taken()
        for training_class in limited:
            if taken.get(training_class.id, 0) > training_class.seats:
                raise UserError(
                    self.env._(
                        "Class %(class_name)s is full (%(seats)s seats): choose another class.",
                        class_name=training_class.display_name,
                        seats=training_class.seats,
                    )
                )

    def _check_guardian_consent(self):
        """A student under the consent age (PIPL: 14) on the enrolment's start
        date needs a guardian's recorded consent before being enrolled. An
        unknown birth date does not block (the student is treated as an adult
        and listed under the contacts' "Age Unknown" filter to be completed)."""
        active = self.filtered(lambda enrollment: enrollment.state != "cancelled")
        if active:
            self.env["res.partner"]._training_check_consent(
                [(enrollment.partner_id, enrollment.start_date) for enrollment in active]
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        res = super().init()
        # Enrolments count in the month they were made: the consultant KPIs
        # read the current month's (training_crm_reports) by this index.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS training_enrollment_create_date_index "
                "ON training_enrollment (create_date)"
            )
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        """Direct entry is the supervisors': consultants enrol students by
        confirming sales orders (which create enrolments as superuser)."""
        if not self.env.su and not self.env.user.has_group("training_crm.group_supervisor"):
            raise AccessError(
                self.env._(
                    "Only supervisors enter enrolments directly: enrol students by "
                    "confirming their sales order."
                )
            )
        enrollments = super().create(vals_list)
        enrollments._complete_renewals()
        enrollments._check_guardian_consent()
        # Confirming the order checked its lines, with the classes locked.
        enrollments.filtered(
            lambda enrollment: not (self.env.su and enrollment.sale_line_id)
        )._check_enrollable()
        # The referred person enrols: their referrer's reward is due (转介绍).
        self.env["training.referral.reward"]._make_due_for_enrollments(enrollments)
        return enrollments

    def write(self, vals):
        to_check = self.browse()
        if "course_id" in vals or "class_id" in vals:
            to_check = self
        elif vals.get("state", "cancelled") != "cancelled":
            # Reopening a cancelled enrolment takes a seat again.
            to_check = self.filtered(lambda enrollment: enrollment.state == "cancelled")
        consent_to_check = self.browse()
        if {"partner_id", "start_date", "class_id"} & set(vals):
            # Another student, or an earlier start when they were younger.
            consent_to_check = self
        elif vals.get("state", "cancelled") != "cancelled":
            consent_to_check = self.filtered(lambda enrollment: enrollment.state == "cancelled")
        res = super().write(vals)
        consent_to_check._check_guardian_consent()
        to_check._check_enrollable()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_cancel(self):
        """Cancel, keeping the record for the reports."""
        self.write({"state": "cancelled"})

    def action_open_change(self):
        """The dialog recording a transfer, suspension, resumption or extension."""
        self.ensure_one()
        self._check_study_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Enrolment"),
            "res_model": "training.enrollment.change.wizard",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_enrollment_id": self.id},
        }

    def action_record_return_visit(self):
        """The return visit's form (回访): saving it records the satisfaction
        scores and completes the enrolment's Return Visit activity."""
        return self._satisfaction_form_action(self.env._("Return Visit"), "return_visit")

    def action_record_survey(self):
        """An on-demand satisfaction survey: the same five scores as a return
        visit, at any time of the course."""
        return self._satisfaction_form_action(self.env._("Satisfaction Survey"), "survey")

    def _satisfaction_form_action(self, name, kind):
        self.ensure_one()
        self.env["training.satisfaction"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "training.satisfaction",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_enrollment_id": self.id, "default_kind": kind},
        }

    def action_record_lesson(self):
        """A one-to-one lesson: a session for this enrolment, its roster filled."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "training.session",
            "views": [(False, "form")],
            "context": {"default_enrollment_id": self.id, "default_course_id": self.course_id.id},
        }

    def action_view_attendance(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_attendance_action"
        )
        action["domain"] = [("enrollment_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _check_study_rights(self):
        """Changes of an enrolment (transfers, suspensions, extensions) are its
        adviser's and the supervisors'."""
        self.check_access("read")
        if self.env.su or self.env.user.has_group("training_crm.group_supervisor"):
            return
        if any(enrollment.adviser_id != self.env.user for enrollment in self):
            raise AccessError(
                self.env._("Only the student's class adviser or a supervisor changes an enrolment.")
            )

    def action_view_satisfactions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_satisfaction_action"
        )
        action["domain"] = [("enrollment_id", "=", self.id)]
        action["context"] = {"default_enrollment_id": self.id}
        return action

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # TOOLS: what leads and orders show of their enrolments
    # ------------------------------------------------------------

    @api.model
    def _count_open_by(self, field_name, records):
        """Enrolments not cancelled, per record of `field_name` (a lead, an
        order), counted within the user's own rights: nothing for a user who
        may not read enrolments."""
        if not records.ids or not self.has_access("read"):
            return {}
        return dict(
            self._read_group(
                [(field_name, "in", records.ids), ("state", "!=", "cancelled")],
                [field_name],
                ["__count"],
            )
        )

    @api.model
    def _action_view_for(self, field_name, record):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_enrollment_action"
        )
        action["domain"] = [(field_name, "=", record.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_update_state(self, batch_size=STATE_BATCH_SIZE):
        """Move enrolments on as their dates pass: enrolled → studying from the
        start date, → graduated after the end date. Batched: one call handles up
        to STATE_BATCHES_PER_CALL batches, each committed outside tests, and
        reports its progress so that the cron runner calls it again while
        enrolments remain."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        transitions = (
            (
                "graduated",
                [
                    ("state", "in", ("enrolled", "studying")),
                    ("end_date", "<", today),
                    ("suspended", "=", False),
                ],
            ),
            (
                "studying",
                [
                    ("state", "=", "enrolled"),
                    ("start_date", "<=", today),
                    "|",
                    ("end_date", "=", False),
                    ("end_date", ">=", today),
                ],
            ),
        )
        todo = {state: self.search(domain, order="id").ids for state, domain in transitions}
        total = sum(len(ids) for ids in todo.values())
        done = 0
        batches = 0
        for state, ids in todo.items():
            for start in range(0, len(ids), batch_size):
                if batches == STATE_BATCHES_PER_CALL:
                    break
                batch = self.browse(ids[start : start + batch_size])
                # A state moved on by the calendar is no news for the chatter.
                batch.with_context(tracking_disable=True).write({"state": state})
                done += len(batch)
                batches += 1
                if auto_commit:
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)

    # ------------------------------------------------------------
    # BUSINESS: renewals (续费) and added subjects (扩科)
    # ------------------------------------------------------------

    def _get_subject(self):
        """What "the same subject" means for renewals: the course's category,
        else the course itself."""
        self.ensure_one()
        course = self.course_id
        return ("category", course.category_id.id) if course.category_id else ("course", course.id)

    def _get_student_history(self):
        """The other enrolments (not cancelled) of these students, as
        ((start date, id), subject, renewal planned) per student: one query
        for a batch."""
        self.env["training.enrollment"].flush_model(
            ["partner_id", "course_id", "start_date", "state"]
        )
        self.env["training.course"].flush_model(["category_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT enrollment.partner_id, enrollment.id, enrollment.start_date,
                       course.category_id, course.id, enrollment.renewal_planned
                  FROM training_enrollment enrollment
                  JOIN training_course course ON course.id = enrollment.course_id
                 WHERE enrollment.partner_id IN %(students)s
                   AND enrollment.state != 'cancelled'
                   AND NOT enrollment.id = ANY(%(ids)s)
                """,
                students=tuple(self.partner_id.ids) or (0,),
                ids=[enrollment_id for enrollment_id in self._origin.ids if enrollment_id],
            )
        )
        history = {}
        for (
            student_id,
            enrollment_id,
            start,
            category_id,
            course_id,
            planned,
        ) in self.env.cr.fetchall():
            subject = ("category", category_id) if category_id else ("course", course_id)
            history.setdefault(student_id, []).append(
                ((start or date.max, enrollment_id), subject, planned)
            )
        return history

    def _get_start_key(self):
        """Orders enrolments as they began: by start date, then as entered (a
        new one, not yet written, after all others)."""
        self.ensure_one()
        return (self.start_date or date.max, self._origin.id or math.inf)

    def _complete_renewals(self):
        """Renewing completes the renewal follow-up of the enrolment renewed."""
        renewed = self.renewal_of_id.filtered("renewal_planned")
        if renewed:
            renewed.sudo().activity_feedback(
                ["training_crm.mail_activity_type_renewal"],
                feedback=self.env._("The student renewed."),
            )

    def _get_renewed(self):
        """The enrolments whose student already enrolled again in the same
        subject, starting later: renewed, nothing to follow up."""
        history = self._get_student_history()
        return self.filtered(
            lambda enrollment: any(
                other_subject == enrollment._get_subject() and key > enrollment._get_start_key()
                for key, other_subject, _planned in history.get(enrollment.partner_id.id, [])
            )
        )

    # ------------------------------------------------------------
    # BUSINESS: care activities (course follow-ups, renewals)
    # ------------------------------------------------------------

    @api.model
    def _cron_plan_course_followups(self, batch_size=CARE_BATCH_SIZE):
        """Course follow-ups (seed 002): N days before a class starts, confirm
        its time, place and materials with the family; M days after it ends,
        a return visit (回访) that records the family's satisfaction."""
        today = fields.Date.context_today(self)
        Lead = self.env["crm.lead"]
        confirm_days = Lead._get_int_param("training_crm.course_confirm_days", 3)
        return_days = Lead._get_int_param("training_crm.return_visit_days", 1)
        self._plan_care_activities(
            [
                (
                    "course_confirm_planned",
                    "training_crm.mail_activity_type_course_confirm",
                    [
                        ("state", "=", "enrolled"),
                        ("start_date", ">=", today),
                        ("start_date", "<=", today + relativedelta(days=confirm_days)),
                    ],
                    lambda enrollment: enrollment.start_date - relativedelta(days=confirm_days),
                ),
                (
                    "return_visit_planned",
                    "training_crm.mail_activity_type_return_visit",
                    [
                        ("state", "!=", "cancelled"),
                        ("end_date", "<", today),
                        ("end_date", ">=", today - relativedelta(days=RETURN_VISIT_WINDOW_DAYS)),
                    ],
                    lambda enrollment: enrollment.end_date + relativedelta(days=return_days),
                ),
            ],
            batch_size,
        )

    @api.model
    def _cron_plan_renewals(self, batch_size=CARE_BATCH_SIZE):
        """Renewals (续费): K days before an enrolment ends, or once its lesson
        hours left fall below a threshold, a renewal follow-up for the
        student's adviser, unless the student has renewed already."""
        today = fields.Date.context_today(self)
        Lead = self.env["crm.lead"]
        days = Lead._get_int_param("training_crm.renewal_days", 14)
        hours = Lead._get_int_param("training_crm.renewal_hours", 4)
        self._plan_care_activities(
            [
                (
                    "renewal_planned",
                    "training_crm.mail_activity_type_renewal",
                    [
                        ("state", "in", ("enrolled", "studying")),
                        "|",
                        "&",
                        ("end_date", ">=", today),
                        ("end_date", "<=", today + relativedelta(days=days)),
                        "&",
                        ("hours", ">", 0),
                        ("hours_remaining", "<", hours),
                    ],
                    lambda enrollment: today,
                ),
            ],
            batch_size,
        )

    @api.model
    def _plan_care_activities(self, plans, batch_size):
        """For each (flag, activity type, domain, deadline) plan: one activity
        per due enrolment whose flag is not set, on its care user, then the
        flag. Batched: up to CARE_BATCHES_PER_CALL batches a call, each
        committed outside tests, progress reported for the cron runner."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        todo = [
            (flag, xmlid, deadline, self.search([(flag, "=", False), *domain], order="id").ids)
            for flag, xmlid, domain, deadline in plans
        ]
        total = sum(len(ids) for *_plan, ids in todo)
        done = batches = 0
        for flag, xmlid, deadline, ids in todo:
            for start in range(0, len(ids), batch_size):
                if batches == CARE_BATCHES_PER_CALL:
                    break
                batch = self.browse(ids[start : start + batch_size])
                batch._create_care_activities(xmlid, deadline, flag)
                done += len(batch)
                batches += 1
                if auto_commit:
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)

    @api.model
    def _cron_plan_surveys(self, batch_size=CARE_BATCH_SIZE):
        """Seed 004: A and B families are surveyed regularly (A every 3 months,
        B every 6 by default, Settings): a Satisfaction Survey activity for
        whoever cares for the student, on enrolments being followed with no
        satisfaction recorded or survey planned within that time."""
        today = fields.Date.context_today(self)
        Lead = self.env["crm.lead"]
        todo = []
        for grade, key, default in (("A", "survey_months_a", 3), ("B", "survey_months_b", 6)):
            months = Lead._get_int_param(f"training_crm.{key}", default)
            if not months:
                continue
            since = today - relativedelta(months=months)
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT e.id FROM training_enrollment e
                     WHERE e.state IN ('enrolled', 'studying')
                       AND e.training_value_grade = %s
                       AND COALESCE(e.survey_planned_date, e.start_date, e.create_date::date) <= %s
                       AND NOT EXISTS (
                            SELECT 1 FROM training_satisfaction s
                             WHERE s.enrollment_id = e.id AND s.date > %s)
                     ORDER BY e.id
                    """,
                    grade,
                    since,
                    since,
                )
            )
            todo += [row[0] for row in self.env.cr.fetchall()]
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = 0
        for start in range(0, len(todo), batch_size)[:CARE_BATCHES_PER_CALL]:
            batch = self.browse(todo[start : start + batch_size])
            batch._create_care_activities(
                "training_crm.mail_activity_type_satisfaction_survey", lambda _e: today, None
            )
            batch.with_context(tracking_disable=True).write({"survey_planned_date": today})
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(todo) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(todo) - done)

    @api.model
    def _cron_plan_birthdays(self, batch_size=CARE_BATCH_SIZE):
        """Seed 001 七(一)3: students' birthdays, a few days ahead (setting), as
        an activity for their class adviser (else the consultant who enrolled
        them), once a year, on the enrolment of a course they follow."""
        today = fields.Date.context_today(self)
        days = self.env["crm.lead"]._get_int_param("training_crm.birthday_days", 3)
        birthdays = {}  # "MM-DD" -> this year's (or next year's) birthday in the window
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            birthdays[day.strftime("%m-%d")] = day
            if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
                birthdays["02-29"] = day
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (e.partner_id)
                       e.id, to_char(p.training_birthdate, 'MM-DD'), p.training_birthday_year
                  FROM training_enrollment e
                  JOIN res_partner p ON p.id = e.partner_id
                 WHERE e.state IN ('enrolled', 'studying')
                   AND p.training_birthdate IS NOT NULL
                   AND to_char(p.training_birthdate, 'MM-DD') IN %s
                   AND COALESCE(p.training_birthday_year, 0) < %s
                 ORDER BY e.partner_id, e.start_date DESC NULLS LAST, e.id DESC
                """,
                tuple(birthdays),
                max(birthdays.values()).year,
            )
        )
        todo = [
            (enrollment_id, birthdays[month_day])
            for enrollment_id, month_day, reminded in self.env.cr.fetchall()
            if (reminded or 0) < birthdays[month_day].year
        ]
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = 0
        for start in range(0, len(todo), batch_size)[:CARE_BATCHES_PER_CALL]:
            batch = dict(todo[start : start + batch_size])
            self.browse(list(batch))._create_birthday_activities(batch)
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(todo) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(todo) - done)

    def _create_birthday_activities(self, birthday_by_enrollment):
        """One Birthday activity per student, due on the day, in the language of
        whoever cares for them, without e-mail; then the year on the student,
        so that nobody is reminded twice (a birthday already reminded this year
        is left out, whatever the window)."""
        activity_type = self.env.ref("training_crm.mail_activity_type_birthday").sudo()
        model_id = self.env["ir.model"]._get_id(self._name)
        values, years = [], defaultdict(list)
        for enrollment in self.sudo():
            birthday = birthday_by_enrollment[enrollment.id]
            student = enrollment.partner_id
            years[birthday.year].append(student.id)
            user = enrollment.adviser_id or enrollment.user_id
            if not user:
                continue
            env = self.with_context(lang=user.lang or self.env.lang).env
            age = birthday.year - student.training_birthdate.year
            values.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": env._(
                        "%(student)s turns %(age)s: send the family our wishes",
                        student=student.name,
                        age=age,
                    ),
                    "automated": True,
                    "date_deadline": birthday,
                    "res_model_id": model_id,
                    "res_id": enrollment.id,
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            values
        )
        for year, student_ids in years.items():
            self.env["res.partner"].browse(student_ids).sudo().write(
                {"training_birthday_year": year}
            )

    def _create_care_activities(self, activity_xmlid, deadline, flag):
        """One activity per enrolment, for its adviser: one create, without
        the assignment e-mail (staff may have no address). A renewal is not
        planned for a student who already renewed the subject."""
        if flag == "renewal_planned":
            # A families' renewals first (seed 004): created first, they come
            # first among the adviser's activities due the same day.
            todo = (self - self._get_renewed()).sorted(
                lambda enrollment: (enrollment.training_value_grade or "E", enrollment.id)
            )
        else:
            todo = self
        activity_type = self.env.ref(activity_xmlid).sudo()
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary,
                    "note": activity_type.default_note,
                    "automated": True,
                    "date_deadline": deadline(enrollment),
                    "res_model_id": model_id,
                    "res_id": enrollment.id,
                    "user_id": enrollment.adviser_id.id,
                }
                for enrollment in todo
                if enrollment.adviser_id
            ]
        )
        if flag:
            self.with_context(tracking_disable=True).write({flag: True})

    # ------------------------------------------------------------
    # VALUE GRADE: the paying family's grade serves its renewals first
    # ------------------------------------------------------------

    training_value_grade = fields.Selection(
        VALUE_GRADES,
        string="Family Value Grade",
        compute="_compute_training_value_grade",
        store=True,
        index="btree_not_null",
        help="The better customer value grade of the student and of the payer (the paying "
        "family): renewals of A families come first.",
    )

    @api.depends("partner_id.training_value_grade", "payer_id.training_value_grade")
    def _compute_training_value_grade(self):
        # Through the ORM's prefetch (a query for the batch, none when
        # creating enrolments has their students and payers in cache).
        for enrollment in self:
            grades = [
                grade
                for grade in (
                    enrollment.partner_id.training_value_grade,
                    enrollment.payer_id.training_value_grade,
                )
                if grade
            ]
            enrollment.training_value_grade = min(grades, default=False)

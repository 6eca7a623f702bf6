import threading

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Enrolments moved on by one batch of the state scheduled action, and batches per call.
STATE_BATCH_SIZE = 1000
STATE_BATCHES_PER_CALL = 20


class TrainingEnrollment(models.Model):
    """An enrolment (报名): what one student bought of a course. Confirmed sales
    orders make them, one per student and course line, as event_sale makes
    registrations; supervisors may also enter them directly (history, schools
    that do not invoice in Odoo). They are never deleted by a refund or a
    cancellation, which only cancel them: reports count them."""

    _name = "training.enrollment"
    _description = "Enrolment"
    _inherit = ["mail.thread"]
    _order = "start_date desc, id desc"
    _check_company_auto = True

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
        tracking=True,
        help="The class's start date unless changed here.",
    )
    end_date = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
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
        enrollments._check_guardian_consent()
        # Confirming the order checked its lines, with the classes locked.
        enrollments.filtered(
            lambda enrollment: not (self.env.su and enrollment.sale_line_id)
        )._check_enrollable()
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
            ("graduated", [("state", "in", ("enrolled", "studying")), ("end_date", "<", today)]),
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

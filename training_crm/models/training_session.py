from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Enrolment states a student may attend in (not graduated, not cancelled).
ATTENDING_STATES = ("enrolled", "studying")


class TrainingSession(models.Model):
    """One lesson (课次): a class meeting, or a one-to-one lesson of one
    enrolment. Its roster (one attendance line per student) is filled from
    the class's active enrolments; confirming it consumes the students' lesson
    hours (消课), in one go whatever the class's size."""

    _name = "training.session"
    _description = "Class Session"
    _order = "date desc, id desc"
    _check_company_auto = True

    # What and when
    class_id = fields.Many2one(
        "training.class", index="btree_not_null", ondelete="restrict", check_company=True
    )
    enrollment_id = fields.Many2one(
        "training.enrollment",
        string="One-to-one Enrolment",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="For a one-to-one lesson: the enrolment it is taught for.",
    )
    course_id = fields.Many2one(
        "training.course",
        compute="_compute_course_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        ondelete="restrict",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    hours = fields.Float(
        digits=(16, 1),
        required=True,
        default=2.0,
        help="Lesson hours (课时) the session consumes from each student who counts as attending.",
    )
    teacher_id = fields.Many2one(
        "res.users",
        compute="_compute_teacher_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # Roster and state
    attendance_ids = fields.One2many("training.attendance", "session_id")
    attendance_count = fields.Integer(compute="_compute_attendance_count", string="Students")
    state = fields.Selection(
        [("draft", "To Take"), ("done", "Taken"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        index=True,
        help="Taken: the attendance is confirmed and the hours consumed.",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("class_id", "enrollment_id", "course_id", "date")
    def _compute_display_name(self):
        for session in self:
            what = session.class_id.name or session.enrollment_id.display_name
            when = session.date and fields.Datetime.context_timestamp(session, session.date)
            session.display_name = " - ".join(
                part
                for part in (
                    what or session.course_id.name,
                    when and when.strftime("%Y-%m-%d %H:%M"),
                )
                if part
            )

    @api.depends("class_id", "enrollment_id")
    def _compute_course_id(self):
        for session in self:
            course = session.class_id.course_id or session.enrollment_id.course_id
            if course:
                session.course_id = course

    @api.depends("class_id")
    def _compute_teacher_id(self):
        for session in self:
            if session.class_id.teacher_id:
                session.teacher_id = session.class_id.teacher_id

    @api.depends("attendance_ids")
    def _compute_attendance_count(self):
        for session in self:
            session.attendance_count = len(session.attendance_ids)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("hours")
    def _check_hours(self):
        for session in self:
            if session.hours <= 0:
                raise ValidationError(self.env._("A session consumes more than 0 lesson hours."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        sessions = super().create(vals_list)
        sessions.filtered(lambda session: not session.attendance_ids)._fill_roster()
        return sessions

    def write(self, vals):
        if vals.get("state") == "done" or any(session.state == "done" for session in self):
            # Hours are consumed now, not at some later flush: a session past
            # the hours bought fails here, with nothing written.
            with self.env.cr.savepoint():
                return super().write(vals)
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_fill_roster(self):
        """Add the students enrolled since the roster was filled."""
        self.check_access("write")
        self._fill_roster()

    def action_confirm(self):
        """Take attendance: consume the hours of every line at once."""
        self.check_access("write")
        sessions = self.filtered(lambda session: session.state == "draft")
        if not sessions:
            return
        attendances = sessions.attendance_ids
        enrollments = attendances.enrollment_id
        if enrollments:
            # Two staff taking attendance for the same student at once: the
            # second waits here, then fails to serialise and is retried, and
            # finds the hours the first consumed.
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM training_enrollment WHERE id IN %s FOR UPDATE",
                    tuple(enrollments.ids),
                )
            )
        attendances._check_attendable()
        sessions.write({"state": "done"})

    def action_reset_to_draft(self):
        """Correct a session taken by mistake: its hours are given back."""
        self.check_access("write")
        self.filtered(lambda session: session.state != "draft").write({"state": "draft"})

    def action_cancel(self):
        self.check_access("write")
        self.write({"state": "cancelled"})

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _fill_roster(self):
        """One attendance line per student of the class (or the one-to-one
        enrolment) who is enrolled or studying and not suspended, in two
        queries for any number of sessions. The roster is the class's, not
        only what the user may read of it, hence superuser to find it."""
        sessions = self.filtered(
            lambda session: session.state == "draft" and (session.class_id or session.enrollment_id)
        )
        if not sessions:
            return
        Enrollment = self.env["training.enrollment"].sudo()
        enrollments = Enrollment.search(
            [
                "|",
                ("class_id", "in", sessions.class_id.ids),
                ("id", "in", sessions.enrollment_id.ids),
                ("state", "in", ATTENDING_STATES),
                ("suspended", "=", False),
            ],
            order="id",
        )
        by_class = enrollments.grouped("class_id")
        vals_list = []
        for session in sessions:
            taken = set(session.attendance_ids.enrollment_id.ids)
            roster = (
                by_class.get(session.class_id, Enrollment)
                if session.class_id
                else session.enrollment_id & enrollments
            )
            vals_list += [
                {"session_id": session.id, "enrollment_id": enrollment.id}
                for enrollment in roster
                if enrollment.id not in taken
            ]
        self.env["training.attendance"].create(vals_list)

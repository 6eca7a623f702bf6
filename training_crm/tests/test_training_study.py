from datetime import date, datetime

import psycopg2.errors
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .test_training_enrollment import TrainingEnrollmentCommon


class TrainingStudyCommon(TrainingEnrollmentCommon):
    """A class adviser who sells nothing, a teacher, and two students of the
    class (8 hours each, the class's adviser theirs)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.adviser = new_test_user(
            cls.env, login="tc_adviser", name="Adviser Test", groups="training_crm.group_adviser"
        )
        cls.adviser_2 = new_test_user(
            cls.env, login="tc_adviser_2", name="Adviser Two", groups="training_crm.group_adviser"
        )
        cls.training_class.write({"adviser_id": cls.adviser.id, "seats": 3})
        cls.class_2 = cls.env["training.class"].create(
            {
                "name": "Scratch Spring 2",
                "course_id": cls.course.id,
                "date_start": date(2026, 3, 1),
                "date_end": date(2026, 6, 30),
                "seats": 1,
            }
        )
        Enrollment = cls.env["training.enrollment"].with_user(cls.user_supervisor)
        common = {
            "course_id": cls.course.id,
            "class_id": cls.training_class.id,
            "hours": 8,
            "amount": 1000,
            "user_id": cls.user_consultant.id,
        }
        cls.enrollment_1 = Enrollment.create(dict(common, partner_id=cls.child_1.id))
        cls.enrollment_2 = Enrollment.create(dict(common, partner_id=cls.child_2.id))

    def _session(self, user=None, **values):
        vals = {
            "class_id": self.training_class.id,
            "date": datetime(2026, 3, 2, 10, 0),
            "hours": 2,
        }
        vals.update(values)
        return self.env["training.session"].with_user(user or self.adviser).create(vals)

    def _attendance(self, session, enrollment):
        return session.attendance_ids.filtered(lambda a: a.enrollment_id == enrollment)


@tagged("post_install", "-at_install")
class TestTrainingStudy(TrainingStudyCommon):
    # ------------------------------------------------------------
    # Lesson hours (消课)
    # ------------------------------------------------------------

    def test_attendance_consumes_hours(self):
        """The roster is the class's students; present and make-up consume,
        excused does not, an absence does by default and not when Settings
        say absences keep their hours."""
        session = self._session()
        self.assertEqual(
            session.attendance_ids.enrollment_id, self.enrollment_1 | self.enrollment_2
        )
        self.assertEqual(set(session.attendance_ids.mapped("state")), {"present"})
        self._attendance(session, self.enrollment_2).state = "excused"
        session.action_confirm()
        self.assertEqual(session.state, "done")
        self.assertEqual(self.enrollment_1.hours_consumed, 2)
        self.assertEqual(self.enrollment_1.hours_remaining, 6)
        self.assertEqual(self.enrollment_2.hours_consumed, 0)
        self.assertEqual(self.child_1.with_user(self.adviser).training_hours_remaining, 6)

        absent = self._session(date=datetime(2026, 3, 3, 10, 0))
        absent.attendance_ids.state = "absent"
        absent.action_confirm()
        self.assertEqual(self.enrollment_2.hours_consumed, 2)

        self.env["ir.config_parameter"].set_param("training_crm.absence_keeps_hours", "True")
        kept = self._session(date=datetime(2026, 3, 4, 10, 0))
        self._attendance(kept, self.enrollment_1).state = "absent"
        self._attendance(kept, self.enrollment_2).state = "makeup"
        kept.action_confirm()
        self.assertEqual(self.enrollment_1.hours_consumed, 4)
        self.assertEqual(self.enrollment_2.hours_consumed, 4)

        # Reset to draft: the hours are given back.
        kept.action_reset_to_draft()
        self.assertEqual(self.enrollment_2.hours_remaining, 6)

    def test_cannot_consume_past_bought(self):
        """Confirming a session that would go past the hours bought is refused
        with a clear message, and nothing is written."""
        session = self._session(hours=6)
        session.action_confirm()
        second = self._session(hours=4, date=datetime(2026, 3, 9, 10, 0))
        with self.assertRaisesRegex(ValidationError, "Not enough lesson hours: Zhang Lele"):
            second.action_confirm()
        self.assertEqual(second.state, "draft")
        self.assertEqual(self.enrollment_1.hours_remaining, 2)
        # The same through a correction of a taken session.
        with self.assertRaises(ValidationError):
            session.hours = 10
        # Excusing the students makes it fit.
        second.attendance_ids.state = "excused"
        second.action_confirm()
        self.assertEqual(self.enrollment_1.hours_remaining, 2)

    def test_database_guards_hours(self):
        """The database itself refuses consumed hours beyond those bought."""
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
            self.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE training_enrollment SET hours_consumed = 9 WHERE id = %s",
                [self.enrollment_1.id],
            )

    def test_only_studying_enrolments_attend(self):
        """A cancelled enrolment is not on the roster; one added by hand is
        refused at confirmation."""
        self.enrollment_2.with_user(self.user_supervisor).action_cancel()
        session = self._session()
        self.assertEqual(session.attendance_ids.enrollment_id, self.enrollment_1)
        session.write({"attendance_ids": [(0, 0, {"enrollment_id": self.enrollment_2.id})]})
        with self.assertRaisesRegex(UserError, "Zhang Xixi cannot attend"):
            session.action_confirm()
        self.assertEqual(self.enrollment_1.hours_consumed, 0)

    def test_one_to_one_lesson(self):
        """A one-to-one enrolment records lessons without a class."""
        enrollment = (
            self.env["training.enrollment"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "partner_id": self.child_1.id,
                    "course_id": self.course_1on1.id,
                    "hours": 20,
                    "adviser_id": self.adviser.id,
                }
            )
        )
        action = enrollment.with_user(self.adviser).action_record_lesson()
        with Form(
            self.env["training.session"].with_user(self.adviser).with_context(**action["context"])
        ) as form:
            form.hours = 1.5
        session = form.save()
        self.assertEqual(session.attendance_ids.enrollment_id, enrollment)
        session.action_confirm()
        self.assertEqual(enrollment.hours_remaining, 18.5)

    def test_take_attendance_constant_queries(self):
        """Opening a session of 30 students (the roster filled) and confirming
        it takes as many queries as for 3 students."""
        students = self.env["res.partner"].create([{"name": f"Student {i}"} for i in range(33)])
        big, small = self.env["training.class"].create(
            [
                {
                    "name": name,
                    "course_id": self.course.id,
                    "date_start": date(2026, 3, 1),
                    "date_end": date(2026, 6, 30),
                    "adviser_id": self.adviser.id,
                }
                for name in ("Scratch Big", "Scratch Small")
            ]
        )
        self.env["training.enrollment"].create(
            [
                {
                    "partner_id": student.id,
                    "course_id": self.course.id,
                    "class_id": (big if index < 30 else small).id,
                    "hours": 10,
                }
                for index, student in enumerate(students)
            ]
        )
        # Warm the caches (settings, rules) on a first session of each class,
        # so that both rosters have a history of attendance.
        for training_class in (small, big):
            self._session(
                class_id=training_class.id, date=datetime(2026, 3, 1, 8, 0)
            ).action_confirm()

        def take(training_class, day):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            session = self._session(class_id=training_class.id, date=datetime(2026, 3, day, 10, 0))
            session.action_confirm()
            self.env.flush_all()
            return session, self.cr.sql_log_count - before

        session_small, count_small = take(small, 2)
        session_big, count_big = take(big, 3)
        self.assertEqual(len(session_small.attendance_ids), 3)
        self.assertEqual(len(session_big.attendance_ids), 30)
        self.assertEqual(count_big, count_small)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=count_big):
            session = self._session(class_id=big.id, date=datetime(2026, 3, 4, 10, 0))
            session.action_confirm()
            self.env.flush_all()
        self.assertEqual(set(session.attendance_ids.mapped("hours_consumed")), {2.0})

    # ------------------------------------------------------------
    # Advisers
    # ------------------------------------------------------------

    def test_adviser_defaults(self):
        """The class's adviser, else the Settings' default adviser, else the consultant."""
        self.assertEqual(self.enrollment_1.adviser_id, self.adviser)
        Enrollment = self.env["training.enrollment"].with_user(self.user_supervisor)
        vals = {
            "partner_id": self.child_1.id,
            "course_id": self.course_1on1.id,
            "hours": 10,
            "user_id": self.user_consultant.id,
        }
        self.assertEqual(Enrollment.create(vals).adviser_id, self.user_consultant)
        settings = self.env["res.config.settings"].create(
            {"training_default_adviser_id": self.adviser_2.id}
        )
        settings.execute()
        self.assertEqual(Enrollment.create(vals).adviser_id, self.adviser_2)
        # A transfer to a class with an adviser brings the class's adviser.
        self.class_2.adviser_id = self.adviser_2
        self._change(self.enrollment_1, "class_transfer", class_id=self.class_2.id)
        self.assertEqual(self.enrollment_1.adviser_id, self.adviser_2)

    def test_adviser_access(self):
        """An adviser reads their students' enrolments, sessions and contacts,
        no lead, and not another adviser's students."""
        self.enrollment_2.with_user(self.user_supervisor).adviser_id = self.adviser_2
        Enrollment = self.env["training.enrollment"].with_user(self.adviser_2)
        self.assertEqual(
            Enrollment.search([("id", "in", (self.enrollment_1 | self.enrollment_2).ids)]),
            self.enrollment_2,
        )
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.adviser_2).search([])
        Partner = self.env["res.partner"].with_user(self.adviser_2)
        self.assertEqual(
            Partner.search([("id", "in", (self.child_1 | self.child_2).ids)]), self.child_2
        )
        # The lead's customer is somebody's customer: hidden from advisers.
        self.assertFalse(Partner.search([("id", "=", self.customer.id)]))
        # Their student's check-in.
        checkin = (
            self.env["training.enrollment.checkin"]
            .with_user(self.adviser_2)
            .create({"enrollment_id": self.enrollment_2.id, "performance": "good", "note": "Keen"})
        )
        self.assertEqual(checkin.user_id, self.adviser_2)
        with self.assertRaises(AccessError):
            self.env["training.enrollment.checkin"].with_user(self.adviser_2).create(
                {"enrollment_id": self.enrollment_1.id}
            )
        # The consultant who sold still sees both students.
        self.assertEqual(
            self.env["training.enrollment"]
            .with_user(self.user_consultant)
            .search([("id", "in", (self.enrollment_1 | self.enrollment_2).ids)]),
            self.enrollment_1 | self.enrollment_2,
        )

    # ------------------------------------------------------------
    # Changes: transfer, suspension, extension
    # ------------------------------------------------------------

    def _change(self, enrollment, change_type, user=None, **values):
        wizard = (
            self.env["training.enrollment.change.wizard"]
            .with_user(user or self.adviser)
            .create(
                dict(
                    {"enrollment_id": enrollment.id, "change_type": change_type, "reason": "Asked"},
                    **values,
                )
            )
        )
        return wizard.action_apply()

    def test_class_transfer(self):
        next_session = self._session(date=datetime(2026, 12, 1, 10, 0))
        self._change(self.enrollment_1, "class_transfer", class_id=self.class_2.id)
        self.assertEqual(self.enrollment_1.class_id, self.class_2)
        # Off the old class's rosters still to take.
        self.assertEqual(next_session.attendance_ids.enrollment_id, self.enrollment_2)
        change = self.enrollment_1.change_ids
        self.assertEqual(change.change_type, "class_transfer")
        self.assertEqual(change.from_class_id, self.training_class)
        self.assertEqual(change.to_class_id, self.class_2)
        self.assertEqual(change.user_id, self.adviser)
        # Class 2 is full now: refused, nothing written.
        with self.assertRaisesRegex(UserError, "is full"):
            self._change(self.enrollment_2, "class_transfer", class_id=self.class_2.id)
        self.assertEqual(self.enrollment_2.class_id, self.training_class)
        self.assertEqual(len(self.enrollment_2.change_ids), 0)
        # A class of another course is refused too.
        other = self.env["training.course"].create({"name": "Python", "lesson_hours": 10})
        other_class = self.env["training.class"].create(
            {
                "name": "Python 1",
                "course_id": other.id,
                "date_start": date(2026, 3, 1),
                "date_end": date(2026, 6, 30),
            }
        )
        with self.assertRaisesRegex(UserError, "not a class of course"):
            self._change(self.enrollment_2, "class_transfer", class_id=other_class.id)
        # Another adviser may not change this student.
        with self.assertRaises(AccessError):
            self._change(
                self.enrollment_2, "extension", user=self.adviser_2, end_date=date(2026, 8, 1)
            )

    def test_suspension_blocks_attendance_and_pushes_end(self):
        with freeze_time("2026-04-01"):
            self._change(self.enrollment_1, "suspension")
        self.assertTrue(self.enrollment_1.suspended)
        session = self._session(date=datetime(2026, 4, 2, 10, 0))
        self.assertEqual(session.attendance_ids.enrollment_id, self.enrollment_2)
        session.write({"attendance_ids": [(0, 0, {"enrollment_id": self.enrollment_1.id})]})
        with self.assertRaisesRegex(UserError, "Zhang Lele cannot attend.*suspended"):
            session.action_confirm()
        with freeze_time("2026-04-21"):
            self._change(self.enrollment_1, "resumption")
        self.assertFalse(self.enrollment_1.suspended)
        self.assertEqual(self.enrollment_1.end_date, date(2026, 7, 20))
        self.assertEqual(
            self.enrollment_1.change_ids.mapped("change_type"), ["resumption", "suspension"]
        )
        session.action_confirm()
        self.assertEqual(self.enrollment_1.hours_consumed, 2)

    def test_suspended_enrolment_does_not_graduate(self):
        with freeze_time("2026-06-01"):
            self._change(self.enrollment_1, "suspension")
        with freeze_time("2026-07-15"):
            self.env["training.enrollment"]._cron_update_state()
        self.assertEqual(self.enrollment_1.state, "enrolled")
        self.assertEqual(self.enrollment_2.state, "graduated")

    def test_extension(self):
        with self.assertRaisesRegex(UserError, "later end date"):
            self._change(self.enrollment_1, "extension", end_date=date(2026, 6, 1))
        self._change(self.enrollment_1, "extension", end_date=date(2026, 8, 31))
        self.assertEqual(self.enrollment_1.end_date, date(2026, 8, 31))
        change = self.enrollment_1.change_ids
        self.assertEqual(
            (change.from_end_date, change.to_end_date), (date(2026, 6, 30), date(2026, 8, 31))
        )

    def test_course_transfer(self):
        """转课: the value of the hours left moves to the new course, the old
        enrolment is cancelled with the reason, the difference is a draft
        quotation whose confirmation enrols nobody twice."""
        session = self._session(hours=2)
        session.action_confirm()  # 6 of 8 hours left: 750.0 of 1000.0
        python = self.env["training.course"].create(
            {"name": "Python", "lesson_hours": 30, "list_price": 3000}
        )
        python_class = self.env["training.class"].create(
            {
                "name": "Python 1",
                "course_id": python.id,
                "date_start": date(2026, 4, 1),
                "date_end": date(2026, 7, 31),
                "seats": 1,
            }
        )
        with self.assertRaises(AccessError):
            self._change(
                self.enrollment_1,
                "course_transfer",
                new_course_id=python.id,
                class_id=python_class.id,
            )
        self._change(
            self.enrollment_1,
            "course_transfer",
            user=self.user_supervisor,
            new_course_id=python.id,
            class_id=python_class.id,
        )
        self.assertEqual(self.enrollment_1.state, "cancelled")
        self.assertIn("Course transfer to Python", self.enrollment_1.cancel_reason)
        change = self.enrollment_1.change_ids
        new = change.to_enrollment_id
        self.assertEqual(
            (new.partner_id, new.course_id, new.class_id, new.hours, new.amount),
            (self.child_1, python, python_class, 30, 3000),
        )
        self.assertEqual(new.user_id, self.user_consultant)
        order = change.sale_order_id
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.order_line.price_unit, 2250)
        self.assertEqual(new.sale_line_id, order.order_line)
        # The class's only seat is the student's: confirming enrols nobody again.
        order.with_user(self.user_supervisor).action_confirm()
        self.assertEqual(order.training_enrollment_ids, new)
        self.assertEqual(python_class.seats_taken, 1)

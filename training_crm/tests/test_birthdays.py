from datetime import date

from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user, tagged

BIRTHDAY = "training_crm.mail_activity_type_birthday"


@tagged("post_install", "-at_install")
class TestBirthdays(TransactionCase):
    """Seed 001 七(一)3: a student's birthday reaches their class adviser a
    few days ahead (setting, default 3), once a year, without e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.adviser = new_test_user(
            cls.env, login="bd_adv", groups="training_crm.group_adviser", email=False
        )
        cls.consultant = new_test_user(
            cls.env, login="bd_con", groups="training_crm.group_consultant", email=False
        )
        course = cls.env["training.course"].create(
            {"name": "Scratch Coding", "lesson_hours": 48, "list_price": 6000}
        )
        cls.training_class = cls.env["training.class"].create(
            {
                "name": "Scratch Year",
                "course_id": course.id,
                "date_start": date(2026, 9, 1),
                "date_end": date(2027, 6, 30),
                "adviser_id": cls.adviser.id,
            }
        )
        cls.class_without_adviser = cls.env["training.class"].create(
            {
                "name": "Scratch Weekend",
                "course_id": course.id,
                "date_start": date(2026, 9, 1),
                "date_end": date(2027, 6, 30),
            }
        )
        # Families' consent (PIPL) is not what these tests are about.
        cls.env["ir.config_parameter"].set_param("training_crm.consent_age", "0")
        cls.lele, cls.xixi, cls.dudu, cls.leap = cls.env["res.partner"].create(
            [
                {"name": "Zhang Lele", "training_birthdate": date(2016, 12, 10)},
                {"name": "Li Xixi", "training_birthdate": date(2017, 12, 20)},
                {"name": "Wang Dudu"},
                {"name": "Zhao Runrun", "training_birthdate": date(2016, 2, 29)},
            ]
        )
        common = {
            "course_id": course.id,
            "class_id": cls.training_class.id,
            "user_id": cls.consultant.id,
            "state": "studying",
        }
        cls.enrollments = cls.env["training.enrollment"].create(
            [dict(common, partner_id=student.id) for student in cls.lele | cls.xixi | cls.dudu]
            + [dict(common, partner_id=cls.leap.id, class_id=cls.class_without_adviser.id)]
        )
        cls.Enrollment = cls.env["training.enrollment"]

    def _reminders(self, students=None):
        enrollments = self.enrollments.filtered(lambda e: not students or e.partner_id in students)
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "training.enrollment"),
                ("res_id", "in", enrollments.ids),
                ("activity_type_id", "=", self.env.ref(BIRTHDAY).id),
            ]
        )

    def _run(self, day):
        with freeze_time(day):
            self.Enrollment._cron_plan_birthdays()

    def test_reminded_three_days_ahead_once_a_year(self):
        self._run("2026-12-06")
        self.assertFalse(self._reminders(self.lele), "four days ahead: too early")
        mails = self.env["mail.mail"].search_count([])
        self._run("2026-12-07")
        reminder = self._reminders(self.lele)
        self.assertEqual(reminder.user_id, self.adviser)
        self.assertEqual(reminder.date_deadline, date(2026, 12, 10))
        self.assertIn("Zhang Lele turns 10", reminder.summary)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no e-mail")
        self._run("2026-12-08")
        self._run("2026-12-10")
        self.assertEqual(self._reminders(self.lele), reminder, "once")
        self.assertEqual(self.lele.training_birthday_year, 2026)
        self._run("2027-12-07")
        self.assertEqual(len(self._reminders(self.lele)), 2, "again next year")

    def test_a_missed_day_is_caught_up_within_the_window(self):
        self._run("2026-12-09")  # the cron did not run on the 7th and 8th
        self.assertEqual(len(self._reminders(self.lele)), 1)

    def test_consultant_without_adviser_and_no_birthdate_no_reminder(self):
        self._run("2027-02-26")  # 28 February 2027 within three days; no 29th that year
        reminder = self._reminders(self.leap)
        self.assertEqual(reminder.user_id, self.consultant, "no class, no adviser")
        self.assertEqual(reminder.date_deadline, date(2027, 2, 28))
        self.assertIn("turns 11", reminder.summary)
        self.assertFalse(self._reminders(self.dudu))

    def test_only_students_following_a_course(self):
        self.enrollments.filtered(lambda e: e.partner_id == self.xixi).state = "graduated"
        self._run("2026-12-18")
        self.assertFalse(self._reminders(self.xixi))

    def test_window_is_a_setting(self):
        self.env["res.config.settings"].create({"training_birthday_days": 14}).execute()
        self._run("2026-12-06")
        self.assertEqual(
            self._reminders().mapped("date_deadline"), [date(2026, 12, 10), date(2026, 12, 20)]
        )

    def test_queries_do_not_grow_with_the_students(self):
        students = self.env["res.partner"].create(
            [{"name": f"Student {i}", "training_birthdate": date(2015, 5, 5)} for i in range(8)]
        )
        self.env["training.enrollment"].create(
            [
                {
                    "partner_id": student.id,
                    "course_id": self.training_class.course_id.id,
                    "class_id": self.training_class.id,
                    "user_id": self.consultant.id,
                    "state": "studying",
                }
                for student in students
            ]
        )

        def cost(day):
            self.env.invalidate_all()
            with freeze_time(day):
                before = self.env.cr.sql_log_count
                self.Enrollment._cron_plan_birthdays()
                return self.env.cr.sql_log_count - before

        self._run("2026-12-07")  # warm-up: Zhang Lele's reminder fills the caches
        one, eight = cost("2026-12-17"), cost("2027-05-02")
        self.assertEqual(one, eight, "1 student (Li Xixi), then 8")

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .test_training_enrollment import TrainingEnrollmentCommon


@tagged("post_install", "-at_install")
class TestCourseFollowups(TrainingEnrollmentCommon):
    """Course follow-ups (seed 002), return visits with their satisfaction
    scores, renewals (续费) and added subjects (扩科)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coding = cls.env["training.course.category"].create({"name": "Coding"})
        cls.maths = cls.env["training.course.category"].create({"name": "Maths"})
        cls.course.category_id = cls.coding
        cls.course_1on1.category_id = cls.maths
        cls.course_next = cls.env["training.course"].create(
            {
                "name": "Python for Kids",
                "category_id": cls.coding.id,
                "teaching_mode": "face_to_face",
                "lesson_hours": 48,
                "list_price": 7000,
            }
        )
        cls.class_next = cls.env["training.class"].create(
            {
                "name": "Python Summer 1",
                "course_id": cls.course_next.id,
                "date_start": date(2026, 7, 10),
                "date_end": date(2026, 9, 30),
            }
        )
        cls.Enrollment = cls.env["training.enrollment"]

    def _care_activities(self, enrollments, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "training.enrollment"),
                ("res_id", "in", enrollments.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def _sold(self):
        """The consultant's Scratch enrolment (1 March to 30 June 2026)."""
        order = self._order((self.course, self.training_class, 1), lead=self.lead)
        with freeze_time("2026-02-01"):
            order.with_user(self.user_consultant).action_confirm()
        return order.training_enrollment_ids

    # ------------------------------------------------------------
    # Before the class starts
    # ------------------------------------------------------------

    def test_confirm_class_details_days_before_start(self):
        enrollment = self._sold()
        confirm = "training_crm.mail_activity_type_course_confirm"
        with freeze_time("2026-02-25"):
            self.Enrollment._cron_plan_course_followups()
        self.assertFalse(self._care_activities(enrollment, confirm), "4 days before: not yet")
        with freeze_time("2026-02-26"):
            self.Enrollment._cron_plan_course_followups()
            self.Enrollment._cron_plan_course_followups()
        activity = self._care_activities(enrollment, confirm)
        self.assertEqual(len(activity), 1, "planned once, however often the action runs")
        self.assertEqual(activity.user_id, self.user_consultant)
        self.assertEqual(activity.date_deadline, date(2026, 2, 26))

    def test_confirm_days_setting(self):
        self.env["ir.config_parameter"].set_param("training_crm.course_confirm_days", 5)
        enrollment = self._sold()
        with freeze_time("2026-02-24"):
            self.Enrollment._cron_plan_course_followups()
        activity = self._care_activities(
            enrollment, "training_crm.mail_activity_type_course_confirm"
        )
        self.assertEqual(activity.date_deadline, date(2026, 2, 24))

    def test_no_confirmation_once_started_or_cancelled(self):
        enrollment = self._sold()
        enrollment.with_user(self.user_supervisor).action_cancel()
        with freeze_time("2026-02-27"):
            self.Enrollment._cron_plan_course_followups()
        self.assertFalse(
            self._care_activities(enrollment, "training_crm.mail_activity_type_course_confirm")
        )

    # ------------------------------------------------------------
    # After the course: the return visit (回访)
    # ------------------------------------------------------------

    def test_return_visit_records_satisfaction(self):
        enrollment = self._sold()
        visit_type = "training_crm.mail_activity_type_return_visit"
        with freeze_time("2026-06-30"):
            self.Enrollment._cron_plan_course_followups()
        self.assertFalse(self._care_activities(enrollment, visit_type), "the last day: not yet")
        with freeze_time("2026-07-01"):
            self.Enrollment._cron_update_state()
            self.Enrollment._cron_plan_course_followups()
        activity = self._care_activities(enrollment, visit_type)
        self.assertEqual(activity.user_id, self.user_consultant)
        self.assertEqual(activity.date_deadline, date(2026, 7, 1), "a day after it ended")

        with self.assertRaises(UserError) as caught:
            activity.with_user(self.user_consultant).action_feedback(feedback="Called")
        self.assertIn("Record the return visit's satisfaction", str(caught.exception))
        self.assertTrue(activity.exists(), "the visit is still to do")

        action = enrollment.with_user(self.user_consultant).action_record_return_visit()
        form = Form(
            self.env["training.satisfaction"]
            .with_user(self.user_consultant)
            .with_context(**action["context"])
        )
        form.score_teaching = 5
        form.score_teacher = 5
        form.score_service = 4
        form.score_course = 4
        form.score_result = 3
        form.feedback = "Lele loved the projects; more homework help please."
        visit = form.save()
        self.assertAlmostEqual(visit.score_average, 4.2)
        self.assertEqual(visit.course_id, self.course)
        self.assertEqual(visit.consultant_id, self.user_consultant)
        self.assertFalse(activity.exists(), "recording the visit completes it")
        done = enrollment.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.env.ref(visit_type)
        )
        self.assertIn("more homework help", done.body)
        self.assertEqual(enrollment.satisfaction_count, 1)

    def test_scores_are_one_to_five(self):
        enrollment = self._sold()
        values = {
            "enrollment_id": enrollment.id,
            "score_teaching": 5,
            "score_teacher": 6,
            "score_service": 4,
            "score_course": 4,
            "score_result": 3,
        }
        Visit = self.env["training.satisfaction"].with_user(self.user_consultant)
        for bad in (values, dict(values, score_teacher=0)):
            with self.assertRaises(ValidationError) as caught:
                Visit.create(bad)
            self.assertIn("from 1 to 5", str(caught.exception))
        self.assertFalse(
            self.env["training.satisfaction"].search([("enrollment_id", "=", enrollment.id)])
        )

    def test_no_return_visit_for_old_courses(self):
        """An enrolment entered as history does not send the adviser to call
        about a course that ended months ago."""
        enrollment = self._sold()
        with freeze_time("2026-09-01"):
            self.Enrollment._cron_plan_course_followups()
        self.assertFalse(
            self._care_activities(enrollment, "training_crm.mail_activity_type_return_visit")
        )

    def test_the_class_adviser_cares(self):
        """The class adviser (班主任), not the consultant who sold, gets the care
        activities and records the return visit."""
        adviser = new_test_user(
            self.env, login="tc_adviser", name="Adviser Chen", groups="training_crm.group_adviser"
        )
        self.training_class.adviser_id = adviser
        enrollment = self._sold()
        self.assertEqual(enrollment.adviser_id, adviser)
        # The adviser opens the enrolment (its money is not theirs to see).
        form = Form(enrollment.with_user(adviser))
        self.assertEqual(form.hours_remaining, 48)
        self.assertNotIn("payment_ids", form._view["fields"])
        views = self.env["training.enrollment"].with_user(adviser).get_views([(False, "list")])
        self.assertNotIn('name="amount_paid"', views["views"]["list"]["arch"])
        with freeze_time("2026-02-26"):
            self.Enrollment._cron_plan_course_followups()
        with freeze_time("2026-07-01"):
            self.Enrollment._cron_update_state()
            self.Enrollment._cron_plan_course_followups()
        activities = self._care_activities(
            enrollment,
            "training_crm.mail_activity_type_course_confirm",
        ) | self._care_activities(enrollment, "training_crm.mail_activity_type_return_visit")
        self.assertEqual(activities.user_id, adviser)
        visit = (
            self.env["training.satisfaction"]
            .with_user(adviser)
            .create(
                {
                    "enrollment_id": enrollment.id,
                    "score_teaching": 4,
                    "score_teacher": 5,
                    "score_service": 5,
                    "score_course": 4,
                    "score_result": 4,
                }
            )
        )
        self.assertEqual(visit.user_id, adviser)
        self.assertFalse(
            self._care_activities(enrollment, "training_crm.mail_activity_type_return_visit")
        )

    def test_return_visits_per_role(self):
        enrollment = self._sold()
        values = {
            "enrollment_id": enrollment.id,
            "score_teaching": 4,
            "score_teacher": 4,
            "score_service": 4,
            "score_course": 4,
            "score_result": 4,
        }
        Visit = self.env["training.satisfaction"]
        with self.assertRaises(AccessError):
            Visit.with_user(self.user_consultant_2).create(values)
        with self.assertRaises(AccessError):
            Visit.with_user(self.user_auditor).create(values)
        visit = Visit.with_user(self.user_consultant).create(values)
        self.assertFalse(Visit.with_user(self.user_consultant_2).search([("id", "=", visit.id)]))
        for user in (self.user_supervisor, self.user_auditor):
            self.assertEqual(Visit.with_user(user).search([("id", "=", visit.id)]), visit)
        with self.assertRaises(AccessError):
            visit.with_user(self.user_auditor).write({"score_result": 5})

    # ------------------------------------------------------------
    # Renewals (续费) and added subjects (扩科)
    # ------------------------------------------------------------

    def test_renewal_follow_up_before_the_end(self):
        enrollment = self._sold()
        renewal = "training_crm.mail_activity_type_renewal"
        with freeze_time("2026-06-15"):
            self.Enrollment._cron_plan_renewals()
        self.assertFalse(self._care_activities(enrollment, renewal), "15 days before: not yet")
        with freeze_time("2026-06-16"):
            self.Enrollment._cron_plan_renewals()
            self.Enrollment._cron_plan_renewals()
        activity = self._care_activities(enrollment, renewal)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_consultant)
        self.assertEqual(activity.date_deadline, date(2026, 6, 16))

        # The family renews in the same subject (Coding): the follow-up is done.
        with freeze_time("2026-06-20"):
            renewed = self._enroll(
                partner_id=enrollment.partner_id.id,
                course_id=self.course_next.id,
                class_id=self.class_next.id,
                user_id=self.user_consultant.id,
            )
        self.assertEqual(enrollment.enrollment_type, "new")
        self.assertEqual(renewed.enrollment_type, "renewal")
        self.assertEqual(renewed.renewal_of_id, enrollment)
        self.assertFalse(activity.exists(), "renewing completes the renewal follow-up")

    def test_renewal_follow_up_when_few_hours_left(self):
        """A one-to-one package has no end date: it is followed up for renewal
        once fewer lesson hours are left than the setting's threshold."""
        renewal = "training_crm.mail_activity_type_renewal"
        package = self._enroll(
            course_id=self.course_1on1.id, class_id=False, hours=20, user_id=self.user_consultant.id
        )
        self.Enrollment._cron_plan_renewals()
        self.assertFalse(self._care_activities(package, renewal), "20 hours left")
        package.hours = 3.5
        self.Enrollment._cron_plan_renewals()
        self.assertEqual(self._care_activities(package, renewal).user_id, self.user_consultant)

    def test_no_renewal_follow_up_once_renewed(self):
        enrollment = self._sold()
        self._enroll(
            partner_id=enrollment.partner_id.id,
            course_id=self.course_next.id,
            class_id=self.class_next.id,
        )
        with freeze_time("2026-06-16"):
            self.Enrollment._cron_plan_renewals()
        self.assertFalse(
            self._care_activities(enrollment, "training_crm.mail_activity_type_renewal")
        )

    def test_history_entered_afterwards(self):
        """A course studied before, typed in after the current one, makes the
        current one a renewal."""
        current = self._sold()
        self.assertEqual(current.enrollment_type, "new")
        earlier_class = self.env["training.class"].create(
            {
                "name": "Scratch Autumn 2025",
                "course_id": self.course.id,
                "date_start": date(2025, 9, 1),
                "date_end": date(2025, 12, 20),
            }
        )
        earlier = self._enroll(
            partner_id=current.partner_id.id, class_id=earlier_class.id, state="graduated"
        )
        self.assertEqual(earlier.enrollment_type, "new")
        self.assertEqual(current.enrollment_type, "renewal")
        self.assertEqual(current.renewal_of_id, earlier)

    def test_added_subject(self):
        first = self._sold()
        with freeze_time("2026-04-01"):
            maths = self._enroll(
                partner_id=first.partner_id.id, course_id=self.course_1on1.id, class_id=False
            )
        self.assertEqual(first.enrollment_type, "new")
        self.assertEqual(maths.enrollment_type, "added_subject")
        self.assertEqual(
            self.Enrollment.search(
                [
                    ("partner_id", "=", first.partner_id.id),
                    ("enrollment_type", "=", "added_subject"),
                ]
            ),
            maths,
        )

    # ------------------------------------------------------------
    # The scheduled actions
    # ------------------------------------------------------------

    def test_staff_without_email(self):
        self.user_consultant.email = False
        enrollment = self._sold()
        mails = self.env["mail.mail"].search_count([])
        with freeze_time("2026-02-26"):
            self.Enrollment._cron_plan_course_followups()
        self.assertTrue(
            self._care_activities(enrollment, "training_crm.mail_activity_type_course_confirm")
        )
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no e-mail sent")

    def test_cron_batches_in_constant_queries(self):
        """The action plans its activities a batch at a time, in queries that
        do not grow with the batch; one call handles a bounded number of
        batches and says how many remain."""
        self.training_class.seats = 0
        enrollments = self.Enrollment.create(
            [
                {
                    "partner_id": self.child_1.id,
                    "course_id": self.course.id,
                    "class_id": self.training_class.id,
                    "user_id": self.user_consultant.id,
                }
                for _index in range(25)
            ]
        )
        progress = []
        cron = self.env["ir.cron"]
        original = type(cron)._notify_progress

        def notify(cron_self, *, done, remaining, deactivate=False):
            progress.append((done, remaining))
            return original(cron_self, done=done, remaining=remaining, deactivate=deactivate)

        self.patch(type(cron), "_notify_progress", notify)
        with freeze_time("2026-02-27"):
            self.Enrollment._cron_plan_course_followups(batch_size=1)
            self.assertEqual(progress[-1], (20, 5))
            self.Enrollment._cron_plan_course_followups(batch_size=1)
            self.assertEqual(progress[-1], (5, 0))
        confirm = "training_crm.mail_activity_type_course_confirm"
        self.assertEqual(len(self._care_activities(enrollments, confirm)), 25)

        def cost(size):
            self.env.invalidate_all()
            batch = enrollments[:size]
            batch.write({"course_confirm_planned": False})
            self._care_activities(batch, confirm).unlink()
            self.env.flush_all()
            with freeze_time("2026-02-27"):
                before = self.env.cr.sql_log_count
                self.Enrollment._cron_plan_course_followups()
                return self.env.cr.sql_log_count - before

        self.assertEqual(cost(1), cost(20), "queries do not grow with the enrolments")

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

GOOD = {
    "score_teaching": 5,
    "score_teacher": 4,
    "score_service": 4,
    "score_course": 5,
    "score_result": 4,
}
LOW_SCORE = "training_crm.mail_activity_type_low_satisfaction"
SURVEY = "training_crm.mail_activity_type_satisfaction_survey"
RETURN_VISIT = "training_crm.mail_activity_type_return_visit"


@tagged("post_install", "-at_install")
class TestSatisfaction(TransactionCase):
    """Return visits and on-demand surveys score the seed's five dimensions;
    averages per consultant, adviser, course and month; a score of 2 or less
    anywhere goes to a supervisor (seed 004)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "sat_adv": "training_crm.group_adviser",
            "sat_con": "training_crm.group_consultant",
            "sat_con_2": "training_crm.group_consultant",
            "sat_sup": "training_crm.group_supervisor",
            "sat_lead": "training_crm.group_supervisor",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, groups=group, email=False)
            for login, group in roles.items()
        }
        cls.team = cls.env["crm.team"].create(
            {"name": "Campus East", "user_id": cls.users["sat_lead"].id}
        )
        cls.course = cls.env["training.course"].create(
            {"name": "Scratch Coding", "lesson_hours": 48, "list_price": 6000}
        )
        training_class = cls.env["training.class"].create(
            {
                "name": "Scratch Autumn",
                "course_id": cls.course.id,
                "date_start": date(2025, 9, 1),
                "date_end": date(2025, 12, 20),
                "adviser_id": cls.users["sat_adv"].id,
            }
        )
        students = cls.env["res.partner"].create(
            [{"name": "Zhang Lele"}, {"name": "Li Xixi"}, {"name": "Wang Dudu"}]
        )
        common = {"course_id": cls.course.id, "class_id": training_class.id, "state": "studying"}
        cls.enrollments = cls.env["training.enrollment"].create(
            [
                dict(common, partner_id=students[0].id, user_id=cls.users["sat_con"].id),
                dict(common, partner_id=students[1].id, user_id=cls.users["sat_con"].id),
                dict(
                    common,
                    partner_id=students[2].id,
                    user_id=cls.users["sat_con_2"].id,
                    team_id=cls.team.id,
                ),
            ]
        )
        cls.Visit = cls.env["training.satisfaction"]

    def _activities(self, enrollments, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "training.enrollment"),
                ("res_id", "in", enrollments.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def test_averages_per_consultant_adviser_course_and_month(self):
        lele, xixi, dudu = self.enrollments
        self.Visit.create(
            [
                dict(GOOD, enrollment_id=lele.id, date=date(2025, 10, 8), score_teaching=5),
                dict(GOOD, enrollment_id=xixi.id, date=date(2025, 10, 20), score_teaching=3),
                dict(GOOD, enrollment_id=dudu.id, date=date(2025, 11, 2), score_teaching=4),
            ]
        )
        domain = [("enrollment_id", "in", self.enrollments.ids)]
        by_consultant = dict(
            self.Visit._read_group(domain, ["consultant_id"], ["score_teaching:avg"])
        )
        self.assertEqual(by_consultant[self.users["sat_con"]], 4)
        self.assertEqual(by_consultant[self.users["sat_con_2"]], 4)
        by_month = dict(self.Visit._read_group(domain, ["date:month"], ["__count"]))
        self.assertEqual(sorted(by_month.values()), [1, 2])
        by_adviser = self.Visit._read_group(domain, ["adviser_id", "course_id"], ["__count"])
        self.assertEqual(by_adviser, [(self.users["sat_adv"], self.course, 3)])
        # The list and pivot's default aggregation is the average, not the sum.
        self.assertEqual(self.Visit._fields["score_teaching"].aggregator, "avg")

    def test_low_score_goes_to_the_team_leader(self):
        dudu = self.enrollments[2]
        before = self.env["mail.mail"].search_count([])
        visit = self.Visit.with_user(self.users["sat_adv"]).create(
            dict(GOOD, enrollment_id=dudu.id, score_teacher=2)
        )
        self.assertTrue(visit.low_score)
        activity = self._activities(dudu, LOW_SCORE)
        self.assertEqual(activity.user_id, self.users["sat_lead"])
        self.assertIn("Wang Dudu", activity.summary)
        self.assertIn("Teachers", activity.summary)
        self.assertEqual(self.env["mail.mail"].search_count([]), before, "no e-mail")

    def test_low_score_without_a_leader_goes_to_every_supervisor(self):
        lele = self.enrollments[0]
        self.Visit.create(dict(GOOD, enrollment_id=lele.id, score_result=1))
        warned = self._activities(lele, LOW_SCORE).user_id
        self.assertIn(self.users["sat_sup"], warned)
        self.assertIn(self.users["sat_lead"], warned)
        self.assertNotIn(self.users["sat_con"], warned)

    def test_good_scores_and_score_three_go_to_nobody(self):
        lele = self.enrollments[0]
        visit = self.Visit.create(dict(GOOD, enrollment_id=lele.id, score_service=3))
        self.assertFalse(visit.low_score)
        self.assertFalse(self._activities(lele, LOW_SCORE))
        # Corrected down to 2 later: the supervisor hears of it then, once.
        visit.score_service = 2
        told = self._activities(lele, LOW_SCORE)
        self.assertIn(self.users["sat_sup"], told.user_id)
        self.assertEqual(len(told), len(told.user_id), "one each")
        visit.score_teaching = 1
        self.assertEqual(self._activities(lele, LOW_SCORE), told, "still low: not again")

    def test_on_demand_survey_completes_the_survey_activity_only(self):
        lele = self.enrollments[0]
        lele.activity_schedule(SURVEY, user_id=self.users["sat_adv"].id)
        lele.activity_schedule(RETURN_VISIT, user_id=self.users["sat_adv"].id)
        action = lele.with_user(self.users["sat_adv"]).action_record_survey()
        self.assertEqual(action["context"]["default_kind"], "survey")
        visit = (
            self.Visit.with_user(self.users["sat_adv"])
            .with_context(**action["context"])
            .create(GOOD)
        )
        self.assertEqual(visit.kind, "survey")
        self.assertFalse(self._activities(lele, SURVEY))
        self.assertTrue(self._activities(lele, RETURN_VISIT), "the return visit is still due")

    def test_scores_outside_one_to_five_refused(self):
        lele = self.enrollments[0]
        for bad in (0, 6, -1):
            with self.assertRaises(ValidationError):
                self.Visit.create(dict(GOOD, enrollment_id=lele.id, score_course=bad))
        self.assertFalse(self.Visit.search([("enrollment_id", "=", lele.id)]))
        self.assertFalse(self._activities(lele, LOW_SCORE), "nothing written, nobody told")

    def test_team_leader_told_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["training_crm"], ["zh_CN"])
        self.users["sat_lead"].lang = "zh_CN"
        dudu = self.enrollments[2]
        self.Visit.create(dict(GOOD, enrollment_id=dudu.id, score_course=2))
        summary = self._activities(dudu, LOW_SCORE).summary
        self.assertIn("Wang Dudu", summary)
        self.assertIn("课程设计", summary)


@tagged("post_install", "-at_install")
class TestSurveyFrequency(TransactionCase):
    """Seed 004: the students of A families are surveyed every 3 months, of B
    families every 6 (Settings); C and D families by return visits only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.adviser = new_test_user(
            cls.env, login="svy_adv", groups="training_crm.group_adviser", email=False
        )
        course = cls.env["training.course"].create(
            {"name": "Scratch Coding", "lesson_hours": 96, "list_price": 6000}
        )
        training_class = cls.env["training.class"].create(
            {
                "name": "Scratch Year",
                "course_id": course.id,
                "date_start": date(2026, 1, 5),
                "date_end": date(2026, 12, 20),
                "adviser_id": cls.adviser.id,
            }
        )
        students = cls.env["res.partner"].create(
            [{"name": name} for name in ("A Student", "B Student", "C Student")]
        )
        cls.enrollments = cls.env["training.enrollment"].create(
            [
                {
                    "partner_id": student.id,
                    "course_id": course.id,
                    "class_id": training_class.id,
                    "state": "studying",
                }
                for student in students
            ]
        )
        for student, grade in zip(students, "ABC", strict=True):
            student.sudo().training_value_grade = grade
        cls.a_family, cls.b_family, cls.c_family = cls.enrollments

    def _surveys(self, enrollment):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "training.enrollment"),
                ("res_id", "=", enrollment.id),
                ("activity_type_id", "=", self.env.ref(SURVEY).id),
            ]
        )

    def _run(self, day):
        with freeze_time(day):
            self.env["training.enrollment"]._cron_plan_surveys()

    def test_a_every_three_months_b_every_six_c_never(self):
        self.assertEqual(self.a_family.training_value_grade, "A")
        self._run("2026-03-01")
        self.assertFalse(self._surveys(self.a_family), "two months into the course")
        self._run("2026-04-06")
        survey = self._surveys(self.a_family)
        self.assertEqual(survey.user_id, self.adviser)
        self.assertFalse(self._surveys(self.b_family))
        self._run("2026-04-20")
        self.assertEqual(self._surveys(self.a_family), survey, "planned once")
        self._run("2026-07-06")
        self.assertEqual(len(self._surveys(self.a_family)), 2, "three months later, again")
        self.assertEqual(len(self._surveys(self.b_family)), 1, "six months in")
        self._run("2026-12-01")
        self.assertFalse(self._surveys(self.c_family), "C families: return visits only")

    def test_a_recent_satisfaction_counts(self):
        self.env["training.satisfaction"].create(
            dict(GOOD, enrollment_id=self.a_family.id, kind="survey", date=date(2026, 3, 20))
        )
        self._run("2026-04-06")
        self.assertFalse(self._surveys(self.a_family), "surveyed two weeks ago")
        self._run("2026-06-21")
        self.assertTrue(self._surveys(self.a_family))

    def test_frequency_is_a_setting(self):
        self.env["res.config.settings"].create({"training_survey_months_a": 0}).execute()
        self._run("2026-12-01")
        self.assertFalse(self._surveys(self.a_family), "0: never by schedule")
        self.assertTrue(self._surveys(self.b_family))

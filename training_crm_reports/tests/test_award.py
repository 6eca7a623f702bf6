from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .test_consultant_report import ConsultantReportCommon


@tagged("post_install", "-at_install")
class TestAward(ConsultantReportCommon):
    """A supervisor records the month's sales champion from Champions: the
    award is a gamification badge with its period and reason, announced in the
    consultant's inbox. Nobody involved has an e-mail address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.user_supervisor | cls.user_consultant | cls.user_consultant_2).partner_id.email = False
        cls.BadgeUser = cls.env["gamification.badge.user"]
        cls.sales_badge = cls.env.ref("training_crm_reports.badge_sales_champion")
        cls.excellence_badge = cls.env.ref("training_crm_reports.badge_excellence_award")

    def _award(self, user=None, badge=None, period="month", day=date(2026, 3, 17), why="Top"):
        return self.BadgeUser.with_user(user or self.user_supervisor).create(
            {
                "user_id": self.user_consultant.id,
                "badge_id": (badge or self.sales_badge).id,
                "training_award_period": period,
                "training_award_date": day,
                "comment": why,
            }
        )

    def test_record_from_champions(self):
        lead = self._lead(name="Sold in March")
        self._set(lead, first_contact_user_id=self.user_consultant.id)
        self._enrol(lead, 9000, datetime(2026, 3, 20, 3))
        champion = (
            self.env["training.crm.champion"]
            .with_user(self.user_supervisor)
            .search(
                [
                    ("kind", "=", "sales"),
                    ("period", "=", "month"),
                    ("date", "=", date(2026, 3, 1)),
                    ("user_id", "=", self.user_consultant.id),
                ]
            )
        )
        self.assertEqual(champion.headline, 9000)

        action = champion.action_training_award()
        self.assertEqual(action["res_model"], "gamification.badge.user")
        BadgeUser = self.BadgeUser.with_user(self.user_supervisor).with_context(**action["context"])
        with Form(BadgeUser, view="training_crm_reports.training_award_view_form") as form:
            self.assertEqual(form.user_id, self.user_consultant)
            self.assertEqual(form.badge_id, self.sales_badge)
            self.assertEqual(form.training_award_period, "month")
            form.comment = "9,000 of enrolments in March, the school's best."
        award = form.save()

        self.assertEqual(award.training_award_date, date(2026, 3, 1))
        self.assertEqual(award.sender_id, self.user_supervisor)
        self.assertEqual(award.with_context(lang="en_US").training_award_period_name, "March 2026")
        # The consultant's profile lists it; everyone in the school reads it.
        self.assertIn(award, self.user_consultant.badge_ids)
        self.assertEqual(
            self.BadgeUser.with_user(self.user_consultant_2).search(
                [
                    ("badge_id.training_award_kind", "!=", False),
                    ("user_id", "=", self.user_consultant.id),
                ]
            ),
            award,
        )
        # The announcement waits in the consultant's inbox.
        notices = (
            self.env["mail.message"]
            .with_user(self.user_consultant)
            .search([("needaction", "=", True), ("model", "=", "gamification.badge")])
        )
        self.assertEqual(len(notices), 1)
        self.assertEqual(notices.res_id, self.sales_badge.id)
        self.assertIn("March 2026", notices.subject)
        self.assertIn("the school's best", notices.body)
        self.assertEqual(notices.notification_ids.notification_type, "inbox")

    def test_period_start_and_name(self):
        award = self._award(badge=self.excellence_badge, period="quarter", day=date(2026, 5, 20))
        self.assertEqual(award.training_award_date, date(2026, 4, 1))
        self.assertEqual(award.with_context(lang="en_US").training_award_period_name, "Q2 2026")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.assertEqual(
            award.with_context(lang="zh_CN").training_award_period_name, "2026年第2季度"
        )
        award.with_user(self.user_supervisor).write(
            {"training_award_period": "year", "training_award_date": date(2026, 8, 9)}
        )
        self.assertEqual(award.training_award_date, date(2026, 1, 1))

    def test_only_supervisors_record_and_change_awards(self):
        with self.assertRaisesRegex(AccessError, "Only supervisors record awards"):
            self._award(user=self.user_consultant_2)
        with self.assertRaisesRegex(AccessError, "Only supervisors record awards"):
            self.BadgeUser.with_user(self.user_consultant_2).action_training_award_new()
        award = self._award()
        with self.assertRaises(AccessError):
            award.with_user(self.user_consultant).write({"comment": "I was the best"})
        with self.assertRaises(AccessError):
            award.with_user(self.user_consultant).unlink()
        self.assertEqual(award.comment, "Top")
        # Stock badges stay as stock: any employee thanks a colleague.
        thanks = self.BadgeUser.with_user(self.user_consultant_2).create(
            {
                "user_id": self.user_consultant.id,
                "badge_id": self.env.ref("gamification.badge_good_job").id,
                "comment": "Thanks for the cover",
            }
        )
        thanks.with_user(self.user_consultant_2).write({"comment": "Thanks!"})
        # A supervisor withdraws an award recorded by mistake.
        award.with_user(self.user_supervisor).unlink()
        self.assertFalse(award.exists())

    def test_award_needs_period_reason_and_a_consultant(self):
        with self.assertRaisesRegex(ValidationError, "Say why"):
            self._award(why=" ")
        with self.assertRaisesRegex(ValidationError, "month, a quarter or a year"):
            self._award(period=False)
        with self.assertRaisesRegex(ValidationError, "consultants and supervisors"):
            self.BadgeUser.with_user(self.user_supervisor).create(
                {
                    "user_id": new_test_user(self.env, "aw_clerk", groups="base.group_user").id,
                    "badge_id": self.sales_badge.id,
                    "training_award_period": "month",
                    "training_award_date": date(2026, 3, 1),
                    "comment": "Not a consultant",
                }
            )

    def test_same_award_once_per_period(self):
        self._award(day=date(2026, 3, 2))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._award(day=date(2026, 3, 30))

    def test_announced_in_the_consultants_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["training_crm_reports"], ["zh_CN"])
        self.user_consultant.lang = "zh_CN"
        self._award(day=date(2026, 3, 9), why="三月报名第一")
        notice = (
            self.env["mail.message"]
            .with_user(self.user_consultant)
            .search([("needaction", "=", True), ("model", "=", "gamification.badge")])
        )
        self.assertEqual(notice.subject, "销售冠军\N{FULLWIDTH COLON}2026年3月")
        self.assertIn("为您记录了2026年3月的销售冠军", notice.body)

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.training_crm.tests.common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestEnrolmentFunnel(TrainingCrmCommon):
    """邀约 → 到访 → 试听 → 报名, and conversion by lead source."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("training_crm.invalid_after_attempts", "0")
        cls.douyin = cls.env.ref("training_crm.utm_source_douyin")
        cls.referral = cls.env.ref("training_crm.utm_source_referral")
        cls.course = cls.env["training.course"].create(
            {
                "name": "Maths 1-to-1",
                "teaching_mode": "one_to_one",
                "lesson_hours": 10,
                "list_price": 300,
            }
        )
        Lead = cls.env["crm.lead"]
        values = {"type": "opportunity", "user_id": cls.user_consultant.id, "team_id": cls.team.id}
        cls.lead_enrolled = Lead.create(
            {**values, "name": "Trial then enrolled", "source_id": cls.douyin.id}
        )
        cls.lead_no_show = Lead.create(
            {**values, "name": "Missed the trial, visited", "source_id": cls.douyin.id}
        )
        cls.lead_won = Lead.create(
            {
                **values,
                "name": "Referred, won",
                "source_id": cls.referral.id,
                "user_id": cls.user_consultant_2.id,
            }
        )
        Trial = cls.env["training.trial"]
        with freeze_time("2026-03-02 02:00"):
            trials = Trial.create(
                [
                    {"lead_id": lead.id, "course_id": cls.course.id, "date": "2026-03-02 08:00"}
                    for lead in (cls.lead_enrolled, cls.lead_no_show)
                ]
            )
        with freeze_time("2026-03-02 10:00"):
            trials[0].action_mark_attended()
            trials[1].action_mark_no_show()
            cls.env["training.crm.followup"].create(
                {
                    "lead_id": cls.lead_no_show.id,
                    "user_id": cls.user_consultant.id,
                    "channel": "visit",
                    "outcome": "reached",
                    "note": "Came to the campus with her mother.",
                }
            )
        cls.env["training.enrollment"].create(
            {
                "partner_id": cls.env["res.partner"].create({"name": "Student Qian"}).id,
                "course_id": cls.course.id,
                "lead_id": cls.lead_enrolled.id,
                "amount": 3000,
                "hours": 10,
            }
        )
        cls.lead_won.action_set_won()
        cls.leads = cls.lead_enrolled | cls.lead_no_show | cls.lead_won

    def _rows(self, user=None, groupby="source_id"):
        Report = self.env["training.crm.funnel.report"]
        if user:
            Report = Report.with_user(user)
        groups = Report.read_group(
            [("lead_id", "in", self.leads.ids)],
            [
                "lead_count:sum",
                "invited_count:sum",
                "visited_count:sum",
                "trial_count:sum",
                "enrolled_count:sum",
                "won_count:sum",
                "enrolled_rate:avg",
                "won_rate:avg",
                "trial_conversion_rate:avg",
            ],
            [groupby],
        )
        return {group[groupby] and group[groupby][0]: group for group in groups}

    def test_sources_shipped(self):
        names = {
            "douyin": "抖音 (Douyin)",
            "xiaohongshu": "小红书 (Xiaohongshu)",
            "meituan": "美团/大众点评 (Meituan/Dianping)",
            "baidu": "百度 (Baidu)",
            "wechat_official": "微信公众号 (WeChat Official Account)",
            "referral": "转介绍 (Referral)",
            "street": "地推 (Street Promotion)",
            "walk_in": "到访 (Walk-in)",
            "phone_enquiry": "电话咨询 (Phone Enquiry)",
        }
        for xmlid, name in names.items():
            source = self.env.ref(f"training_crm.utm_source_{xmlid}")
            self.assertEqual(source.name, name)
            data = self.env["ir.model.data"].search(
                [("module", "=", "training_crm"), ("name", "=", f"utm_source_{xmlid}")]
            )
            self.assertTrue(data.noupdate, "a school's renaming survives updates")

    def test_funnel_by_source(self):
        rows = self._rows()
        douyin, referral = rows[self.douyin.id], rows[self.referral.id]
        self.assertEqual(
            [douyin[f] for f in ("lead_count", "invited_count", "visited_count", "trial_count")],
            [2, 2, 2, 1],
        )
        self.assertEqual(douyin["enrolled_count"], 1)
        self.assertEqual(douyin["enrolled_rate"], 50.0)
        self.assertEqual(douyin["trial_conversion_rate"], 100.0, "the one trialled lead enrolled")
        self.assertEqual(
            [referral[f] for f in ("lead_count", "invited_count", "won_count", "enrolled_count")],
            [1, 0, 1, 0],
        )
        self.assertEqual(referral["won_rate"], 100.0)
        self.assertFalse(referral["trial_conversion_rate"], "no trial: no trial conversion")

    def test_funnel_steps_and_course(self):
        funnel = self.env["training.crm.funnel.report"]._get_funnel(
            [("lead_id", "in", self.leads.ids)]
        )
        self.assertEqual(funnel, {"invited": 2, "visited": 2, "trial": 1, "enrolled": 1})
        rows = self._rows(groupby="course_id")
        self.assertEqual(rows[self.course.id]["lead_count"], 2)
        rows = self._rows(groupby="date:month")
        self.assertEqual(sum(row["lead_count"] for row in rows.values()), 3)

    def test_who_reads_the_funnel(self):
        mine = self._rows(user=self.user_consultant, groupby="user_id")
        self.assertEqual(set(mine), {self.user_consultant.id})
        everyone = self._rows(user=self.user_auditor, groupby="user_id")
        self.assertEqual(set(everyone), {self.user_consultant.id, self.user_consultant_2.id})
        self.assertEqual(
            set(self._rows(user=self.user_supervisor, groupby="user_id")), set(everyone)
        )
        with self.assertRaises(AccessError):
            self.env["training.crm.funnel.report"].with_user(self.user_auditor).browse(
                self.lead_won.id
            ).write({"lead_count": 2})

    def test_cancelled_trial_does_not_invite(self):
        lead = self.env["crm.lead"].create(
            {"name": "Cancelled", "user_id": self.user_consultant.id, "source_id": self.douyin.id}
        )
        trial = self.env["training.trial"].create(
            {"lead_id": lead.id, "course_id": self.course.id, "date": datetime(2099, 1, 1, 8)}
        )
        report = self.env["training.crm.funnel.report"]
        self.assertEqual(report.search([("lead_id", "=", lead.id)]).invited_count, 1)
        trial.action_cancel()
        self.env.flush_all()
        report.invalidate_model()
        self.assertEqual(report.search([("lead_id", "=", lead.id)]).invited_count, 0)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo.tests import TransactionCase, tagged

from .common import school_time, setup_complaints


@tagged("post_install", "-at_install")
class TestConsultantReportComplaints(TransactionCase):
    """The complaint measures this addon adds to the consultant KPIs: the
    complaints about a consultant's enrolments by the month received, per 100
    enrolments, and resolved within their service level (those of the
    complaint statistics)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_complaints(cls, "hdkpi")
        slas = [
            cls.env.ref(f"training_crm_helpdesk.helpdesk_sla_complaint_{step}")
            for step in ("contacted", "plan", "resolved")
        ]
        cls.env["helpdesk.sla"].search([("id", "not in", [sla.id for sla in slas])]).active = False
        cls.env.cr.execute(
            "UPDATE training_enrollment SET create_date = %s WHERE id = %s",
            (datetime(2025, 3, 1, 2), cls.enrollment.id),
        )
        # A: resolved in time. B: contacted, then left: its resolution runs out.
        # C: received in 2099, still within its service levels.
        cls.a = cls._complaint_at(datetime(2025, 3, 4, 10, 0))
        for step, minute in (("contacted", 10), ("plan", 20), ("resolved", 30)):
            cls._move(cls.a, step, datetime(2025, 3, 4, 10, minute))
        cls.b = cls._complaint_at(datetime(2025, 3, 5, 10, 0))
        cls._move(cls.b, "contacted", datetime(2025, 3, 5, 10, 10))
        cls.c = cls._complaint_at(datetime(2099, 3, 3, 10, 0))

    @classmethod
    def _complaint_at(cls, local):
        with school_time(cls.env, local):
            complaint = (
                cls.env["helpdesk.ticket"]
                .with_user(cls.users["cs"])
                .create(
                    {
                        "name": "The family complains",
                        "description": "<p>The family complains.</p>",
                        "training_resolution_plan": "Call the family, then the teacher.",
                        "team_id": cls.team.id,
                        "user_id": cls.users["cs"].id,
                        "training_enrollment_id": cls.enrollment.id,
                    }
                )
                .with_env(cls.env)
            )
            cls.env.flush_all()
        return complaint

    @classmethod
    def _move(cls, complaint, step, local):
        with school_time(cls.env, local):
            complaint.with_user(cls.users["cs"]).write({"stage_id": cls.stages[step].id})
            cls.env.flush_all()

    def _month(self, month, user):
        report = self.env["training.crm.consultant.report"].with_user(user)
        return report.read_group(
            [("user_id", "=", self.users["con"].id), ("date", "=", month)],
            [
                "complaint_count",
                "enrollment_count",
                "complaint_rate",
                "complaint_sla_decided_count",
                "complaint_sla_met_count",
                "complaint_sla_rate",
            ],
            [],
        )[0]

    def test_complaints_per_enrolment_and_within_sla(self):
        march = self._month(date(2025, 3, 1), self.users["sup"])
        self.assertEqual(march["complaint_count"], 2)
        self.assertEqual(march["enrollment_count"], 1)
        self.assertEqual(march["complaint_rate"], 200.0, "two complaints for one enrolment")
        self.assertEqual(march["complaint_sla_decided_count"], 2)
        self.assertEqual(march["complaint_sla_met_count"], 1)
        self.assertEqual(march["complaint_sla_rate"], 50.0)
        later = self._month(date(2099, 3, 1), self.users["sup"])
        self.assertEqual(later["complaint_count"], 1)
        self.assertFalse(later["complaint_sla_rate"], "still running: not decided")

    def test_a_consultant_reads_their_own_complaint_figures_only(self):
        self.assertEqual(self._month(date(2025, 3, 1), self.users["con"])["complaint_count"], 2)
        self.assertEqual(
            self._month(date(2025, 3, 1), self.users["con_2"])["complaint_count"] or 0,
            0,
            "the other consultant's rows are not theirs to read",
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import setup_complaints


@tagged("post_install", "-at_install")
class TestComplaintValueGrade(TransactionCase):
    """Seed 004: complaints of A families are handled first (VIP service)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_complaints(cls, "hdvg")
        # Lele's parent has spent enough over three years to be an A family;
        # Xixi's family is C.
        cls.parent = cls.env["res.partner"].create({"name": "Parent Zhang"})
        cls.env["training.guardian"].create(
            {"student_id": cls.lele.id, "guardian_id": cls.parent.id, "relationship": "mother"}
        )
        (cls.enrollment | cls.enrollment_2).write({"amount": 3000})
        cls.env["training.enrollment"].create(
            [
                {
                    "partner_id": cls.lele.id,
                    "course_id": cls.enrollment.course_id.id,
                    "class_id": cls.enrollment.class_id.id,
                    "amount": 15000,
                    "start_date": start,
                    "end_date": date(2025, 6, 30),
                }
                for start in (date(2022, 9, 1), date(2023, 9, 1))
            ]
        )
        with freeze_time("2025-10-01"):
            cls.env["res.partner"]._training_recompute_value_grades()

    def _complaint(self, **values):
        return (
            self.env["helpdesk.ticket"]
            .with_user(self.users["cs"])
            .create(
                dict(
                    {
                        "name": "Teacher late",
                        "description": "<p>Late.</p>",
                        "team_id": self.team.id,
                    },
                    **values,
                )
            )
        )

    def test_a_family_complaint_priority(self):
        self.assertEqual(self.parent.training_value_grade, "A")
        self.assertEqual(self.xixi.training_value_grade, "C")
        # By the enrolment, the student or the parent as customer: High.
        for values in (
            {"training_enrollment_id": self.enrollment.id},
            {"training_student_id": self.lele.id},
            {"partner_id": self.parent.id},
        ):
            with self.subTest(values=values):
                self.assertEqual(self._complaint(**values).priority, "2")
        # Asked Very High, it stays so; others keep the helpdesk's default.
        self.assertEqual(
            self._complaint(training_enrollment_id=self.enrollment.id, priority="3").priority, "3"
        )
        self.assertEqual(self._complaint(training_enrollment_id=self.enrollment_2.id).priority, "1")
        self.assertEqual(self._complaint().priority, "1")

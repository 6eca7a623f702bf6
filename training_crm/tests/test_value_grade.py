from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import TrainingCrmCommon


class TrainingValueGradeCommon(TrainingCrmCommon):
    """The Wang family (a parent, two children) and a few single students, on
    the default thresholds: A ≥ 30,000 CNY, 3 enrolments, 24 months; B ≥
    10,000, 2, 12; C ≥ 1, 1, 0."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.course = cls.env["training.course"].create(
            {"name": "Maths One-to-one", "teaching_mode": "one_to_one", "lesson_hours": 20}
        )
        Partner = cls.env["res.partner"]
        cls.parent = Partner.create({"name": "Parent Wang"})
        cls.kid_1, cls.kid_2 = Partner.create([{"name": "Wang Lele"}, {"name": "Wang Xixi"}])
        cls.env["training.guardian"].create(
            [
                {"student_id": kid.id, "guardian_id": cls.parent.id, "relationship": "father"}
                for kid in (cls.kid_1, cls.kid_2)
            ]
        )
        cls.rich, cls.free, cls.nobody = Partner.create(
            [{"name": "Rich Newcomer"}, {"name": "Free Trial"}, {"name": "No Enrolment"}]
        )

    def _enrol(self, student, amount, start, **values):
        return self.env["training.enrollment"].create(
            {
                "partner_id": student.id,
                "course_id": self.course.id,
                "user_id": self.user_consultant.id,
                "amount": amount,
                "start_date": start,
                "end_date": values.pop("end_date", date(2026, 12, 31)),
                **values,
            }
        )

    def _recompute(self, day, origin="cron"):
        with freeze_time(day):
            return self.env["res.partner"]._training_recompute_value_grades(origin=origin)


@tagged("post_install", "-at_install")
class TestValueGrade(TrainingValueGradeCommon):
    def test_grades_from_thresholds(self):
        """Each contact gets the highest grade whose every threshold it meets;
        a parent counts their children's enrolments; cancelled ones do not
        count; a contact without enrolments has no grade."""
        self._enrol(self.kid_1, 20000, date(2023, 1, 1))
        self._enrol(self.kid_1, 2000, date(2025, 9, 1))
        self._enrol(self.kid_2, 15000, date(2024, 6, 1))
        self._enrol(self.kid_2, 90000, date(2022, 1, 1), state="cancelled")
        # A's amount and tenure but a single enrolment: neither A nor B.
        self._enrol(self.rich, 50000, date(2023, 6, 1))
        self._enrol(self.free, 0, date(2025, 12, 1))
        self._recompute("2026-01-15")
        self.assertEqual(self.parent.training_value_grade, "A")  # 37,000, 3, 36 months
        self.assertEqual(self.kid_1.training_value_grade, "B")  # 22,000, 2, 36 months
        self.assertEqual(self.kid_2.training_value_grade, "C")  # 15,000, 1
        self.assertEqual(self.rich.training_value_grade, "C")
        self.assertEqual(self.free.training_value_grade, "D")  # below C's 1 CNY
        self.assertFalse(self.nobody.training_value_grade)
        self.assertEqual(self.parent.training_value_grade_date, date(2026, 1, 15))

    def test_threshold_edges(self):
        """Exactly on every threshold meets it; one month short of A's tenure
        is B."""
        self._enrol(self.kid_1, 10000, date(2024, 2, 1))
        self._enrol(self.kid_1, 10000, date(2024, 3, 1))
        self._enrol(self.kid_2, 10000, date(2024, 4, 1))
        self._recompute("2026-01-31")  # 23 months since 2024-02-01
        self.assertEqual(self.parent.training_value_grade, "B")
        self._recompute("2026-02-01")  # 24 months
        self.assertEqual(self.parent.training_value_grade, "A")
        self.assertEqual(self.kid_1.training_value_grade, "B")  # 20,000, 2, 24 months

    def test_thresholds_from_settings(self):
        """Thresholds are read from Settings at each run."""
        self._enrol(self.rich, 50000, date(2023, 6, 1))
        self.env["res.config.settings"].create(
            {"training_value_a_count": 1, "training_value_b_count": 1}
        ).execute()
        self._recompute("2026-01-15")
        self.assertEqual(self.rich.training_value_grade, "A")

    def test_overlapping_thresholds_refused(self):
        """A higher grade less strict than a lower one in any threshold is
        refused with a clear error, and nothing is written."""
        Param = self.env["ir.config_parameter"].sudo()
        for vals in (
            {"training_value_b_amount": 40000},
            {"training_value_a_count": 1},
            {"training_value_c_months": 13},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as error:
                self.env["res.config.settings"].create(vals).execute()
            self.assertIn("Value grades overlap", str(error.exception))
        self.assertFalse(Param.get_param("training_crm.value_b_amount"))
        self.assertFalse(Param.get_param("training_crm.value_a_count"))
        self.assertFalse(Param.get_param("training_crm.value_c_months"))
        # Equal thresholds do not overlap; negative ones are refused.
        self.env["res.config.settings"].create({"training_value_b_months": 24}).execute()
        self.assertEqual(Param.get_param("training_crm.value_b_months"), "24")
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"training_value_c_amount": -1})

    def test_quarterly_recomputation_history(self):
        """The quarterly scheduled action changes grades and keeps each change
        (date, old and new grade, figures); a run that changes nothing adds no
        row."""
        cron = self.env.ref("training_crm.ir_cron_training_value_grades")
        self.assertEqual((cron.interval_number, cron.interval_type), (3, "months"))
        History = self.env["training.value.grade.history"]
        self._enrol(self.kid_1, 12000, date(2024, 9, 1))
        self._enrol(self.kid_2, 12000, date(2025, 1, 1))
        with freeze_time("2026-01-01"):
            cron.method_direct_trigger()
        self.assertEqual(self.parent.training_value_grade, "B")
        first = History.search([("partner_id", "=", self.parent.id)])
        self.assertRecordValues(
            first,
            [
                {
                    "date": date(2026, 1, 1),
                    "old_grade": False,
                    "new_grade": "B",
                    "origin": "cron",
                    "amount": 24000,
                    "enrollment_count": 2,
                    "tenure_months": 16,
                }
            ],
        )
        # A third enrolment and the tenure make the family A next quarter.
        self._enrol(self.kid_1, 8000, date(2026, 3, 1))
        with freeze_time("2026-10-01"):
            cron.method_direct_trigger()
        self.assertEqual(self.parent.training_value_grade, "A")
        self.assertEqual(self.parent.training_value_grade_date, date(2026, 10, 1))
        self.assertRecordValues(
            History.search([("partner_id", "=", self.parent.id)]),
            [
                {"date": date(2026, 10, 1), "old_grade": "B", "new_grade": "A"},
                {"date": date(2026, 1, 1), "old_grade": False, "new_grade": "B"},
            ],
        )
        self.assertEqual(
            self.parent.training_value_grade_history_ids,
            History.search([("partner_id", "=", self.parent.id)]),
        )
        # Nothing changes a quarter later: no row.
        count = History.search_count([])
        with freeze_time("2027-01-01"):
            cron.method_direct_trigger()
        self.assertEqual(History.search_count([]), count)
        # Cancelling drops the family's grade, recorded too.
        self.env["training.enrollment"].search(
            [("partner_id", "in", (self.kid_1 | self.kid_2).ids)]
        ).write({"state": "cancelled"})
        self._recompute("2027-04-01")
        self.assertFalse(self.parent.training_value_grade)
        self.assertEqual(
            History.search([("partner_id", "=", self.parent.id)], limit=1).old_grade, "A"
        )

    def test_button_rights(self):
        """Supervisors recompute now, recorded as by hand and by them;
        consultants and auditors are refused."""
        self._enrol(self.kid_1, 500, date(2025, 1, 1))
        for user in (self.user_consultant, self.user_auditor):
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).action_training_recompute_value_grades()
        self.assertFalse(self.kid_1.training_value_grade)
        action = (
            self.env["res.partner"]
            .with_user(self.user_supervisor)
            .action_training_recompute_value_grades()
        )
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.kid_1.training_value_grade, "C")
        self.assertRecordValues(
            self.kid_1.training_value_grade_history_ids,
            [{"origin": "manual", "user_id": self.user_supervisor.id, "new_grade": "C"}],
        )

    def test_grade_on_leads_of_known_families(self):
        """A lead shows its family's value grade: the contact's, or the best
        of their guardians'; none for a new family."""
        self._enrol(self.kid_1, 40000, date(2023, 1, 1))
        self._enrol(self.kid_1, 1000, date(2024, 1, 1))
        self._enrol(self.kid_2, 1000, date(2025, 1, 1))
        self._recompute("2026-01-15")
        Lead = self.env["crm.lead"].with_user(self.user_consultant)
        leads = Lead.create(
            [
                {"name": f"Lead {partner.name}", "partner_id": partner.id, "type": "opportunity"}
                for partner in (self.parent, self.kid_2, self.nobody)
            ]
        )
        self.assertEqual(leads.mapped("training_value_grade"), ["A", "A", False])
        self.assertEqual(self.kid_2.training_value_grade, "C")

    def test_renewals_of_a_families_first(self):
        """Due renewals of an A family come first: their activity is planned
        first and the Renewals to Follow Up list shows them on top."""
        self._enrol(self.kid_1, 20000, date(2023, 1, 1), end_date=date(2024, 1, 1))
        self._enrol(self.kid_1, 20000, date(2024, 1, 1), end_date=date(2025, 1, 1))
        self._enrol(self.free, 3000, date(2025, 9, 1), end_date=date(2026, 1, 20))
        vip = self._enrol(
            self.kid_2, 3000, date(2025, 9, 1), end_date=date(2026, 1, 20), payer_id=self.parent.id
        )
        self._recompute("2026-01-10")
        self.assertEqual(self.parent.training_value_grade, "A")
        self.assertEqual(vip.training_value_grade, "A")  # the payer's, Xixi is C
        ordinary = self.env["training.enrollment"].search([("partner_id", "=", self.free.id)])
        self.assertEqual(ordinary.training_value_grade, "C")
        with freeze_time("2026-01-10"):
            self.env["training.enrollment"]._cron_plan_renewals()
        renewal = self.env.ref("training_crm.mail_activity_type_renewal")
        activities = self.env["mail.activity"].search(
            [("activity_type_id", "=", renewal.id), ("user_id", "=", self.user_consultant.id)]
        )
        self.assertEqual(activities.mapped("res_id"), [vip.id, ordinary.id])
        # The adviser's list, as the action shows it.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_enrollment_action_renewal"
        )
        Enrollment = self.env["training.enrollment"].with_user(self.user_consultant)
        arch = Enrollment.get_views([(action["view_id"][0], "list")])["views"]["list"]["arch"]
        order = arch.split('default_order="')[1].split('"')[0]
        listed = Enrollment.search(safe_eval(action["domain"]), order=order)
        self.assertEqual(listed.ids, [vip.id, ordinary.id])

    def test_batch_queries_constant(self):
        """A batch costs the same queries for one contact as for ten (after a
        first batch has warmed the caches)."""
        students = self.env["res.partner"].create([{"name": f"Student {i}"} for i in range(12)])
        for student in students:
            self._enrol(student, 500, date(2025, 1, 1))
        Partner = self.env["res.partner"].sudo()
        counts = []
        for batch in (students[:1], students[1:2], students[2:]):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time("2026-01-15"):
                self.assertEqual(
                    Partner.browse(batch.ids)._training_compute_value_grades("cron"), len(batch)
                )
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2])
        self.assertEqual(set(students.mapped("training_value_grade")), {"C"})

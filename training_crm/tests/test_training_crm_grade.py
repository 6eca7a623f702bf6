from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestTrainingCrmGrade(TrainingCrmCommon):
    def test_default_grades(self):
        """The five grades of SPEC 1 ship with their cadence, in S-D order."""
        grades = self.env["training.crm.grade"].search([])
        self.assertEqual(grades.mapped("code"), ["S", "A", "B", "C", "D"])
        self.assertEqual(grades.mapped("followup_gap_days"), [1, 2, 7, 14, 30])
        self.assertEqual(grades.mapped("decision_days"), [7, 15, 30, 90, 0])
        self.assertTrue(all(grades.mapped("description")))

    def test_display_name_shows_code(self):
        self.assertEqual(self.grade_s.display_name, "S · Enrols within a week")

    def test_code_normalized_and_unique(self):
        """Admins typing ' e ' get E; a second S is refused by the database."""
        grade = self.env["training.crm.grade"].create(
            {"name": "Expired", "code": " e ", "followup_gap_days": 60}
        )
        self.assertEqual(grade.code, "E")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["training.crm.grade"].create(
                    {"name": "Duplicate", "code": "s", "followup_gap_days": 1}
                )

    def test_code_must_be_alphanumeric(self):
        with self.assertRaisesRegex(ValidationError, "letters and digits"):
            self.env["training.crm.grade"].create(
                {"name": "Bad", "code": "A+", "followup_gap_days": 1}
            )

    def test_days_validated(self):
        with self.assertRaisesRegex(ValidationError, "at least one day"):
            self.grade_b.followup_gap_days = 0
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.grade_c.protection_days = -1

    def test_grade_in_use_cannot_be_deleted(self):
        """Deleting a grade would silently ungrade leads: refused, archive instead."""
        self.lead.intent_grade_id = self.grade_c
        with mute_logger("odoo.sql_db"), self.assertRaises(UserError):
            self.grade_c.unlink()
        self.grade_c.active = False
        self.assertEqual(self.lead.intent_grade_id, self.grade_c)

    def test_lead_count(self):
        leads = self.env["crm.lead"].create(
            [{"name": f"Count {i}", "intent_grade_id": self.grade_d.id} for i in range(3)]
        )
        self.grade_d.invalidate_recordset(["lead_count"])
        before = self.grade_d.lead_count
        leads[0].intent_grade_id = self.grade_a
        self.grade_d.invalidate_recordset(["lead_count"])
        self.assertEqual(self.grade_d.lead_count, before - 1)

    @users("tc_consultant")
    def test_consultant_reads_but_cannot_configure(self):
        grade = self.grade_a.with_user(self.env.user)
        self.assertEqual(grade.code, "A")
        with self.assertRaises(AccessError):
            grade.followup_gap_days = 5
        with self.assertRaises(AccessError):
            self.env["training.crm.grade"].create({"name": "X", "code": "X"})

    @users("tc_manager")
    def test_manager_configures_through_form(self):
        with Form(self.env["training.crm.grade"]) as form:
            form.name = "Returning student"
            form.code = "r"
            form.followup_gap_days = 3
            form.protection_days = 10
        grade = form.record
        self.assertEqual(grade.code, "R")
        self.assertEqual(grade.protection_days, 10)

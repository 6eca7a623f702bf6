from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestGradeHistory(TrainingCrmCommon):
    """Each grade change is a row: lead, old and new grade, when, by whom."""

    def _history(self, leads):
        return self.env["training.crm.grade.history"].search(
            [("lead_id", "in", leads.ids)], order="id"
        )

    def test_lead_created_with_a_grade(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .create({"name": "Graded walk-in", "intent_grade_id": self.grade_s.id})
        )
        row = self._history(lead)
        self.assertEqual(len(row), 1)
        self.assertFalse(row.old_grade_id)
        self.assertEqual(row.new_grade_id, self.grade_s)
        self.assertEqual(row.user_id, self.user_consultant)
        self.assertEqual(row.team_id, lead.team_id)
        self.assertEqual(row.company_id, lead.company_id)
        ungraded = self.env["crm.lead"].create({"name": "Ungraded"})
        self.assertFalse(self._history(ungraded))

    @users("tc_consultant")
    def test_regrade_on_the_form(self):
        lead = self.lead.with_user(self.env.user)
        with Form(lead) as form:
            form.intent_grade_id = self.grade_a
        row = self._history(lead)[-1]
        self.assertEqual((row.old_grade_id, row.new_grade_id), (self.grade_b, self.grade_a))
        self.assertEqual(row.user_id, self.env.user)
        with Form(lead) as form:
            form.name = "Renamed, grade unchanged"
            form.intent_grade_id = self.grade_a
        self.assertEqual(self._history(lead)[-1], row, "no change, no row")

    def test_regrade_by_rpc_write_in_batch(self):
        leads = self.lead | self.lead_other | self.lead_pool
        leads.with_user(self.user_supervisor).write({"intent_grade_id": self.grade_c.id})
        rows = self._history(leads).filtered(lambda r: r.new_grade_id == self.grade_c)
        self.assertEqual(rows.lead_id, leads)
        self.assertEqual(
            {row.lead_id: row.old_grade_id for row in rows},
            {
                self.lead: self.grade_b,
                self.lead_other: self.env["training.crm.grade"],
                self.lead_pool: self.grade_a,
            },
        )
        self.assertEqual(rows.user_id, self.user_supervisor)

    def test_regrade_by_followup(self):
        self._log(self.lead, "reached", grade_id=self.grade_s.id)
        row = self._history(self.lead)[-1]
        self.assertEqual((row.old_grade_id, row.new_grade_id), (self.grade_b, self.grade_s))
        self.assertEqual(row.user_id, self.user_consultant)

    def test_import_by_grade_code(self):
        result = (
            self.env["crm.lead"]
            .with_user(self.user_supervisor)
            .with_context(import_file=True)
            .load(["name", "intent_grade_code"], [["Row S", "S"], ["Row D", "d"], ["Row", ""]])
        )
        self.assertFalse(result["messages"])
        leads = self.env["crm.lead"].browse(result["ids"])
        rows = self._history(leads)
        self.assertEqual(rows.lead_id, leads[:2])
        self.assertEqual(rows.mapped("new_grade_id.code"), ["S", "D"])
        self.assertFalse(rows.old_grade_id)

    def test_rows_are_read_only_and_confidential(self):
        self.lead_other.intent_grade_id = self.grade_c
        History = self.env["training.crm.grade.history"]
        mine = self._history(self.lead)
        theirs = self._history(self.lead_other)
        self.assertTrue(mine and theirs)
        consultant_rows = History.with_user(self.user_consultant).search([])
        self.assertIn(mine, consultant_rows)
        self.assertNotIn(theirs, consultant_rows, "another consultant's lead")
        self.assertIn(self._history(self.lead_pool), consultant_rows, "the team's pool")
        for user in (self.user_auditor, self.user_supervisor):
            self.assertIn(theirs, History.with_user(user).search([]))
        for user in (self.user_consultant, self.user_supervisor, self.user_auditor):
            with self.assertRaises(AccessError):
                mine.with_user(user).write({"new_grade_id": self.grade_s.id})
            with self.assertRaises(AccessError):
                mine.with_user(user).unlink()
            with self.assertRaises(AccessError):
                History.with_user(user).create(
                    {"lead_id": self.lead.id, "new_grade_id": self.grade_s.id}
                )

    def test_merge_keeps_the_history(self):
        duplicate = self.env["crm.lead"].create(
            {
                "name": "Duplicate",
                "type": "opportunity",
                "user_id": self.user_consultant.id,
                "team_id": self.team.id,
                "intent_grade_id": self.grade_d.id,
            }
        )
        rows = self._history(self.lead | duplicate)
        master = (self.lead | duplicate)._merge_opportunity()
        self.assertEqual(self._history(master), rows)

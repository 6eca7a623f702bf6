from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import create_plan, create_staff


@tagged("post_install", "-at_install")
class TestCommissionStatement(TransactionCase):
    """A month's statements from the plan in force (< 80% → 3%, 80% → 5%,
    100% → 7%, marginal; A grade +1%), the consultants' targets and the
    credit splits. Right answers worked out by hand in each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_staff(cls.env, "cs15")
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Campus North",
                "user_id": cls.users["sup"].id,
                "member_ids": [
                    Command.link(cls.users["con"].id),
                    Command.link(cls.users["con_2"].id),
                ],
            }
        )
        cls.grade_a = cls.env["training.crm.grade"].search([("code", "=", "A")], limit=1)
        create_plan(cls.env, date(2031, 1, 1), name="Consultants 2031")
        cls.env["training.sales.target"].create(
            [
                {"user_id": cls.users[role].id, "date_from": date(2031, 3, 1), "amount": 100000}
                for role in ("con", "con_2")
            ]
        )
        cls.course = cls.env["training.course"].create(
            {
                "name": "Maths 1-to-1",
                "teaching_mode": "one_to_one",
                "lesson_hours": 10,
                "list_price": 3000,
            }
        )
        cls.Statement = cls.env["training.commission.statement"]

    def _enrol(self, role, amount, day, grade=None, state="enrolled"):
        student = self.env["res.partner"].create({"name": f"Student {amount}"})
        when = datetime(2031, 3, day, 2, 0)  # 10:00 in Shanghai
        with patch.object(self.env.cr, "now", lambda: when):
            enrollment = self.env["training.enrollment"].create(
                {
                    "partner_id": student.id,
                    "course_id": self.course.id,
                    "user_id": self.users[role].id,
                    "amount": amount,
                    "intent_grade_id": grade and grade.id,
                }
            )
        if state != "enrolled":
            with freeze_time(when):
                enrollment.write({"state": state})
                self.env.flush_all()
        return enrollment

    def _generate(self, user=None):
        wizard = Form(
            self.env["training.commission.statement.generate"].with_user(user or self.users["sup"])
        )
        wizard.date_from = date(2031, 3, 1)
        wizard.team_id = self.team
        action = wizard.save().action_generate()
        return self.Statement.search(action["domain"])

    def test_month_for_a_team_marginal_tiers_and_grade_bonus(self):
        self._enrol("con", 50000, 3)
        self._enrol("con", 40000, 10, grade=self.grade_a)
        self._enrol("con", 20000, 20)
        self._enrol("con", 9999, 21, state="cancelled")
        statements = self._generate()
        self.assertEqual(statements.user_id, self.users["con"] | self.users["con_2"])
        mine = statements.filtered(lambda s: s.user_id == self.users["con"])
        self.assertEqual(mine.date_to, date(2031, 3, 31))
        self.assertEqual(mine.achieved_amount, 110000)
        self.assertAlmostEqual(mine.attainment, 110.0)
        # 50,000 at 3% = 1,500; 40,000: 30,000 at 3% + 10,000 at 5% = 1,400, + 1% A
        # bonus = 400; 20,000: 10,000 at 5% + 10,000 at 7% = 1,200. Total 4,500.
        self.assertEqual(mine.line_ids.mapped("commission"), [1500, 1800, 1200])
        self.assertEqual(mine.amount_total, 4500)
        self.assertEqual(mine.line_ids[1].tier_detail, "3% × 30,000.00 + 5% × 10,000.00")  # noqa: RUF001
        self.assertEqual(mine.line_ids[1].grade_rate, 1)
        self.assertEqual(mine.state, "draft")

    def test_split_enrolment_on_both_statements(self):
        shared = self._enrol("con", 10000, 5)
        shared.with_user(self.users["sup"]).credit_ids = [
            Command.create({"user_id": self.users["con"].id, "share": 60}),
            Command.create({"user_id": self.users["con_2"].id, "share": 40}),
        ]
        statements = self._generate()
        by_user = {s.user_id: s for s in statements}
        # 6,000 and 4,000 counted, both under 80%: 3%.
        self.assertEqual(by_user[self.users["con"]].line_ids.amount_counted, 6000)
        self.assertEqual(by_user[self.users["con"]].amount_total, 180)
        self.assertEqual(by_user[self.users["con_2"]].line_ids.share, 40)
        self.assertEqual(by_user[self.users["con_2"]].amount_total, 120)

    def test_confirmed_statements_are_locked_and_kept(self):
        self._enrol("con", 50000, 3)
        statement = self._generate().filtered(lambda s: s.user_id == self.users["con"])
        statement.with_user(self.users["sup"]).action_confirm()
        with self.assertRaises(UserError):
            statement.with_user(self.users["sup"]).write({"achieved_amount": 1})
        with self.assertRaises(UserError):
            statement.with_user(self.users["sup"]).unlink()
        self._enrol("con", 40000, 25)  # after confirmation: not on it
        again = self._generate()
        self.assertIn(statement, again)
        self.assertEqual(statement.amount_total, 1500)
        statement.with_user(self.users["sup"]).action_pay()
        self.assertEqual(statement.state, "paid")

    def test_no_plan_in_force(self):
        with self.assertRaises(UserError):
            self.Statement.with_user(self.users["sup"])._generate(
                self.users["con"], date(2030, 3, 1), date(2030, 3, 31)
            )
        self.assertFalse(self.Statement.search([("date_from", "=", date(2030, 3, 1))]))

    def test_roles(self):
        self._enrol("con", 50000, 3)
        self._enrol("con_2", 30000, 3)
        statements = self._generate()
        theirs = statements.filtered(lambda s: s.user_id == self.users["con_2"])
        Con = self.Statement.with_user(self.users["con"])
        self.assertEqual(Con.search([("id", "in", statements.ids)]).user_id, self.users["con"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.users["con"]).read(["amount_total"])
        self.assertFalse(
            self.env["training.commission.statement.line"]
            .with_user(self.users["con"])
            .search([("statement_id", "=", theirs.id)])
        )
        with self.assertRaises(AccessError):
            self.Statement.with_user(self.users["con"])._generate(
                self.users["con"], date(2031, 3, 1), date(2031, 3, 31)
            )
        with self.assertRaises(AccessError):
            statements.with_user(self.users["con"]).action_confirm()
        self.assertEqual(
            self.Statement.with_user(self.users["aud"]).search([("id", "in", statements.ids)]),
            statements,
        )
        with self.assertRaises(AccessError):
            statements.with_user(self.users["aud"]).action_confirm()

    def test_one_statement_per_consultant_and_period(self):
        """Two supervisors generating the same month at once: the second one's
        statements are refused by the database, not duplicated."""
        statement = self._generate().filtered(lambda s: s.user_id == self.users["con"])
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.Statement.create(
                {
                    "user_id": statement.user_id.id,
                    "date_from": statement.date_from,
                    "date_to": statement.date_to,
                }
            )


@tagged("post_install", "-at_install")
class TestCommissionDemo(TransactionCase):
    def test_demo_school_has_this_months_statements(self):
        """The demo school's consultants open a statement of this month: 王芳
        beyond her target, so her last enrolments are paid at 7%."""
        statement = self.env.ref("training_crm_reports.demo_statement_wangfang")
        self.assertEqual(statement.state, "draft")
        self.assertGreater(statement.attainment, 100)
        self.assertIn("7%", statement.line_ids[-1].tier_detail)
        self.assertAlmostEqual(statement.amount_total, sum(statement.line_ids.mapped("commission")))

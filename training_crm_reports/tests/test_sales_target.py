from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.training_crm.tests.test_followup_rpc import JsonRpcMixin

from .common import create_staff


def setup_targets(cls, prefix):
    """Two consultants (no e-mail) of a team, a supervisor, an auditor; a
    one-to-one course; the school's time zone, Asia/Shanghai."""
    cls.users = create_staff(cls.env, prefix)
    cls.env.company.partner_id.tz = "Asia/Shanghai"
    cls.team = cls.env["crm.team"].create({"name": f"{prefix} Campus"})
    cls.course = cls.env["training.course"].create(
        {
            "name": "Maths 1-to-1",
            "teaching_mode": "one_to_one",
            "lesson_hours": 10,
            "list_price": 3000,
        }
    )
    cls.Target = cls.env["training.sales.target"]


@tagged("post_install", "-at_install")
class TestSalesTarget(TransactionCase):
    """Sales targets per consultant and per team, per month, quarter or year;
    attainment from the enrolments made in the period (school days)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_targets(cls, "st")

    def _enrol(self, user, amount, when, state="enrolled", team=None):
        """An enrolment made at `when` (UTC), as the transaction's NOW stamps it."""
        student = self.env["res.partner"].create({"name": f"Student {amount}"})
        with patch.object(self.env.cr, "now", lambda: when):
            enrollment = self.env["training.enrollment"].create(
                {
                    "partner_id": student.id,
                    "course_id": self.course.id,
                    "user_id": user.id,
                    "team_id": (team or self.team).id,
                    "amount": amount,
                }
            )
        if state != "enrolled":
            enrollment.sudo().write({"state": state})
        return enrollment

    def test_period_end_follows_its_kind(self):
        for period, start, end in (
            ("month", date(2026, 3, 1), date(2026, 3, 31)),
            ("quarter", date(2026, 4, 1), date(2026, 6, 30)),
            ("year", date(2026, 1, 1), date(2026, 12, 31)),
        ):
            target = self.Target.create(
                {
                    "user_id": self.users["con"].id,
                    "period": period,
                    "date_from": start,
                    "amount": 10000,
                }
            )
            self.assertEqual(target.date_to, end, period)
            target.unlink()

    def test_attainment_from_the_periods_enrolments(self):
        con = self.users["con"]
        target = self.Target.create(
            {"user_id": con.id, "period": "month", "date_from": date(2026, 3, 1), "amount": 20000}
        )
        # 1 March 00:30 in Shanghai is 28 February 16:30 UTC: March's.
        self._enrol(con, 6000, datetime(2026, 2, 28, 16, 30))
        self._enrol(con, 9000, datetime(2026, 3, 15, 4, 0))
        # 1 April 07:00 in Shanghai: April's.
        self._enrol(con, 5000, datetime(2026, 3, 31, 23, 0))
        self._enrol(con, 4000, datetime(2026, 3, 20, 4, 0), state="cancelled")
        self._enrol(self.users["con_2"], 7000, datetime(2026, 3, 20, 4, 0))
        target.invalidate_recordset()
        self.assertEqual(target.achieved_amount, 15000)
        self.assertAlmostEqual(target.attainment, 75.0)

    def test_team_target_counts_the_teams_enrolments(self):
        target = self.Target.create(
            {
                "team_id": self.team.id,
                "period": "quarter",
                "date_from": date(2026, 1, 1),
                "amount": 50000,
            }
        )
        self._enrol(self.users["con"], 10000, datetime(2026, 2, 1, 4, 0))
        self._enrol(self.users["con_2"], 20000, datetime(2026, 3, 1, 4, 0))
        other_team = self.env["crm.team"].create({"name": "Elsewhere"})
        self._enrol(self.users["con_2"], 30000, datetime(2026, 3, 1, 4, 0), team=other_team)
        target.invalidate_recordset()
        self.assertEqual(target.achieved_amount, 30000)
        self.assertAlmostEqual(target.attainment, 60.0)

    def test_bad_targets_refused_nothing_written(self):
        con = self.users["con"]
        base = {"period": "month", "date_from": date(2026, 3, 1), "amount": 10000}
        with self.assertRaises(ValidationError):
            self.Target.create(dict(base))  # nobody's
        with self.assertRaises(ValidationError):
            self.Target.create(dict(base, user_id=con.id, amount=-1))
        with self.assertRaises(ValidationError):
            self.Target.create(dict(base, user_id=con.id, date_to=date(2026, 2, 1)))
        self.Target.create(dict(base, user_id=con.id))
        with self.assertRaises(ValidationError):
            self.Target.create(dict(base, user_id=con.id, date_from=date(2026, 3, 15)))
        # A quarter over the same month is another kind of target: allowed.
        self.Target.create(dict(base, user_id=con.id, period="quarter"))
        self.assertEqual(self.Target.search_count([("user_id", "=", con.id)]), 2)

    def test_import_by_supervisors(self):
        """Targets come in from a spreadsheet: one load, one overlap check."""
        con, con_2 = self.users["con"], self.users["con_2"]
        result = self.Target.with_user(self.users["sup"]).load(
            ["user_id/id", "period", "date_from", "amount"],
            [
                [con.get_external_id()[con.id] or "", "month", "2026-04-01", "18000"],
                [con_2.get_external_id()[con_2.id] or "", "month", "2026-04-01", "15000"],
            ],
        )
        if result["messages"]:  # test users have no xml id: import by name then
            result = self.Target.with_user(self.users["sup"]).load(
                ["user_id", "period", "date_from", "amount"],
                [
                    [con.name, "month", "2026-04-01", "18000"],
                    [con_2.name, "month", "2026-04-01", "15000"],
                ],
            )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(
            self.Target.search([("date_from", "=", date(2026, 4, 1))]).mapped("amount"),
            [18000, 15000],
        )

    def test_roles(self):
        mine = self.Target.create(
            {"user_id": self.users["con"].id, "date_from": date(2026, 3, 1), "amount": 10000}
        )
        theirs = self.Target.create(
            {"user_id": self.users["con_2"].id, "date_from": date(2026, 3, 1), "amount": 10000}
        )
        team = self.Target.create(
            {"team_id": self.team.id, "date_from": date(2026, 3, 1), "amount": 30000}
        )
        everyone = mine | theirs | team
        Con = self.Target.with_user(self.users["con"])
        self.assertEqual(Con.search([("id", "in", everyone.ids)]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.users["con"]).read(["amount"])
        with self.assertRaises(AccessError):
            mine.with_user(self.users["con"]).write({"amount": 1})
        self.assertEqual(
            self.Target.with_user(self.users["aud"]).search([("id", "in", everyone.ids)]), everyone
        )
        with self.assertRaises(AccessError):
            team.with_user(self.users["aud"]).write({"amount": 1})
        form = Form(self.Target.with_user(self.users["sup"]))
        form.user_id = self.users["con_2"]
        form.date_from = date(2026, 5, 1)
        form.amount = 12000
        self.assertEqual(form.save().date_to, date(2026, 5, 31))


@tagged("post_install", "-at_install")
class TestSalesTargetJsonRpc(JsonRpcMixin):
    """Over the web client's JSON-RPC, a consultant cannot read, search, group
    or export a colleague's target."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_targets(cls, "strpc")
        cls.mine = cls.Target.create(
            {"user_id": cls.users["con"].id, "date_from": date(2026, 3, 1), "amount": 11111}
        )
        cls.theirs = cls.Target.create(
            {"user_id": cls.users["con_2"].id, "date_from": date(2026, 3, 1), "amount": 22222}
        )

    def test_consultant_sees_only_their_own(self):
        self.authenticate("strpc_con", "strpc_con_pw")
        model = "training.sales.target"
        rows = self._call(model, "search_read", [], ["amount", "user_id"])
        self.assertEqual([row["id"] for row in rows], [self.mine.id])
        groups = self._call(model, "read_group", [], ["amount:sum"], ["user_id"], lazy=False)
        self.assertEqual(sum(group["amount"] for group in groups), 11111)
        for method, args in (("read", [["amount"]]), ("export_data", [["amount"]])):
            error = self._call_error(model, method, [self.theirs.id], *args)
            # export_data reports the AccessError as a UserError
            self.assertIn(error["name"].rsplit(".", 1)[-1], ("AccessError", "UserError"), method)
            self.assertNotIn("22222", error["message"])
            self.assertNotIn(self.users["con_2"].name, error["message"], method)
        error = self._call_error(model, "write", [self.mine.id], {"amount": 1})
        self.assertIn("AccessError", error["name"])

    def test_supervisor_and_auditor(self):
        self.authenticate("strpc_aud", "strpc_aud_pw")
        rows = self._call("training.sales.target", "search_read", [], ["amount"])
        self.assertTrue({self.mine.id, self.theirs.id} <= {row["id"] for row in rows})
        error = self._call_error("training.sales.target", "unlink", [self.theirs.id])
        self.assertIn("AccessError", error["name"])
        self.authenticate("strpc_sup", "strpc_sup_pw")
        self._call("training.sales.target", "write", [self.theirs.id], {"amount": 23000})
        self.assertEqual(self.theirs.amount, 23000)

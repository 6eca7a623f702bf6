from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestValueGradeJsonRpc(JsonRpcMixin):
    """Value grades over the web client's JSON-RPC, per role: the consultant
    of the family's lead reads its grade and history, another consultant
    neither; only supervisors recompute; nobody writes history rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "vg_rpc_a": "training_crm.group_consultant",
            "vg_rpc_b": "training_crm.group_consultant",
            "vg_rpc_sup": "training_crm.group_supervisor",
            "vg_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(
                cls.env, login=login, password=f"{login}_pw", groups=group, email=False
            )
            for login, group in roles.items()
        }
        cls.parent = cls.env["res.partner"].create({"name": "Parent Zhao"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Piano for Zhao",
                "type": "opportunity",
                "partner_id": cls.parent.id,
                "user_id": cls.users["vg_rpc_a"].id,
            }
        )
        course = cls.env["training.course"].create(
            {"name": "Piano One-to-one", "teaching_mode": "one_to_one", "lesson_hours": 20}
        )
        cls.env["training.enrollment"].create(
            [
                {
                    "partner_id": cls.parent.id,
                    "course_id": course.id,
                    "lead_id": cls.lead.id,
                    "user_id": cls.users["vg_rpc_a"].id,
                    "amount": 12000,
                    "start_date": start,
                    "end_date": date(2026, 12, 31),
                }
                for start in (date(2024, 1, 1), date(2025, 1, 1))
            ]
        )
        with freeze_time("2026-01-15"):
            cls.env["res.partner"]._training_recompute_value_grades()
        cls.history = cls.parent.training_value_grade_history_ids

    def _read_history(self):
        return self._call(
            "training.value.grade.history",
            "search_read",
            [("partner_id", "=", self.parent.id)],
            ["new_grade"],
        )

    def test_consultants(self):
        self.assertEqual(self.parent.training_value_grade, "B")
        self.authenticate("vg_rpc_a", "vg_rpc_a_pw")
        self.assertEqual(self._read_history(), [{"id": self.history.id, "new_grade": "B"}])
        lead = self._call("crm.lead", "read", self.lead.ids, ["training_value_grade"])
        self.assertEqual(lead[0]["training_value_grade"], "B")
        error = self._call_error("res.partner", "action_training_recompute_value_grades")
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "training.value.grade.history", "write", self.history.ids, {"new_grade": "A"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

        self.authenticate("vg_rpc_b", "vg_rpc_b_pw")
        self.assertEqual(self._read_history(), [])
        groups = self._call(
            "training.value.grade.history", "read_group", [], ["new_grade"], ["new_grade"]
        )
        self.assertEqual(groups, [])
        error = self._call_error("training.value.grade.history", "read", self.history.ids, ["date"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("Zhao", error["message"])

    def test_auditor_and_supervisor(self):
        self.authenticate("vg_rpc_aud", "vg_rpc_aud_pw")
        self.assertEqual(len(self._read_history()), 1)
        error = self._call_error(
            "training.value.grade.history", "create", {"partner_id": self.parent.id}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error("res.partner", "action_training_recompute_value_grades")
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

        self.authenticate("vg_rpc_sup", "vg_rpc_sup_pw")
        self.assertEqual(len(self._read_history()), 1)
        action = self._call("res.partner", "action_training_recompute_value_grades")
        self.assertEqual(action["tag"], "display_notification")
        error = self._call_error("training.value.grade.history", "unlink", self.history.ids)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

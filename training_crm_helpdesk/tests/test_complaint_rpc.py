# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.training_crm.tests.test_followup_rpc import JsonRpcMixin

from .common import setup_complaints


@tagged("post_install", "-at_install")
class TestComplaintJsonRpc(JsonRpcMixin):
    """Complaints over the web client's JSON-RPC, per role: the consultant
    concerned reads theirs without the investigation, another consultant
    nothing; customer service and supervisors handle all, auditors read all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_complaints(cls, "hd_rpc")
        Ticket = cls.env["helpdesk.ticket"]
        common = {"description": "<p>From the family.</p>", "team_id": cls.team.id}
        cls.about_con = Ticket.create(
            dict(
                common,
                name="Lele's teacher",
                training_enrollment_id=cls.enrollment.id,
                training_cause="Teacher overbooked",
                training_resolution_plan="Change teacher",
            )
        )
        cls.about_con_2 = Ticket.create(
            dict(common, name="Xixi's refund", training_enrollment_id=cls.enrollment_2.id)
        )
        cls.both = (cls.about_con | cls.about_con_2).ids

    def _login(self, role):
        login = f"hd_rpc_{role}"
        self.authenticate(login, f"{login}_pw")

    def _visible(self):
        rows = self._call("helpdesk.ticket", "search_read", [("id", "in", self.both)], ["name"])
        return {row["id"] for row in rows}

    def test_consultant_concerned(self):
        self._login("con")
        self.assertEqual(self._visible(), {self.about_con.id})
        (row,) = self._call(
            "helpdesk.ticket",
            "read",
            self.about_con.ids,
            ["name", "training_resolution_plan", "training_consultant_id"],
        )
        self.assertEqual(row["training_resolution_plan"], "Change teacher")
        # Not the investigation: neither read nor offered in the form.
        error = self._call_error("helpdesk.ticket", "read", self.about_con.ids, ["training_cause"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        fields = self._call("helpdesk.ticket", "fields_get", [], ["string"])
        self.assertNotIn("training_cause", fields)
        self.assertNotIn("training_responsible_id", fields)
        # Another consultant's student: not even by id, and no write.
        error = self._call_error("helpdesk.ticket", "read", self.about_con_2.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("Xixi", error["message"])
        error = self._call_error(
            "helpdesk.ticket", "write", self.about_con.ids, {"training_resolution_plan": "x"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_other_consultant(self):
        self._login("con_2")
        self.assertEqual(self._visible(), {self.about_con_2.id})
        error = self._call_error("helpdesk.ticket", "read", self.about_con.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_customer_service_and_supervisor_handle_all(self):
        for role in ("cs", "sup"):
            self._login(role)
            self.assertEqual(self._visible(), set(self.both))
            (row,) = self._call("helpdesk.ticket", "read", self.about_con.ids, ["training_cause"])
            self.assertEqual(row["training_cause"], "Teacher overbooked")
            self._call(
                "helpdesk.ticket",
                "write",
                self.about_con_2.ids,
                {"training_cause": f"Checked by {role}"},
            )
        self.assertEqual(self.about_con_2.training_cause, "Checked by sup")

    def test_auditor_reads_all_changes_nothing(self):
        self._login("aud")
        self.assertEqual(self._visible(), set(self.both))
        (row,) = self._call("helpdesk.ticket", "read", self.about_con.ids, ["training_cause"])
        self.assertEqual(row["training_cause"], "Teacher overbooked")
        error = self._call_error(
            "helpdesk.ticket", "write", self.about_con.ids, {"training_cause": "x"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.about_con.training_cause, "Teacher overbooked")

    def test_bad_stage_over_rpc_writes_nothing(self):
        self._login("cs")
        error = self._call_error(
            "helpdesk.ticket",
            "write",
            self.about_con_2.ids,
            {"stage_id": self.stages["closed"].id, "training_cause": "should not stay"},
        )
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertEqual(self.about_con_2.stage_id, self.stages["new"])
        self.assertFalse(self.about_con_2.training_cause)

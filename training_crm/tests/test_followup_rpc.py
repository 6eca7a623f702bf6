import json

from odoo.tests import HttpCase, new_test_user, tagged


class JsonRpcMixin(HttpCase):
    """Calls as the web client makes them: /web/dataset/call_kw over real HTTP."""

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _call_error(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
        self.assertIn("error", response, f"{model}.{method} should have failed")
        return response["error"]["data"]


@tagged("post_install", "-at_install")
class TestFollowupJsonRpc(JsonRpcMixin):
    """A consultant's web client talks JSON-RPC: the rules must hold there too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant = new_test_user(
            cls.env,
            login="rpc_consultant",
            password="rpc_consultant_pw",
            groups="training_crm.group_consultant",
        )
        cls.other = new_test_user(
            cls.env, login="rpc_other", groups="training_crm.group_consultant", name="Other One"
        )
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Mine", "type": "opportunity", "user_id": cls.consultant.id}
        )
        cls.lead_other = cls.env["crm.lead"].create(
            {"name": "Theirs", "type": "opportunity", "user_id": cls.other.id}
        )
        cls.foreign_followup = cls.env["training.crm.followup"].create(
            {
                "lead_id": cls.lead_other.id,
                "user_id": cls.other.id,
                "outcome": "reached",
                "note": "Private conversation",
            }
        )

    def test_consultant_over_json_rpc(self):
        self.authenticate("rpc_consultant", "rpc_consultant_pw")
        followup_id = self._call(
            "training.crm.followup",
            "create",
            {
                "lead_id": self.lead.id,
                "outcome": "no_answer",
                "channel": "phone",
                "note": "Called, no answer",
            },
        )
        self.assertTrue(followup_id)
        lead = self._call(
            "crm.lead", "read", [self.lead.id], ["failed_attempt_count", "next_followup_date"]
        )[0]
        self.assertEqual(lead["failed_attempt_count"], 1)
        self.assertTrue(lead["next_followup_date"])

        # Only follow-ups of leads the consultant may see come back.
        rows = self._call("training.crm.followup", "search_read", [], ["note", "lead_id"])
        self.assertIn(followup_id, [row["id"] for row in rows])
        self.assertNotIn(self.foreign_followup.id, [row["id"] for row in rows])

        error = self._call_error(
            "training.crm.followup",
            "create",
            {"lead_id": self.lead_other.id, "outcome": "reached", "note": "Poaching"},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertIn("only on your own leads", error["message"])
        self.assertNotIn("Other One", error["message"], "the lead's owner is not named")
        self.assertNotIn("Theirs", error["message"], "nor the lead")

        error = self._call_error(
            "training.crm.followup",
            "create",
            {"lead_id": self.lead.id, "outcome": "maybe", "note": "?"},
        )
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")

        error = self._call_error("crm.lead", "write", [self.lead.id], {"failed_attempt_count": 0})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "training.crm.followup", "write", [followup_id], {"note": "Rewritten"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(
            self.env["training.crm.followup"]
            .search([("lead_id", "in", (self.lead | self.lead_other).ids)])
            .mapped("note"),
            ["Called, no answer", "Private conversation"],
        )

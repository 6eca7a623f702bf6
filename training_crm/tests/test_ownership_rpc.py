from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestOwnershipJsonRpc(JsonRpcMixin):
    """Ownership rules hold for a consultant's web client, not just its buttons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant = new_test_user(
            cls.env, login="own_rpc", password="own_rpc_pw", groups="training_crm.group_consultant"
        )
        cls.rival = new_test_user(
            cls.env, login="own_rival", groups="training_crm.group_consultant", name="Rival"
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "RPC Campus",
                "crm_team_member_ids": [Command.create({"user_id": cls.consultant.id})],
            }
        )
        cls.other_team = cls.env["crm.team"].create({"name": "Elsewhere"})
        Lead = cls.env["crm.lead"]
        cls.mine = Lead.create({"name": "Mine", "user_id": cls.consultant.id})
        cls.theirs = Lead.create(
            {"name": "Theirs", "user_id": cls.rival.id, "phone": "+8613811112222"}
        )
        cls.pool = Lead.create({"name": "Pool", "user_id": False, "team_id": cls.team.id})
        cls.far_pool = Lead.create(
            {"name": "Far pool", "user_id": False, "team_id": cls.other_team.id}
        )

    def test_consultant_over_json_rpc(self):
        self.authenticate("own_rpc", "own_rpc_pw")
        ids = {row["id"] for row in self._call("crm.lead", "search_read", [], ["name"])}
        self.assertIn(self.pool.id, ids)
        self.assertNotIn(self.far_pool.id, ids, "another team's pool is not mine")
        self.assertNotIn(self.theirs.id, ids)

        self._call("crm.lead", "action_claim", [self.pool.id])
        self.assertEqual(self.pool.user_id, self.consultant)
        error = self._call_error("crm.lead", "action_claim", [self.pool.id])
        self.assertIn("already belongs to", error["message"])

        error = self._call_error("crm.lead", "write", [self.mine.id], {"user_id": self.rival.id})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "crm.lead", "write", [self.mine.id], {"first_contact_user_id": self.consultant.id}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error("crm.lead", "write", [self.mine.id], {"intent_grade_code": "Q"})
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertEqual(self.mine.user_id, self.consultant)
        self.assertFalse(self.mine.first_contact_user_id)

        # Typing in the rival's person: kept apart, and told who owns them.
        new_id = self._call(
            "crm.lead", "create", {"name": "Same person", "phone": "+86 138 1111 2222"}
        )
        row = self._call("crm.lead", "read", [new_id], ["user_id", "collision_user_id"])[0]
        self.assertEqual(row["user_id"][0], self.consultant.id)
        self.assertEqual(row["collision_user_id"][1], "Rival")

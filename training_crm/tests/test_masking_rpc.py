from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestMaskingJsonRpc(JsonRpcMixin):
    """号码脱敏 and 查重 as a consultant's web client calls them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.env["ir.config_parameter"].sudo().set_param("training_crm.pool_masking", "True")
        cls.consultant = new_test_user(
            cls.env,
            login="mask_rpc",
            password="mask_rpc_pw",
            groups="training_crm.group_consultant,base.group_allow_export",
        )
        cls.rival = new_test_user(
            cls.env, login="mask_rival", groups="training_crm.group_consultant", name="Rival Wang"
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="mask_sup",
            password="mask_sup_pw",
            groups="training_crm.group_supervisor",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Mask Campus", "member_ids": [Command.set([cls.consultant.id, cls.rival.id])]}
        )
        Lead = cls.env["crm.lead"]
        cls.pool = Lead.create(
            {
                "name": "Pool family",
                "user_id": False,
                "team_id": cls.team.id,
                "phone": "138 0013 9000",
                "email_from": "zhang.wei@qq.com",
            }
        )
        cls.theirs = Lead.create(
            {
                "name": "Rival's family",
                "user_id": cls.rival.id,
                "team_id": cls.team.id,
                "mobile": "+86 139 0013 9555",
            }
        )

    def _lookup(self, query):
        wizard_id = self._call("training.crm.lookup", "create", {"query": query})
        self._call("training.crm.lookup", "action_lookup", [wizard_id])
        return self._call(
            "training.crm.lookup", "read", [wizard_id], ["result", "owner_names", "lead_id"]
        )[0]

    def test_consultant(self):
        self.authenticate("mask_rpc", "mask_rpc_pw")
        records = self._call(
            "crm.lead",
            "web_search_read",
            [("id", "=", self.pool.id)],
            {"phone": {}, "email_from": {}, "phone_sanitized": {}, "email_normalized": {}},
        )["records"]
        self.assertEqual(records[0]["phone"], "138****9000")
        self.assertEqual(records[0]["email_from"], "z***@qq.com")
        self.assertNotIn("zhang.wei", str(records))
        self.assertNotIn("0013", str(records))
        rows = self._call(
            "crm.lead", "search_read", [("id", "=", self.pool.id)], ["mobile", "phone"]
        )
        self.assertEqual(rows[0]["phone"], "138****9000")
        exported = self._call("crm.lead", "export_data", [self.pool.id], ["phone", "email_from"])
        self.assertEqual(exported["datas"], [["138****9000", "z***@qq.com"]])
        self.assertFalse(
            self._call("crm.lead", "search", [("phone_mobile_search", "like", "13800139000")])
        )

        # Saving the form as read leaves the numbers alone.
        self._call(
            "crm.lead", "web_save", [self.pool.id], {"phone": "138****9000"}, specification={}
        )
        self.assertEqual(self.pool.phone, "138 0013 9000")

        # 查重: owned by whom, never the colleague's lead.
        answer = self._lookup("139 0013 9555")
        self.assertEqual(answer["result"], "owned")
        self.assertEqual(answer["owner_names"], "Rival Wang")
        self.assertFalse(answer["lead_id"])
        answer = self._lookup("13800139000")
        self.assertEqual(answer["result"], "pool")
        self.assertEqual(answer["lead_id"][0], self.pool.id)
        self.assertEqual(self._lookup("13600136000")["result"], "new")
        wizard_id = self._call("training.crm.lookup", "create", {"query": "not a number"})
        error = self._call_error("training.crm.lookup", "action_lookup", [wizard_id])
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("neither a phone number nor an e-mail", error["message"])

        # Reveal: logged, then in full for the day.
        self._call("crm.lead", "action_training_reveal", [self.pool.id])
        rows = self._call("crm.lead", "read", [self.pool.id], ["phone"])
        self.assertEqual(rows[0]["phone"], "138 0013 9000")
        log = self.env["training.crm.reveal"].search([("lead_id", "=", self.pool.id)])
        self.assertEqual(log.user_id, self.consultant)

    def test_supervisor(self):
        self.authenticate("mask_sup", "mask_sup_pw")
        rows = self._call("crm.lead", "read", [self.pool.id, self.theirs.id], ["phone", "mobile"])
        self.assertEqual(rows[0]["phone"], "138 0013 9000")
        answer = self._lookup("139 0013 9555")
        self.assertEqual((answer["result"], answer["owner_names"]), ("owned", "Rival Wang"))
        self.assertEqual(answer["lead_id"][0], self.theirs.id)

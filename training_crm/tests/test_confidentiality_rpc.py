import json

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin

PASSWORDS = {
    "conf_a": "conf_a_pw",
    "conf_b": "conf_b_pw",
    "conf_sup": "conf_sup_pw",
    "conf_aud": "conf_aud_pw",
}


@tagged("post_install", "-at_install")
class TestConfidentialityJsonRpc(JsonRpcMixin):
    """Customer data does not cross the consultants' lines over the web
    client's own JSON-RPC: search, read, read_group, export, name_search,
    many2one names and error messages, on leads, contacts, follow-ups,
    disputes, activities, messages and crm's activity analysis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = {
            "conf_a": "training_crm.group_consultant",
            "conf_b": "training_crm.group_consultant",
            "conf_sup": "training_crm.group_supervisor",
            "conf_aud": "training_crm.group_auditor",
        }
        names = {
            "conf_a": "Alice Consultant",
            "conf_b": "Bob Consultant",
            "conf_sup": "Sue Supervisor",
            "conf_aud": "Al Auditor",
        }
        for login, group in groups.items():
            # Exporting is a right of its own: given, to prove what an export returns.
            user = new_test_user(
                cls.env,
                login=login,
                password=PASSWORDS[login],
                groups=f"{group},base.group_allow_export",
                name=names[login],
            )
            setattr(cls, login, user)
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Confidential Campus",
                "crm_team_member_ids": [
                    Command.create({"user_id": user.id}) for user in (cls.conf_a, cls.conf_b)
                ],
            }
        )
        cls.far_team = cls.env["crm.team"].create({"name": "Far Campus"})
        Partner = cls.env["res.partner"]
        cls.cust_a = Partner.create({"name": "Customer Anna", "email": "anna@example.cn"})
        cls.cust_a_lost = Partner.create({"name": "Customer Archie"})
        cls.cust_b = Partner.create({"name": "Customer Bella", "email": "bella@example.cn"})
        cls.cust_pool = Partner.create({"name": "Customer Pooled"})
        cls.cust_far = Partner.create({"name": "Customer Faraway"})
        cls.vendor = Partner.create({"name": "Vendor Paper Supplies", "is_company": True})
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Anna - IELTS",
                "type": "opportunity",
                "partner_id": cls.cust_a.id,
                "user_id": cls.conf_a.id,
                "team_id": cls.team.id,
            }
        )
        cls.lead_a_lost = Lead.create(
            {
                "name": "Archie - Piano",
                "type": "opportunity",
                "partner_id": cls.cust_a_lost.id,
                "user_id": cls.conf_a.id,
                "team_id": cls.team.id,
            }
        )
        cls.lead_a_lost.action_set_lost()
        cls.lead_b = Lead.create(
            {
                "name": "Bella - Secret Deal",
                "type": "opportunity",
                "partner_id": cls.cust_b.id,
                "phone": "+86 138 2222 3333",
                "user_id": cls.conf_b.id,
                "team_id": cls.team.id,
            }
        )
        cls.lead_pool = Lead.create(
            {
                "name": "Pooled - Coding",
                "type": "opportunity",
                "partner_id": cls.cust_pool.id,
                "user_id": False,
                "team_id": cls.team.id,
            }
        )
        cls.lead_far = Lead.create(
            {
                "name": "Faraway - Chess",
                "type": "opportunity",
                "partner_id": cls.cust_far.id,
                "user_id": False,
                "team_id": cls.far_team.id,
            }
        )
        # Alice types in Bella's number: a collision (撞单) with Bob's lead.
        cls.lead_collided = Lead.with_user(cls.conf_a).create(
            {"name": "Walk-in", "type": "opportunity", "phone": "+86 138 2222 3333"}
        )
        Followup = cls.env["training.crm.followup"]
        cls.followup_a = Followup.with_user(cls.conf_a).create(
            {"lead_id": cls.lead_a.id, "outcome": "reached", "note": "Anna wants mornings"}
        )
        cls.followup_b = Followup.with_user(cls.conf_b).create(
            {"lead_id": cls.lead_b.id, "outcome": "reached", "note": "Bella budget 20000"}
        )
        cls.lead_b.message_post(body="Bella's private remark", subtype_xmlid="mail.mt_note")
        cls.activity_b = cls.lead_b.activity_schedule(
            "mail.mail_activity_data_call", summary="Call Bella back", user_id=cls.conf_b.id
        )
        cls.activity_b_done = cls.lead_b.activity_schedule(
            "mail.mail_activity_data_call", summary="Bella done call", user_id=cls.conf_b.id
        )
        cls.activity_b_done.action_feedback(feedback="Bella said yes")
        cls.dispute = (
            cls.env["training.crm.dispute"]
            .sudo()
            .create(
                {
                    "lead_id": cls.lead_collided.id,
                    "lead_ids": [Command.set((cls.lead_collided | cls.lead_b).ids)],
                    "origin": "tie",
                    "reason": "Both reached the person",
                }
            )
        )
        cls.env.flush_all()

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, PASSWORDS[user.login])

    def _ids(self, model, domain=None, **kwargs):
        return {
            row["id"]
            for row in self._call(
                model, "search_read", domain or [], ["display_name"], context={"active_test": False}
            )
        }

    def assertNoLeak(self, payload, *secrets):
        text = json.dumps(payload, ensure_ascii=False)
        for secret in secrets:
            self.assertNotIn(secret, text)

    # ------------------------------------------------------------
    # consultants
    # ------------------------------------------------------------

    def test_consultant_leads_and_errors(self):
        self._login(self.conf_a)
        ids = self._ids("crm.lead")
        self.assertIn(self.lead_a.id, ids)
        self.assertIn(self.lead_a_lost.id, ids)
        self.assertIn(self.lead_pool.id, ids)
        self.assertNotIn(self.lead_b.id, ids)
        self.assertNotIn(self.lead_far.id, ids)
        self.assertFalse(self._call("crm.lead", "name_search", "Bella"))
        groups = self._call(
            "crm.lead",
            "read_group",
            [("team_id", "in", (self.team | self.far_team).ids)],
            ["expected_revenue:sum"],
            ["user_id"],
            lazy=False,
        )
        self.assertNoLeak(groups, "Bob Consultant")
        self.assertEqual(
            {group["user_id"] and group["user_id"][0] for group in groups}, {self.conf_a.id, False}
        )
        self.assertEqual(sum(group["__count"] for group in groups), 3, "mine (open) and pool")
        # Everything a consultant's list or form reads of their own leads.
        rows = self._call("crm.lead", "search_read", [("id", "in", list(ids))], [])
        self.assertNoLeak(rows, "Bella", "Secret Deal")
        exported = self._call("crm.lead", "export_data", list(ids), ["name", "partner_id"])
        self.assertNoLeak(exported, "Bella")
        error = self._call_error("crm.lead", "export_data", [self.lead_b.id], ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNoLeak(error, "Bella", "Bob Consultant")

        # The collision tells who owns the person, not the other lead.
        row = self._call(
            "crm.lead", "read", [self.lead_collided.id], ["collision_user_id", "display_name"]
        )[0]
        self.assertEqual(row["collision_user_id"][1], "Bob Consultant")
        error = self._call_error("crm.lead", "read", [self.lead_collided.id], ["collision_lead_id"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNoLeak(error, "Bella")
        web = self._call(
            "crm.lead",
            "web_read",
            [self.lead_collided.id],
            specification={"collision_user_id": {"fields": {"display_name": {}}}},
        )
        self.assertNoLeak(web, "Bella")
        collided = self._call("crm.lead", "search", [("collision_user_id", "!=", False)])
        self.assertEqual(collided, [self.lead_collided.id])
        messages = self._call(
            "mail.message",
            "search_read",
            [("model", "=", "crm.lead"), ("res_id", "=", self.lead_collided.id)],
            ["body"],
        )
        self.assertIn("Bob Consultant", json.dumps(messages))
        self.assertNoLeak(messages, "Bella", "Secret Deal")

        # Error messages name nothing the consultant may not read.
        for method, args in (
            ("action_claim", []),
            ("write", [{"user_id": self.conf_a.id}]),
            ("action_reassign", []),
        ):
            error = self._call_error("crm.lead", method, [self.lead_b.id], *args)
            self.assertNoLeak(error, "Bella", "Secret Deal", "Bob Consultant")
        error = self._call_error("crm.lead", "action_claim", [self.lead_far.id])
        self.assertIn("not yours to claim", error["message"])
        self.assertNoLeak(error, "Faraway")
        error = self._call_error(
            "training.crm.followup",
            "create",
            {"lead_id": self.lead_b.id, "outcome": "reached", "note": "Mine now"},
        )
        self.assertNoLeak(error, "Bella", "Bob Consultant")
        error = self._call_error(
            "training.crm.dispute", "create", {"lead_id": self.lead_b.id, "reason": "Mine"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNoLeak(error, "Bella")

    def test_consultant_contacts(self):
        self._login(self.conf_a)
        ids = self._ids("res.partner")
        self.assertLessEqual(
            {
                self.cust_a.id,
                self.cust_a_lost.id,  # an archived (lost) lead of theirs
                self.cust_pool.id,  # their team's pool
                self.vendor.id,  # nobody's customer
                self.conf_b.partner_id.id,  # a colleague
                self.env.company.partner_id.id,
            },
            ids,
        )
        self.assertFalse({self.cust_b.id, self.cust_far.id} & ids)
        self.assertFalse(self._call("res.partner", "name_search", "Bella"))
        self.assertFalse(self._call("res.partner", "name_search", "Faraway"))
        self.assertEqual(
            [row[0] for row in self._call("res.partner", "name_search", "Customer Anna")],
            [self.cust_a.id],
        )
        for method, args in (
            ("read", [["name", "email"]]),
            ("export_data", [["name", "email"]]),
        ):
            error = self._call_error("res.partner", method, [self.cust_b.id], *args)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            self.assertNoLeak(error, "Bella", "bella@")
        groups = self._call(
            "res.partner", "read_group", [("name", "like", "Customer")], ["name"], ["name"]
        )
        self.assertNoLeak(groups, "Bella", "Faraway")
        self.assertIn("Customer Anna", json.dumps(groups))
        # Bob sees his own customer, not Alice's.
        self._login(self.conf_b)
        ids = self._ids("res.partner")
        self.assertIn(self.cust_b.id, ids)
        self.assertNotIn(self.cust_a.id, ids)
        self.assertNotIn(self.cust_a_lost.id, ids)

    def test_consultant_followups_disputes_activities_messages(self):
        self._login(self.conf_a)
        rows = self._call("training.crm.followup", "search_read", [], ["note", "lead_id"])
        self.assertIn(self.followup_a.id, [row["id"] for row in rows])
        self.assertNoLeak(rows, "Bella")
        groups = self._call(
            "training.crm.followup", "read_group", [], ["note"], ["lead_id"], lazy=False
        )
        self.assertNoLeak(groups, "Bella")
        error = self._call_error("training.crm.followup", "read", [self.followup_b.id], ["note"])
        self.assertNoLeak(error, "Bella budget")

        disputes = self._call("training.crm.dispute", "search_read", [], ["name", "lead_id"])
        self.assertEqual([row["id"] for row in disputes], [self.dispute.id])
        self.assertNoLeak(disputes, "Secret Deal")
        error = self._call_error("training.crm.dispute", "read", [self.dispute.id], ["lead_ids"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        sides = self._call("training.crm.dispute.side", "search_read", [], ["user_id", "lead_id"])
        self.assertEqual([row["user_id"][0] for row in sides], [self.conf_a.id], "own side only")
        self.assertNoLeak(sides, "Secret Deal", "Bella")

        activities = self._call("mail.activity", "search_read", [], ["summary", "res_name"])
        self.assertNoLeak(activities, "Call Bella", "Bella")
        error = self._call_error("mail.activity", "read", self.activity_b.ids, ["summary"])
        self.assertNoLeak(error, "Call Bella")
        messages = self._call("mail.message", "search_read", [], ["body", "record_name"])
        self.assertNoLeak(messages, "Bella")
        report = self._call("crm.activity.report", "search_read", [], ["lead_id", "body"])
        self.assertNoLeak(report, "Bella")
        report_groups = self._call(
            "crm.activity.report", "read_group", [], ["lead_id"], ["lead_id"], lazy=False
        )
        self.assertNoLeak(report_groups, "Bella")

    # ------------------------------------------------------------
    # supervisors and auditors
    # ------------------------------------------------------------

    def test_supervisor_sees_all(self):
        self._login(self.conf_sup)
        self.assertLessEqual(
            {self.lead_a.id, self.lead_b.id, self.lead_far.id}, self._ids("crm.lead")
        )
        self.assertLessEqual(
            {self.cust_a.id, self.cust_b.id, self.cust_far.id}, self._ids("res.partner")
        )
        row = self._call("crm.lead", "read", [self.lead_collided.id], ["collision_lead_id"])[0]
        self.assertEqual(row["collision_lead_id"], [self.lead_b.id, "Bella - Secret Deal"])
        sides = self._call(
            "training.crm.dispute.side",
            "search_read",
            [("dispute_id", "=", self.dispute.id)],
            ["user_id"],
        )
        self.assertEqual({row["user_id"][0] for row in sides}, {self.conf_a.id, self.conf_b.id})

    def test_auditor_reads_all_writes_nothing(self):
        self._login(self.conf_aud)
        self.assertLessEqual(
            {self.lead_a.id, self.lead_b.id, self.lead_far.id}, self._ids("crm.lead")
        )
        self.assertLessEqual(
            {self.cust_a.id, self.cust_b.id, self.cust_far.id}, self._ids("res.partner")
        )
        self.assertLessEqual(
            {self.followup_a.id, self.followup_b.id}, self._ids("training.crm.followup")
        )
        self.assertIn(self.dispute.id, self._ids("training.crm.dispute"))
        report = self._call("crm.activity.report", "search_read", [], ["lead_id"])
        self.assertIn(self.lead_b.id, [row["lead_id"][0] for row in report])
        exported = self._call(
            "training.crm.followup", "export_data", [self.followup_b.id], ["note", "lead_id"]
        )
        self.assertEqual(exported["datas"], [["Bella budget 20000", "Bella - Secret Deal"]])
        for model, method, args, *kwargs in (
            ("crm.lead", "write", [[self.lead_a.id], {"name": "x"}]),
            ("crm.lead", "action_set_won", [[self.lead_a.id]]),
            ("crm.lead", "action_claim", [[self.lead_pool.id]]),
            ("training.crm.followup", "write", [[self.followup_a.id], {"note": "x"}]),
            ("training.crm.followup", "unlink", [[self.followup_a.id]]),
            ("training.crm.dispute", "action_decide", [[self.dispute.id]]),
            ("res.partner", "write", [[self.cust_a.id], {"name": "x"}]),
            ("res.partner", "create", [{"name": "New contact"}]),
            ("crm.lead", "message_post", [[self.lead_a.id]], {"body": "Audit remark"}),
            (
                "mail.activity",
                "create",
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                        "res_id": self.lead_a.id,
                        "summary": "Audit task",
                    }
                ],
            ),
        ):
            error = self._call_error(model, method, *args, **(kwargs[0] if kwargs else {}))
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", f"{model}.{method}")
        self.assertEqual(self.lead_a.name, "Anna - IELTS")
        self.assertEqual(self.followup_a.note, "Anna wants mornings")

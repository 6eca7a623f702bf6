from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestReferralJsonRpc(JsonRpcMixin):
    """Referrals over the web client's JSON-RPC, per role (SPEC 7): a consultant
    sees the referrers of their own leads, and through a referrer's contact
    only their own referrals and rewards; supervisors see and give all;
    auditors read all and change nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "ref_rpc_a": "training_crm.group_consultant",
            "ref_rpc_b": "training_crm.group_consultant",
            "ref_rpc_sup": "training_crm.group_supervisor",
            "ref_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, password=f"{login}_pw", groups=group)
            for login, group in roles.items()
        }
        course = cls.env["training.course"].create(
            {"name": "Ballet", "lesson_hours": 24, "list_price": 3000}
        )
        training_class = cls.env["training.class"].create(
            {
                "name": "Ballet Autumn",
                "course_id": course.id,
                "date_start": date(2026, 9, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        Partner = cls.env["res.partner"]
        cls.referrer = Partner.create({"name": "Old Student Wu"})
        # Referred a lead of consultant B only: nobody else's customer.
        cls.referrer_b = Partner.create({"name": "Neighbour Qian"})
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Ballet for Mei",
                "type": "opportunity",
                "partner_id": Partner.create({"name": "Parent Mei"}).id,
                "user_id": cls.users["ref_rpc_a"].id,
                "referred_by_id": cls.referrer.id,
            }
        )
        cls.lead_b = Lead.create(
            {
                "name": "Ballet for Lan",
                "type": "opportunity",
                "partner_id": Partner.create({"name": "Parent Lan"}).id,
                "user_id": cls.users["ref_rpc_b"].id,
                "referred_by_id": cls.referrer.id,
            }
        )
        cls.lead_b2 = Lead.create(
            {
                "name": "Ballet for Jing",
                "type": "opportunity",
                "user_id": cls.users["ref_rpc_b"].id,
                "referred_by_id": cls.referrer_b.id,
            }
        )
        for lead in (cls.lead_a, cls.lead_b):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": lead.partner_id.id,
                    "opportunity_id": lead.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": course.product_id.id,
                                "training_class_id": training_class.id,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
        Reward = cls.env["training.referral.reward"]
        cls.reward_a = Reward.search([("lead_id", "=", cls.lead_a.id)])
        cls.reward_b = Reward.search([("lead_id", "=", cls.lead_b.id)])

    def _ids(self, model, domain):
        return {row["id"] for row in self._call(model, "search_read", domain, ["id"])}

    def _referrer_on_contact(self):
        [row] = self._call(
            "res.partner",
            "web_read",
            self.referrer.ids,
            specification={
                "training_referral_count": {},
                "training_referral_reward_ids": {"fields": {"state": {}, "value": {}}},
            },
        )
        return row["training_referral_count"], {
            reward["id"] for reward in row["training_referral_reward_ids"]
        }

    def test_reward_from_lead_to_enrolment(self):
        self.assertEqual(len(self.reward_a), 1)
        self.assertEqual(self.reward_a.referrer_id, self.referrer)
        self.assertEqual(self.reward_a.enrollment_id, self.lead_a.training_enrollment_ids)
        self.assertEqual(self.reward_a.user_id, self.users["ref_rpc_a"])
        self.assertEqual(self.reward_a.state, "due")

    def test_consultant_sees_own_referrals_only(self):
        self.authenticate("ref_rpc_a", "ref_rpc_a_pw")
        referred = [("referred_by_id", "!=", False)]
        self.assertEqual(self._ids("crm.lead", referred), set(self.lead_a.ids))
        groups = self._call(
            "crm.lead", "read_group", referred, ["referred_by_id"], ["referred_by_id"]
        )
        self.assertEqual(
            [(group["referred_by_id"][0], group["referred_by_id_count"]) for group in groups],
            [(self.referrer.id, 1)],
        )
        # Through the referrer's contact: their own referral and reward only.
        self.assertEqual(self._referrer_on_contact(), (1, set(self.reward_a.ids)))
        rewards = self._ids("training.referral.reward", [])
        self.assertEqual(rewards, set(self.reward_a.ids))
        error = self._call_error("training.referral.reward", "read", self.reward_b.ids, ["value"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        # A colleague's referrer, nobody else's customer, stays hidden.
        self.assertFalse(self._ids("res.partner", [("id", "=", self.referrer_b.id)]))
        error = self._call_error("res.partner", "read", self.referrer_b.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        # ...and cannot be read by naming it the referrer of one's own lead.
        error = self._call_error(
            "crm.lead", "write", self.lead_a.ids, {"referred_by_id": self.referrer_b.id}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.lead_a.referred_by_id, self.referrer)

    def test_consultant_gives_own_reward_once(self):
        self.authenticate("ref_rpc_a", "ref_rpc_a_pw")
        error = self._call_error("training.referral.reward", "action_mark_given", self.reward_b.ids)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self._call("training.referral.reward", "action_mark_given", self.reward_a.ids)
        self.assertEqual(self.reward_a.state, "given")
        self.assertEqual(self.reward_a.given_by_id, self.users["ref_rpc_a"])
        given_on = self.reward_a.date_given
        error = self._call_error("training.referral.reward", "action_mark_given", self.reward_a.ids)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("already given", error["message"])
        error = self._call_error(
            "training.referral.reward", "write", self.reward_a.ids, {"value": 9999}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.reward_a.invalidate_recordset()
        self.assertEqual(self.reward_a.date_given, given_on)
        self.assertEqual(self.reward_b.state, "due")

    def test_supervisor_sees_and_gives_all(self):
        self.authenticate("ref_rpc_sup", "ref_rpc_sup_pw")
        # All of them (the database's demo referrals too).
        self.assertLessEqual(
            set((self.lead_a | self.lead_b | self.lead_b2).ids),
            self._ids("crm.lead", [("referred_by_id", "!=", False)]),
        )
        self.assertEqual(self._referrer_on_contact(), (2, set((self.reward_a | self.reward_b).ids)))
        self._call("training.referral.reward", "action_mark_given", self.reward_b.ids)
        self.assertEqual(self.reward_b.given_by_id, self.users["ref_rpc_sup"])

    def test_auditor_reads_all_changes_nothing(self):
        self.authenticate("ref_rpc_aud", "ref_rpc_aud_pw")
        rewards = self.reward_a | self.reward_b
        self.assertLessEqual(set(rewards.ids), self._ids("training.referral.reward", []))
        self.assertEqual(self._referrer_on_contact(), (2, set(rewards.ids)))
        for method, args in (
            ("action_mark_given", [rewards.ids]),
            ("write", [rewards.ids, {"value": 1}]),
            ("unlink", [rewards.ids]),
        ):
            error = self._call_error("training.referral.reward", method, *args)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", method)
        error = self._call_error(
            "crm.lead", "write", self.lead_a.ids, {"referred_by_id": self.referrer_b.id}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(set(rewards.mapped("state")), {"due"})
        self.assertEqual(self.lead_a.referred_by_id, self.referrer)

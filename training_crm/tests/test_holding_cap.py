from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import TrainingCrmCommon
from .test_followup_rpc import JsonRpcMixin


class HoldingCapCommon:
    """A campus whose pool caps what a consultant holds at 2 open leads
    (私海库容); 小周 holds none at first."""

    @classmethod
    def _setup_holding(cls):
        cls.zhou = new_test_user(
            cls.env,
            login="cap_zhou",
            password="cap_zhou_pw",
            name="Zhou Cap",
            groups="training_crm.group_consultant",
        )
        cls.cap_team = cls.env["crm.team"].create(
            {
                "name": "Capped Campus",
                "training_holding_cap": 2,
                "crm_team_member_ids": [Command.create({"user_id": cls.zhou.id})],
            }
        )
        cls.pool = cls.env["crm.lead"].create(
            [
                {"name": f"Pool lead {n}", "type": "opportunity", "team_id": cls.cap_team.id}
                for n in range(4)
            ]
        )
        cls.pool.user_id = False


@tagged("post_install", "-at_install")
class TestHoldingCap(TrainingCrmCommon, HoldingCapCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_holding()

    def test_claims_stop_at_the_cap_and_won_leads_free_a_place(self):
        first, second, third = self.pool[:3].with_user(self.zhou)
        first.action_claim()
        second.action_claim()
        with self.assertRaisesRegex(
            UserError, "You hold 2 open leads and your cap is 2: win, hand back"
        ):
            third.action_claim()
        self.assertFalse(self.pool[2].user_id)
        # An enrolment signed: the won lead is no longer held.
        self.pool[0].action_set_won()
        third.action_claim()
        self.assertEqual(self.pool[2].user_id, self.zhou)

    def test_member_cap_and_settings_cap(self):
        member = self.cap_team.crm_team_member_ids.filtered(lambda m: m.user_id == self.zhou)
        member.training_holding_cap = 3
        for lead in self.pool[:3].with_user(self.zhou):
            lead.action_claim()
        with self.assertRaisesRegex(UserError, "You hold 3 open leads and your cap is 3"):
            self.pool[3].with_user(self.zhou).action_claim()
        # Without the member's and the team's caps, Settings' applies; 0 there: none.
        member.training_holding_cap = 0
        self.cap_team.training_holding_cap = 0
        self.env["ir.config_parameter"].set_param("training_crm.holding_cap", "3")
        with self.assertRaisesRegex(UserError, "You hold 3 open leads and your cap is 3"):
            self.pool[3].with_user(self.zhou).action_claim()
        self.env["ir.config_parameter"].set_param("training_crm.holding_cap", "0")
        self.pool[3].with_user(self.zhou).action_claim()
        self.assertEqual(self.pool[3].user_id, self.zhou)

    def test_supervisor_cannot_assign_past_the_cap(self):
        self.pool[:2].with_user(self.user_supervisor).write({"user_id": self.zhou.id})
        with self.assertRaisesRegex(
            UserError, "Zhou Cap holds 2 open leads and their cap is 2: they cannot take 1 more"
        ):
            self.pool[2].with_user(self.user_supervisor).write({"user_id": self.zhou.id})
        wizard = (
            self.env["training.crm.lead.reassign"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "lead_ids": [Command.set(self.pool[2:].ids)],
                    "user_id": self.zhou.id,
                    "reason": "Busy week",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "they cannot take 2 more"):
            wizard.action_reassign()
        self.assertFalse(self.pool[2:].user_id)
        # Supervisors hold what they take: the caps are for consultants.
        self.pool[2:].with_user(self.user_supervisor).write({"user_id": self.user_supervisor.id})
        self.assertEqual(self.pool[2:].user_id, self.user_supervisor)

    def test_first_contact_past_the_cap_is_logged_and_leaves_the_lead_in_the_pool(self):
        for claimed in self.pool[:2].with_user(self.zhou):
            claimed.action_claim()
        lead = self.pool[2]
        followup = self._log(lead, "reached", user=self.zhou)
        self.assertEqual(followup.lead_id, lead)
        self.assertEqual(lead.first_contact_user_id, self.zhou)
        self.assertFalse(lead.user_id, "the lead stays in the pool")
        self.assertIn(
            "Zhou Cap reached this person but holds 2 open leads, their cap: the lead stays "
            "in the pool.",
            lead.message_ids.mapped("body")[0],
        )

    def test_supervisors_see_each_members_load(self):
        self.pool[0].with_user(self.zhou).action_claim()
        member = self.cap_team.crm_team_member_ids.with_user(self.user_supervisor)
        self.assertEqual(
            (member.training_holding_count, member.training_holding_cap_applied), (1, 2)
        )

    def test_won_leads_do_not_count_against_the_daily_claim_cap(self):
        self.env["ir.config_parameter"].set_param("training_crm.claim_daily_limit", "1")
        self.pool[0].with_user(self.zhou).action_claim()
        with self.assertRaisesRegex(UserError, "You have claimed 1 leads today"):
            self.pool[1].with_user(self.zhou).action_claim()
        self.pool[0].action_set_won()
        self.pool[1].with_user(self.zhou).action_claim()
        self.assertEqual(self.pool[1].user_id, self.zhou)


@tagged("post_install", "-at_install")
class TestHoldingCapJsonRpc(JsonRpcMixin, HoldingCapCommon):
    """The refusal a consultant's web client gets, over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_holding()

    def test_claim_past_the_cap_refused(self):
        self.authenticate("cap_zhou", "cap_zhou_pw")
        for lead in self.pool[:2]:
            self._call("crm.lead", "action_claim", [lead.id])
        error = self._call_error("crm.lead", "action_claim", [self.pool[2].id])
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("You hold 2 open leads and your cap is 2", error["message"])
        self.assertFalse(self.pool[2].user_id)

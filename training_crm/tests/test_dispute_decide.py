from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import TrainingCrmCommon
from .test_followup_rpc import JsonRpcMixin


class DisputeDecideMixin:
    """A tie over Zhao Lei: Consultant Test reached him first in web form 1,
    Consultant Two five minutes later in web form 2."""

    @classmethod
    def _setup_tie_leads(cls):
        person = {
            "contact_name": "Zhao Lei",
            "phone": "+86 139 5555 0001",
            "user_id": False,
            "team_id": cls.team.id,
            "type": "opportunity",
        }
        cls.web_1 = cls.env["crm.lead"].create({"name": "Web form 1", **person})
        cls.web_2 = cls.env["crm.lead"].create({"name": "Web form 2", **person})

    def _tie(self, first, second):
        with freeze_time("2026-03-02 10:00") as frozen:
            self._log(self.web_1, "reached", user=first, note="First call")
            frozen.tick(timedelta(minutes=5))
            self._log(self.web_2, "reached", user=second, note="Second call")
        return self.web_2.dispute_ids

    def assertToldBothSides(self, record, text):
        """Both consultants were notified of the decision posted on `record`."""
        sides = self.user_consultant | self.user_consultant_2
        message = record.message_ids.filtered(
            lambda m: "Dispute decided by" in (m.body or "") and text in m.body
        )[:1]
        self.assertTrue(message, f"no decision on {record.display_name}")
        self.assertEqual(message.partner_ids, sides.partner_id)
        self.assertEqual(message.notification_ids.res_partner_id, sides.partner_id)
        return message


@tagged("post_install", "-at_install")
class TestDisputeDecide(DisputeDecideMixin, TrainingCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_tie_leads()

    def setUp(self):
        super().setUp()
        self.dispute = self._tie(self.user_consultant, self.user_consultant_2)
        self.assertEqual(self.dispute.origin, "tie")

    def _open_wizard(self, user=None):
        dispute = self.dispute.with_user(user or self.user_supervisor)
        action = dispute.action_open_decide()
        self.assertEqual(action["res_model"], "training.crm.dispute.decide")
        return Form(
            self.env[action["res_model"]]
            .with_user(dispute.env.user)
            .with_context(**action["context"])
        )

    def _side(self, user):
        return self.dispute.side_ids.filtered(lambda side: side.user_id == user)

    def test_candidates_shown_with_their_facts(self):
        form = self._open_wizard()
        self.assertEqual(len(form.side_ids), 2)
        self.assertTrue(form.merge_leads, "two open leads of the person: merge by default")
        for side in self.dispute.side_ids.with_user(self.user_supervisor):
            self.assertIn(side.user_id.name, side.display_name)
            self.assertIn(f"information {side.completeness}%", side.display_name)
            self.assertIn("1 follow-ups", side.display_name)

    def test_prefilled_from_the_dispute_form(self):
        self.dispute.with_user(self.user_supervisor).write(
            {"winner_user_id": self.user_consultant.id, "decision_note": "Reached him first"}
        )
        form = self._open_wizard()
        self.assertEqual(form.winner_side_id, self._side(self.user_consultant))
        self.assertEqual(form.decision_note, "Reached him first")

    def test_reason_required(self):
        form = self._open_wizard()
        form.winner_side_id = self._side(self.user_consultant_2)
        form.decision_note = "   "
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Write down why"):
            wizard.action_confirm()
        self.assertEqual(self.dispute.state, "open")
        wizard.winner_side_id = False
        wizard.decision_note = "Booked a trial"
        with self.assertRaisesRegex(UserError, "Choose the winner"):
            wizard.action_confirm()

    def test_merge_keeps_the_winners_lead_and_first_contact(self):
        """The loser's lead is further in the pipeline and more likely to be won:
        stock merge would keep it. The winner's lead survives all the same."""
        self.web_1.write({"stage_id": self.env.ref("crm.stage_lead3").id, "probability": 90})
        self.assertEqual(
            (self.web_1 | self.web_2)._sort_by_confidence_level(reverse=True)[0], self.web_1
        )
        winner_contact = (self.web_2.first_contact_date, self.web_2.first_contact_user_id)
        self.assertEqual(winner_contact[1], self.user_consultant_2)
        followups = (self.web_1 | self.web_2).followup_ids
        form = self._open_wizard()
        form.winner_side_id = self._side(self.user_consultant_2)
        form.decision_note = "Complete profile and a trial class booked"
        with self.mock_mail_gateway():
            form.save().action_confirm()
        self.assertFalse(self.web_1.exists(), "the loser's lead is merged away")
        survivor = self.web_2
        self.assertEqual(survivor.user_id, self.user_consultant_2)
        self.assertEqual(
            (survivor.first_contact_date, survivor.first_contact_user_id), winner_contact
        )
        self.assertEqual(survivor.followup_ids, followups)
        self.assertEqual(survivor.followup_count, 2)
        self.assertEqual(self.dispute.state, "decided")
        self.assertEqual(self.dispute.winner_user_id, self.user_consultant_2)
        self.assertEqual(self.dispute.lead_ids, survivor)
        self.assertEqual(self.dispute.side_ids.lead_id, survivor)
        self.assertEqual(
            self.env["crm.lead"].search([("phone_sanitized", "=", "+8613955550001")]), survivor
        )
        self.assertToldBothSides(survivor, "trial class booked")
        self.assertToldBothSides(self.dispute, "trial class booked")
        self.assertFalse(self.dispute.activity_ids, "the supervisor's to-do is done")

    def test_winner_without_first_contact_on_her_lead(self):
        """Contested from a pool lead the loser reached: the merged lead never
        reads "first contact by the loser, owned by the winner"."""
        winner_side = self._side(self.user_consultant_2)
        winner_side.sudo().lead_id = self.web_1
        form = self._open_wizard()
        form.winner_side_id = winner_side
        form.decision_note = "Her call came first in the shop"
        form.save().action_confirm()
        survivor = self.web_1
        self.assertFalse(self.web_2.exists())
        self.assertEqual(survivor.user_id, self.user_consultant_2)
        self.assertEqual(survivor.first_contact_user_id, self.user_consultant_2)
        second_call = survivor.followup_ids.filtered(lambda f: f.note == "Second call")
        self.assertEqual(survivor.first_contact_date, second_call.date)

    def test_decide_without_merge(self):
        form = self._open_wizard()
        form.winner_side_id = self._side(self.user_consultant)
        form.decision_note = "Reached him first"
        form.merge_leads = False
        form.save().action_confirm()
        self.assertTrue((self.web_1 | self.web_2).exists() == self.web_1 | self.web_2)
        self.assertEqual((self.web_1 | self.web_2).user_id, self.user_consultant)
        self.assertEqual(self.dispute.state, "decided")

    def test_consultant_cannot_decide(self):
        with self.assertRaisesRegex(AccessError, "Only a supervisor"):
            self.dispute.with_user(self.user_consultant).action_open_decide()
        with self.assertRaises(AccessError):
            self.env["training.crm.dispute.decide"].with_user(self.user_consultant).create(
                {"dispute_id": self.dispute.id}
            )
        wizard = (
            self.env["training.crm.dispute.decide"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "dispute_id": self.dispute.id,
                    "winner_side_id": self._side(self.user_consultant).id,
                    "decision_note": "Mine",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_consultant).action_confirm()
        self.assertEqual(self.dispute.state, "open")
        self.assertEqual(len((self.web_1 | self.web_2).exists()), 2)

    def test_supervisor_without_email(self):
        supervisor = new_test_user(
            self.env,
            login="tc_supervisor_no_mail",
            name="Supervisor No Mail",
            email=False,
            groups="training_crm.group_supervisor",
        )
        self.assertFalse(supervisor.email)
        form = self._open_wizard(supervisor)
        form.winner_side_id = self._side(self.user_consultant)
        form.decision_note = "Reached him first"
        with self.mock_mail_gateway():
            form.save().action_confirm()
        self.assertFalse(self.web_2.exists())
        self.assertEqual(self.web_1.user_id, self.user_consultant)
        self.assertEqual(self.web_1.first_contact_user_id, self.user_consultant)
        message = self.assertToldBothSides(self.web_1, "Reached him first")
        self.assertEqual(message.author_id, supervisor.partner_id)

    def test_decided_dispute_cannot_be_decided_again(self):
        form = self._open_wizard()
        form.winner_side_id = self._side(self.user_consultant)
        form.decision_note = "Reached him first"
        form.save().action_confirm()
        wizard = (
            self.env["training.crm.dispute.decide"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "dispute_id": self.dispute.id,
                    "winner_side_id": self._side(self.user_consultant_2).id,
                    "decision_note": "Changed my mind",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "already decided"):
            wizard.action_confirm()
        self.assertEqual(self.dispute.winner_user_id, self.user_consultant)


@tagged("post_install", "-at_install")
class TestDisputeDecideUi(DisputeDecideMixin, JsonRpcMixin):
    """The supervisor decides in the web client, and integrations over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.user_consultant = new_test_user(
            cls.env, login="dd_one", name="Tour Loser", groups="training_crm.group_consultant"
        )
        cls.user_consultant_2 = new_test_user(
            cls.env, login="dd_two", name="Tour Winner", groups="training_crm.group_consultant"
        )
        cls.user_supervisor = new_test_user(
            cls.env,
            login="dd_supervisor",
            password="dd_supervisor_pw",
            name="Tour Supervisor",
            groups="training_crm.group_supervisor",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Tour Campus",
                "user_id": cls.user_supervisor.id,
                "crm_team_member_ids": [
                    (0, 0, {"user_id": user.id})
                    for user in (cls.user_consultant, cls.user_consultant_2)
                ],
            }
        )
        cls._setup_tie_leads()

    def _log(self, lead, outcome, user, **values):
        return (
            self.env["training.crm.followup"]
            .with_user(user)
            .create({"lead_id": lead.id, "outcome": outcome, "channel": "phone", **values})
        )

    def test_decide_tour(self):
        dispute = self._tie(self.user_consultant, self.user_consultant_2)
        self.web_1.write({"stage_id": self.env.ref("crm.stage_lead3").id, "probability": 90})
        self.start_tour(
            f"/odoo/action-training_crm.training_crm_dispute_action/{dispute.id}",
            "training_crm_dispute_decide",
            login="dd_supervisor",
        )
        self.assertEqual(dispute.state, "decided")
        self.assertEqual(dispute.winner_user_id, self.user_consultant_2)
        self.assertEqual(dispute.decision_note, "Trial class booked")
        self.assertFalse(self.web_1.exists())
        self.assertEqual(self.web_2.user_id, self.user_consultant_2)
        self.assertEqual(self.web_2.followup_count, 2)

    def test_action_decide_over_rpc(self):
        """SPEC §8: set winner_user_id and decision_note, call action_decide."""
        dispute = self._tie(self.user_consultant, self.user_consultant_2)
        self.authenticate("dd_supervisor", "dd_supervisor_pw")
        self._call(
            "training.crm.dispute",
            "write",
            [dispute.id],
            {"winner_user_id": self.user_consultant.id, "decision_note": "First to call"},
        )
        self.assertTrue(self._call("training.crm.dispute", "action_decide", [dispute.id]))
        self.assertEqual(dispute.state, "decided")
        self.assertEqual((self.web_1 | self.web_2).user_id, self.user_consultant)
        error = self._call_error("training.crm.dispute", "action_decide", [dispute.id])
        self.assertIn("already decided", error["message"])

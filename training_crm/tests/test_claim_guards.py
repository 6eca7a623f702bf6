from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import TrainingCrmCommon
from .test_followup_rpc import JsonRpcMixin

# 02:00 UTC is 10:00 in Shanghai, where the consultants are.
T0 = datetime(2027, 3, 1, 2, 0)


@tagged("post_install", "-at_install")
class TestClaimGuards(TrainingCrmCommon):
    """The claim guards (领取限制) at their boundaries, with frozen time: the
    previous owner's cool-down and the new-in-pool wait, on claims and first
    contacts; supervisors go through them, and it is logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.user_consultant | cls.user_consultant_2 | cls.user_supervisor).write(
            {"tz": "Asia/Shanghai", "lang": "en_US"}
        )
        cls.ICP = cls.env["ir.config_parameter"]
        cls.grade_c.write({"protection_days": 10, "enrol_days": 0})

    def _set(self, cooldown_days=0, wait_hours=0):
        self.ICP.set_param("training_crm.claim_cooldown_days", str(cooldown_days))
        self.ICP.set_param("training_crm.pool_wait_hours", str(wait_hours))

    def _new_pool_lead(self, name="New pool lead", when=T0):
        with freeze_time(when):
            return self.env["crm.lead"].create(
                {"name": name, "type": "opportunity", "user_id": False, "team_id": self.team.id}
            )

    def _handed_back_lead(self, when=T0, user=None):
        """A lead `user` (the consultant) owned, then handed back at `when`."""
        user = user or self.user_consultant
        with freeze_time(when - timedelta(days=1)):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Handed back lead",
                    "type": "opportunity",
                    "user_id": user.id,
                    "team_id": self.team.id,
                }
            )
        with freeze_time(when):
            wizard = (
                self.env["training.crm.lead.hand.back"]
                .with_user(user)
                .create({"lead_ids": [Command.set(lead.ids)], "reason": "Wrong city"})
            )
            wizard.action_hand_back()
        return lead

    def _claim(self, lead, user, when):
        with freeze_time(when):
            return lead.with_user(user).action_claim()

    # ------------------------------------------------------------
    # Where the lead came from
    # ------------------------------------------------------------

    def test_pool_entry_date_and_previous_owner(self):
        lead = self._new_pool_lead()
        self.assertEqual(lead.pool_entry_date, T0, "created unowned: new to the pool")
        self.assertFalse(lead.pool_previous_user_id)
        self._claim(lead, self.user_consultant, T0 + timedelta(hours=1))
        self.assertFalse(lead.pool_entry_date, "owned: not in the pool")
        t_back = T0 + timedelta(days=1)
        with freeze_time(t_back):
            lead.with_user(self.user_consultant)._hand_back("")
        self.assertEqual(lead.pool_entry_date, t_back)
        self.assertEqual(lead.pool_previous_user_id, self.user_consultant)
        with freeze_time(t_back + timedelta(hours=5)):
            lead.write({"user_id": False})
        self.assertEqual(lead.pool_entry_date, t_back, "released again: the wait does not restart")
        # Reclaimed leads of two owners in one batch: each remembers its own.
        with freeze_time(T0):
            owned = self.env["crm.lead"].create(
                [
                    {
                        "name": f"Owned {user.name}",
                        "type": "opportunity",
                        "user_id": user.id,
                        "team_id": self.team.id,
                        "intent_grade_id": self.grade_c.id,
                    }
                    for user in (self.user_consultant, self.user_consultant_2)
                ]
            )
        with freeze_time(T0 + timedelta(days=10)):
            self.env["crm.lead"]._cron_release_idle_leads()
        self.assertFalse(owned.user_id)
        self.assertEqual(owned.pool_previous_user_id, self.user_consultant | self.user_consultant_2)
        self.assertEqual(owned[0].pool_previous_user_id, self.user_consultant)
        self.assertEqual(set(owned.mapped("pool_entry_date")), {T0 + timedelta(days=10)})

    def test_consultants_cannot_set_the_pool_fields(self):
        lead = self._handed_back_lead()
        with self.assertRaises(AccessError):
            lead.with_user(self.user_consultant).write({"pool_entry_date": T0 - timedelta(days=9)})
        with self.assertRaises(AccessError):
            lead.with_user(self.user_supervisor).write({"pool_previous_user_id": False})

    def test_guards_off_by_default(self):
        """Stock roles and flows never meet a guard unless one is switched on."""
        self.assertEqual(self.env["res.config.settings"].create({}).training_claim_cooldown_days, 0)
        self.assertEqual(self.env["res.config.settings"].create({}).training_pool_wait_hours, 0)
        lead = self._handed_back_lead()
        self.assertFalse(lead.with_user(self.user_consultant).pool_claimable_date)
        self._claim(lead, self.user_consultant, T0)
        self.assertEqual(lead.user_id, self.user_consultant)
        fresh = self._new_pool_lead()
        self._claim(fresh, self.user_consultant_2, T0)
        self.assertEqual(fresh.user_id, self.user_consultant_2)

    def test_settings_cannot_be_negative(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["res.config.settings"].create({"training_pool_wait_hours": -1})

    # ------------------------------------------------------------
    # The previous owner's cool-down (前负责人领取限制)
    # ------------------------------------------------------------

    def test_cooldown_after_hand_back_at_its_boundary(self):
        self._set(cooldown_days=3)
        lead = self._handed_back_lead()
        until = T0 + timedelta(days=3)
        with freeze_time(until - timedelta(seconds=1)):
            self.assertEqual(lead.with_user(self.user_consultant).pool_claimable_date, until)
            self.assertFalse(lead.with_user(self.user_consultant_2).pool_claimable_date)
            with self.assertRaisesRegex(
                UserError,
                r"This lead returned to the pool from you on 3/1/27, 10:00.*: you can take it "
                r"again from 3/4/27, 10:00",
            ):
                lead.with_user(self.user_consultant).action_claim()
        self.assertFalse(lead.user_id)
        self._claim(lead, self.user_consultant, until)
        self.assertEqual(lead.user_id, self.user_consultant, "at the end of the cool-down: taken")

    def test_cooldown_does_not_hold_back_other_consultants(self):
        self._set(cooldown_days=3)
        lead = self._handed_back_lead()
        self._claim(lead, self.user_consultant_2, T0 + timedelta(minutes=1))
        self.assertEqual(lead.user_id, self.user_consultant_2)

    def test_cooldown_after_reclaim_team_over_settings(self):
        """The team's cool-down (2 days) comes before Settings' (5)."""
        self._set(cooldown_days=5)
        self.team.training_claim_cooldown_days = 2
        with freeze_time(T0):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Reclaimed lead",
                    "type": "opportunity",
                    "user_id": self.user_consultant.id,
                    "team_id": self.team.id,
                    "intent_grade_id": self.grade_c.id,
                }
            )
        reclaimed = T0 + timedelta(days=10)
        with freeze_time(reclaimed):
            self.env["crm.lead"]._cron_release_idle_leads()
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.pool_return_reason, "no_followup")
        with self.assertRaisesRegex(UserError, "you can take it again from 3/13/27, 10:00"):
            self._claim(lead, self.user_consultant, reclaimed + timedelta(days=2, seconds=-1))
        self._claim(lead, self.user_consultant, reclaimed + timedelta(days=2, seconds=1))
        self.assertEqual(lead.user_id, self.user_consultant, "after the cool-down: taken")

    def test_first_contact_in_cooldown_is_logged_and_leaves_the_lead_in_the_pool(self):
        """Claimed, never reached, handed back: reaching the person during the
        cool-down records the first contact but does not take the lead."""
        self._set(cooldown_days=3)
        lead = self._handed_back_lead()
        self.assertFalse(lead.first_contact_date)
        with freeze_time(T0 + timedelta(days=1)):
            self._log(lead, "reached", user=self.user_consultant)
        self.assertEqual(lead.first_contact_user_id, self.user_consultant, "the log is evidence")
        self.assertFalse(lead.user_id, "the lead stays in the pool")
        self.assertIn(
            "Consultant Test reached this person, but the lead returned to the pool from them "
            "on 3/1/27, 10:00",
            lead.message_ids.mapped("body")[0],
        )
        self.assertIn("the lead stays in the pool.", lead.message_ids.mapped("body")[0])

    # ------------------------------------------------------------
    # The new-in-pool wait
    # ------------------------------------------------------------

    def test_new_in_pool_wait_at_its_boundary(self):
        self.team.training_pool_wait_hours = 2
        lead = self._new_pool_lead()
        until = T0 + timedelta(hours=2)
        with freeze_time(until - timedelta(seconds=1)):
            self.assertEqual(lead.with_user(self.user_consultant).pool_claimable_date, until)
            self.assertFalse(lead.with_user(self.user_supervisor).pool_claimable_date)
            with self.assertRaisesRegex(
                UserError,
                r"This lead is new to the pool: consultants can take it from 3/1/27, 12:00",
            ):
                lead.with_user(self.user_consultant).action_claim()
        self._claim(lead, self.user_consultant, until)
        self.assertEqual(lead.user_id, self.user_consultant)

    def test_hand_back_starts_a_new_wait(self):
        """A lead back in the pool is new to it again, for everyone."""
        self._set(wait_hours=1)
        lead = self._handed_back_lead()
        with self.assertRaisesRegex(UserError, "new to the pool"):
            self._claim(lead, self.user_consultant_2, T0 + timedelta(minutes=59))
        self._claim(lead, self.user_consultant_2, T0 + timedelta(hours=1, seconds=1))
        self.assertEqual(lead.user_id, self.user_consultant_2)

    def test_the_later_guard_is_the_one_told(self):
        self._set(cooldown_days=1, wait_hours=2)
        lead = self._handed_back_lead()
        with self.assertRaisesRegex(UserError, "you can take it again from 3/2/27, 10:00"):
            self._claim(lead, self.user_consultant, T0 + timedelta(hours=1))
        with self.assertRaisesRegex(UserError, "new to the pool"):
            self._claim(lead, self.user_consultant_2, T0 + timedelta(hours=1))

    def test_first_contact_during_the_wait_is_logged_and_leaves_the_lead_in_the_pool(self):
        self._set(wait_hours=2)
        lead = self._new_pool_lead()
        with freeze_time(T0 + timedelta(hours=1)):
            self._log(lead, "reached", user=self.user_consultant_2)
        self.assertEqual(lead.first_contact_user_id, self.user_consultant_2)
        self.assertFalse(lead.user_id)
        self.assertIn(
            "Consultant Two reached this person, but the lead is new to the pool and consultants "
            "can take it from 3/1/27, 12:00",
            lead.message_ids.mapped("body")[0],
        )
        # Past the wait, the consultant claims it as anyone would.
        self._claim(lead, self.user_consultant_2, T0 + timedelta(hours=2))
        self.assertEqual(lead.user_id, self.user_consultant_2)

    def test_claimable_now_filter(self):
        """The pool list's "Claimable Now" filter finds, in SQL, what each user
        may take: the team's wait (2 h) over Settings', Settings' cool-down."""
        self._set(cooldown_days=3)
        self.team.training_pool_wait_hours = 2
        mine = self._handed_back_lead()
        fresh = self._new_pool_lead(when=T0 - timedelta(hours=3))
        leads = mine | fresh
        claimable = [
            ("user_id", "=", False),
            ("pool_claimable_date", "=", False),
            ("id", "in", leads.ids),
        ]
        held = [("pool_claimable_date", "!=", False), ("id", "in", leads.ids)]
        Lead = self.env["crm.lead"]
        with freeze_time(T0 + timedelta(hours=1)):
            self.assertEqual(Lead.with_user(self.user_consultant_2).search(claimable), fresh)
            self.assertEqual(Lead.with_user(self.user_supervisor).search(claimable), leads)
        with freeze_time(T0 + timedelta(hours=2)):
            self.assertEqual(Lead.with_user(self.user_consultant).search(claimable), fresh)
            self.assertEqual(Lead.with_user(self.user_consultant).search(held), mine)
            self.assertEqual(Lead.with_user(self.user_consultant_2).search(claimable), leads)
        with freeze_time(T0 + timedelta(days=3)):
            self.assertEqual(Lead.with_user(self.user_consultant).search(claimable), leads)
        with self.assertRaisesRegex(UserError, "Search claimable leads with = False"):
            Lead.search([("pool_claimable_date", ">", T0)])

    # ------------------------------------------------------------
    # Supervisors
    # ------------------------------------------------------------

    def test_supervisor_claim_bypasses_the_wait_and_is_logged(self):
        self._set(wait_hours=2)
        lead = self._new_pool_lead()
        self._claim(lead, self.user_supervisor, T0 + timedelta(minutes=5))
        self.assertEqual(lead.user_id, self.user_supervisor)
        bodies = " ".join(lead.message_ids.mapped("body"))
        self.assertIn(
            "Claim guard bypassed by supervisor Supervisor Test: Supervisor Test took this lead "
            "during its new-in-pool wait (consultants could take it from 3/1/27, 12:00",
            bodies,
        )

    def test_supervisor_assignment_bypasses_the_cooldown_and_is_logged(self):
        self._set(cooldown_days=3)
        lead = self._handed_back_lead()
        with freeze_time(T0 + timedelta(hours=3)):
            wizard = (
                self.env["training.crm.lead.reassign"]
                .with_user(self.user_supervisor)
                .create(
                    {
                        "lead_ids": [Command.set(lead.ids)],
                        "user_id": self.user_consultant.id,
                        "reason": "The parent asked for them",
                    }
                )
            )
            wizard.action_reassign()
        self.assertEqual(lead.user_id, self.user_consultant)
        bodies = " ".join(lead.message_ids.mapped("body"))
        self.assertIn(
            "Claim guard bypassed by supervisor Supervisor Test: Consultant Test took this lead "
            "during their cool-down (it returned to the pool from them on 3/1/27, 10:00",
            bodies,
        )

    def test_supervisor_assignment_outside_any_guard_is_not_logged(self):
        self._set(cooldown_days=3)
        lead = self._handed_back_lead()
        lead.with_user(self.user_supervisor).write({"user_id": self.user_consultant_2.id})
        self.assertEqual(lead.user_id, self.user_consultant_2)
        self.assertNotIn("Claim guard bypassed", " ".join(lead.message_ids.mapped("body")))

    def test_supervisor_first_contact_during_the_wait_takes_the_lead_and_is_logged(self):
        self._set(wait_hours=2)
        lead = self._new_pool_lead()
        with freeze_time(T0 + timedelta(minutes=30)):
            self._log(lead, "reached", user=self.user_supervisor)
        self.assertEqual(lead.user_id, self.user_supervisor)
        self.assertIn(
            "Claim guard bypassed by supervisor Supervisor Test",
            " ".join(lead.message_ids.mapped("body")),
        )


@tagged("post_install", "-at_install")
class TestClaimGuardsJsonRpc(JsonRpcMixin):
    """The refusals a consultant's web client gets, over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant = new_test_user(
            cls.env,
            login="guard_li",
            password="guard_li_pw",
            name="Li Guard",
            tz="Asia/Shanghai",
            groups="training_crm.group_consultant",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Guarded Campus",
                "training_claim_cooldown_days": 3,
                "training_pool_wait_hours": 2,
                "crm_team_member_ids": [Command.create({"user_id": cls.consultant.id})],
            }
        )

    def test_claims_in_cooldown_and_new_in_pool_refused(self):
        lead = self.env["crm.lead"].create(
            {"name": "Li's lead", "type": "opportunity", "team_id": self.team.id}
        )
        lead.user_id = self.consultant
        lead.with_user(self.consultant)._hand_back("")
        fresh = self.env["crm.lead"].create(
            {"name": "Fresh lead", "type": "opportunity", "user_id": False, "team_id": self.team.id}
        )
        self.authenticate("guard_li", "guard_li_pw")
        error = self._call_error("crm.lead", "action_claim", [lead.id])
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("This lead returned to the pool from you on", error["message"])
        self.assertIn("you can take it again from", error["message"])
        error = self._call_error("crm.lead", "action_claim", [fresh.id])
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn(
            "This lead is new to the pool: consultants can take it from", error["message"]
        )
        # Reaching the person is logged, and leaves the lead in the pool.
        self._call(
            "training.crm.followup",
            "create",
            {"lead_id": fresh.id, "outcome": "reached", "channel": "phone", "note": "Called"},
        )
        self.assertEqual(fresh.first_contact_user_id, self.consultant)
        self.assertFalse(fresh.user_id)
        self.assertFalse(lead.user_id)

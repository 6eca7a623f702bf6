import threading
import uuid

from psycopg2.errors import SerializationFailure

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestConcurrentClaim(BaseCase):
    """Two consultants claim the same pool lead at the same moment: one owner.

    Real transactions on real cursors, so the fixture is committed and removed
    again at the end (TransactionCase data would be invisible to a second cursor)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            group = env.ref("training_crm.group_consultant")
            cls.user_ids = [
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": f"Racer {n}",
                        "login": f"tc_racer_{n}_{uuid.uuid4().hex[:8]}",
                        "groups_id": [Command.set(group.ids)],
                    }
                )
                .id
                for n in (1, 2)
            ]
            cls.team_id = (
                env["crm.team"]
                .create(
                    {
                        "name": "Race Campus",
                        "crm_team_member_ids": [
                            Command.create({"user_id": uid}) for uid in cls.user_ids
                        ],
                    }
                )
                .id
            )
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["crm.lead"].with_context(active_test=False).search(
                [("team_id", "=", cls.team_id)]
            ).unlink()
            env["crm.team"].browse(cls.team_id).unlink()
            env["res.users"].browse(cls.user_ids).write({"active": False})
            cr.commit()  # pylint: disable=invalid-commit
        super().tearDownClass()

    def _new_pool_lead(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            lead = env["crm.lead"].create(
                {"name": "Race lead", "user_id": False, "team_id": self.team_id}
            )
            cr.commit()  # pylint: disable=invalid-commit
            return lead.id

    def _owner(self, lead_id):
        with self.registry.cursor() as cr:
            cr.execute("SELECT user_id FROM crm_lead WHERE id = %s", [lead_id])
            return cr.fetchone()[0]

    def test_second_claim_is_told_at_once(self):
        lead_id = self._new_pool_lead()
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, self.user_ids[0], {})
            env2 = api.Environment(cr2, self.user_ids[1], {})
            env1["crm.lead"].browse(lead_id).action_claim()  # holds the row lock
            with self.assertRaisesRegex(UserError, "Someone else is taking"):
                env2["crm.lead"].browse(lead_id).action_claim()
            cr2.rollback()
            cr1.commit()  # pylint: disable=invalid-commit
            env2.invalidate_all()
            # Racer 1's lead now: no longer Racer 2's to read, nor to be told whose.
            with self.assertRaisesRegex(UserError, "^This lead is not yours to claim.$"):
                env2["crm.lead"].browse(lead_id).action_claim()
            cr2.rollback()
        self.assertEqual(self._owner(lead_id), self.user_ids[0])

    def test_simultaneous_claims_leave_one_owner(self):
        lead_id = self._new_pool_lead()
        barrier = threading.Barrier(2)
        results = {}

        def claim(uid):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                lead = env["crm.lead"].browse(lead_id)
                cr.execute("SELECT 1")  # take the transaction's snapshot before the race
                barrier.wait(timeout=10)
                try:
                    lead.action_claim()
                    cr.commit()  # pylint: disable=invalid-commit
                    results[uid] = "owner"
                except (UserError, SerializationFailure) as error:
                    cr.rollback()
                    results[uid] = type(error).__name__

        threads = [threading.Thread(target=claim, args=(uid,)) for uid in self.user_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(results.values()).count("owner"), 1, results)
        winner = next(uid for uid, result in results.items() if result == "owner")
        self.assertEqual(self._owner(lead_id), winner)

    def test_double_submitted_follow_up_is_logged_twice(self):
        """The same consultant logs the first contact twice at once (a double
        click, a retried request). Each request has inserted its follow-up
        (whose reference to the lead holds a share lock on it) before taking
        the lead's lock: the second must wait, not be refused; where both
        wait on each other PostgreSQL breaks the tie and Odoo replays the
        loser, as it replays any request that met a concurrent update. Two
        follow-ups, one owner, no error."""
        lead_id = self._new_pool_lead()
        uid = self.user_ids[0]
        outcome = {}

        def log(env):
            return env["training.crm.followup"].create(
                {"lead_id": lead_id, "outcome": "reached", "channel": "phone", "note": "Twice"}
            )

        def first():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                try:
                    outcome["first"] = retrying(lambda: log(env).id, env)
                except Exception as error:
                    outcome["first"] = repr(error)

        with self.registry.cursor() as cr:
            env = api.Environment(cr, uid, {})
            # The second request's follow-up is in: its reference locks the lead for share.
            cr.execute("SELECT id FROM crm_lead WHERE id = %s FOR KEY SHARE", [lead_id])
            one = threading.Thread(target=first)
            one.start()
            one.join(timeout=1)
            self.assertTrue(one.is_alive(), "the first waits for the lead, not refused")
            second = retrying(lambda: log(env).id, env)
        one.join(timeout=30)
        self.assertIsInstance(outcome.get("first"), int, outcome)
        self.assertIsInstance(second, int)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT user_id, first_contact_user_id, "
                "(SELECT count(*) FROM training_crm_followup WHERE lead_id = l.id) "
                "FROM crm_lead l WHERE id = %s",
                [lead_id],
            )
            self.assertEqual(cr.fetchone(), (uid, uid, 2))

    def _new_due_lead(self, uid):
        """An owned lead whose return date has passed, as the reclaim finds it."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            lead = env["crm.lead"].create(
                {"name": "Idle lead", "user_id": uid, "team_id": self.team_id}
            )
            lead.flush_recordset()
            cr.execute(
                "UPDATE crm_lead SET pool_return_date = now() at time zone 'UTC' - interval "
                "'1 day', pool_return_rule = 'no_followup' WHERE id = %s",
                [lead.id],
            )
            cr.commit()  # pylint: disable=invalid-commit
            return lead.id

    def test_reclaim_leaves_a_lead_being_followed_up_to_its_owner(self):
        """The reclaim meets a consultant logging a follow-up on a lead of its
        batch: it neither waits nor fails its batch (which would return none of
        its leads): it returns the others and leaves that one, which the
        follow-up keeps with its owner."""
        uid = self.user_ids[0]
        busy_id, idle_id = self._new_due_lead(uid), self._new_due_lead(uid)
        with self.registry.cursor() as cr_owner, self.registry.cursor() as cr_cron:
            owner_env = api.Environment(cr_owner, uid, {})
            owner_env["training.crm.followup"].create(
                {"lead_id": busy_id, "outcome": "reached", "channel": "phone", "note": "Calling"}
            )
            owner_env.flush_all()  # the follow-up is written, not yet committed
            cron_env = api.Environment(cr_cron, api.SUPERUSER_ID, {})
            cr_cron.execute("SET LOCAL lock_timeout = '2s'")  # a wait would fail, not hang
            batch = cron_env["crm.lead"].browse([busy_id, idle_id])
            batch._lock_due_for_pool()._release_to_pool()
            cron_env.flush_all()
            cr_cron.commit()  # pylint: disable=invalid-commit
            cr_owner.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._owner(busy_id), uid)
        self.assertFalse(self._owner(idle_id))

    def test_reclaim_rereads_the_return_date_it_looked_up_before(self):
        """A follow-up committed between the reclaim's lookup and its batch
        moves the lead's return date: the batch sees it and keeps the lead with
        its owner (no serialization failure either: the batch's snapshot
        begins with its lock)."""
        uid = self.user_ids[0]
        followed_id, idle_id = self._new_due_lead(uid), self._new_due_lead(uid)
        with self.registry.cursor() as cr_cron:
            cron_env = api.Environment(cr_cron, api.SUPERUSER_ID, {})
            due_ids = cron_env["crm.lead"]._get_idle_lead_ids()
            self.assertIn(followed_id, due_ids)
            cr_cron.commit()  # pylint: disable=invalid-commit
            with self.registry.cursor() as cr_owner:
                api.Environment(cr_owner, uid, {})["training.crm.followup"].create(
                    {"lead_id": followed_id, "outcome": "reached", "channel": "phone", "note": "Hi"}
                )
            batch = cron_env["crm.lead"].browse([followed_id, idle_id])
            batch._lock_due_for_pool()._release_to_pool()
            cr_cron.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._owner(followed_id), uid)
        self.assertFalse(self._owner(idle_id))

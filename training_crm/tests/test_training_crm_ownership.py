from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged, users

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestGradeByCode(TrainingCrmCommon):
    def test_set_grade_by_code(self):
        self.lead.intent_grade_code = " s "
        self.assertEqual(self.lead.intent_grade_id, self.grade_s)
        self.assertEqual(self.lead.intent_grade_code, "S")

    def test_unknown_grade_code_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Unknown grade code.*Z"):
            self.lead.intent_grade_code = "Z"
        self.lead.invalidate_recordset()
        self.assertEqual(self.lead.intent_grade_id, self.grade_b, "nothing changed")

    def test_import_with_grade_codes(self):
        """An import of many rows resolves every code with one search."""
        result = (
            self.env["crm.lead"]
            .with_context(import_file=True)
            .load(
                ["name", "intent_grade_code", "team_id/id"],
                [[f"Imported {i}", code, ""] for i, code in enumerate("SABCDSABCD")],
            )
        )
        self.assertFalse(result["messages"])
        leads = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual([lead.intent_grade_id.code for lead in leads], list("SABCDSABCD"))
        self.assertFalse(leads.user_id, "imports arrive in the pool, unowned")


@tagged("post_install", "-at_install")
class TestOwnership(TrainingCrmCommon):
    @users("tc_consultant")
    def test_lead_created_by_consultant_is_theirs(self):
        with Form(self.env["crm.lead"]) as form:
            form.name = "Walk-in: Math 1-on-1"
            form.contact_name = "New Student"
        self.assertEqual(form.record.user_id, self.env.user)

    def test_consultant_cannot_reassign(self):
        lead = self.lead.with_user(self.user_consultant)
        with self.assertRaisesRegex(UserError, "only a supervisor"):
            lead.write({"user_id": self.user_consultant_2.id})
        with self.assertRaises(AccessError):
            self.lead_other.with_user(self.user_consultant).write(
                {"user_id": self.user_consultant.id}
            )
        with self.assertRaisesRegex(UserError, "use Claim"):
            self.lead_pool.with_user(self.user_consultant).write(
                {"user_id": self.user_consultant.id}
            )
        self.assertEqual(self.lead.user_id, self.user_consultant)
        self.assertFalse(self.lead_pool.user_id)
        # Handing one's own lead back to the pool is allowed.
        lead.write({"user_id": False})
        self.assertFalse(self.lead.user_id)

    def test_consultant_cannot_reassign_through_import(self):
        result = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .with_context(import_file=True)
            .load(
                ["id", "user_id/id"],
                [[self._xmlid(self.lead), self._xmlid(self.user_consultant_2)]],
            )
        )
        self.assertEqual(result["messages"][0]["type"], "error")
        self.assertIn("only a supervisor", result["messages"][0]["message"])
        self.assertEqual(self.lead.user_id, self.user_consultant)

    def _xmlid(self, record):
        return (
            record.get_external_id().get(record.id)
            or self.env["ir.model.data"]
            .create(
                {
                    "module": "__test__",
                    "name": f"{record._table}_{record.id}",
                    "model": record._name,
                    "res_id": record.id,
                }
            )
            .complete_name
        )

    def test_supervisor_reassigns_with_reason(self):
        self.flush_tracking()  # close the creation step, as a real request would
        wizard = Form(
            self.env["training.crm.lead.reassign"]
            .with_user(self.user_supervisor)
            .with_context(default_lead_ids=self.lead.ids)
        )
        wizard.user_id = self.user_consultant_2
        wizard.reason = "Wang is on leave for a month"
        wizard.save().action_reassign()
        self.assertEqual(self.lead.user_id, self.user_consultant_2)
        self.flush_tracking()  # the reason rides on the tracking message
        self.lead.invalidate_recordset(["message_ids"])
        self.assertIn("Wang is on leave", self.lead.message_ids[0].body)
        user_field = self.env["ir.model.fields"]._get("crm.lead", "user_id")
        tracked = self.lead.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id == user_field
        )
        self.assertEqual(tracked.mapped("new_value_integer"), [self.user_consultant_2.id])
        with self.assertRaises(AccessError):
            self.env["training.crm.lead.reassign"].with_user(self.user_consultant).create(
                {"lead_ids": self.lead.ids, "reason": "x"}
            ).action_reassign()

    def test_first_contact_is_read_only(self):
        arch = self.env["crm.lead"].get_view(self.env.ref("crm.crm_lead_view_form").id)["arch"]
        self.assertIn('name="first_contact_date"', arch)
        self.assertTrue(self.env["crm.lead"]._fields["first_contact_date"].readonly)
        for vals in (
            {"first_contact_date": fields.Datetime.now()},
            {"first_contact_user_id": self.user_consultant.id},
        ):
            with self.assertRaises(AccessError):
                self.lead.with_user(self.user_consultant).write(vals)
            with self.assertRaises(AccessError):
                self.env["crm.lead"].with_user(self.user_consultant).create({"name": "x", **vals})


@tagged("post_install", "-at_install")
class TestCollisions(TrainingCrmCommon):
    """撞单: the same person typed in again does not change who owns them."""

    def test_phone_formats_collide(self):
        for phone, country in (
            ("+86 138-0013-8000", False),
            ("13800138000", "base.cn"),
            ("0086 138 0013 8000", False),
        ):
            with self.subTest(phone=phone):
                lead = (
                    self.env["crm.lead"]
                    .with_user(self.user_consultant_2)
                    .create(
                        {
                            "name": f"Again {phone}",
                            "phone": phone,
                            "country_id": country and self.env.ref(country).id,
                        }
                    )
                )
                self.assertEqual(lead.phone_sanitized, "+8613800138000")
                self.assertEqual(lead.collision_lead_id, self.lead)
                self.assertEqual(lead.collision_user_id, self.user_consultant)
                self.assertIn("already followed by Consultant Test", lead.message_ids[0].body)
        self.assertEqual(self.lead.user_id, self.user_consultant, "ownership unchanged")

    def test_email_collides_and_pool_copy_cannot_be_claimed(self):
        self.lead.email_from = "Student@Example.COM"
        dup = self.env["crm.lead"].create(
            {
                "name": "Web form",
                "email_from": "student@example.com",
                "user_id": False,
                "team_id": self.team.id,
            }
        )
        self.assertEqual(dup.collision_lead_id, self.lead)
        self.assertFalse(dup.user_id)
        with self.assertRaisesRegex(UserError, "already follows this person"):
            dup.with_user(self.user_consultant_2).action_claim()

    def test_no_collision_with_own_or_closed_leads(self):
        mine = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .create({"name": "Mine again", "phone": "+8613800138000"})
        )
        self.assertFalse(mine.collision_lead_id, "one's own lead is no collision")
        (self.lead | mine).action_set_lost()
        other = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "After lost", "phone": "+8613800138000"})
        )
        self.assertFalse(other.collision_lead_id, "a lost lead owns nobody")

    def test_creator_warned_while_typing(self):
        new = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .new(
                {
                    "name": "Typing",
                    "phone": "+86 138 0013 8000",
                    "user_id": self.user_consultant_2.id,
                }
            )
        )
        warning = new._onchange_training_collision()["warning"]
        self.assertIn("Consultant Test already follows this person", warning["message"])


@tagged("post_install", "-at_install")
class TestTiesAndDisputes(TrainingCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        person = {
            "contact_name": "Zhao Lei",
            "phone": "+86 139 5555 0001",
            "user_id": False,
            "team_id": cls.team.id,
            "type": "opportunity",
        }
        cls.web_1 = cls.env["crm.lead"].create({"name": "Web form 1", **person})
        cls.web_2 = cls.env["crm.lead"].create({"name": "Web form 2", **person})

    def _tie(self, minutes_apart=5):
        with freeze_time("2026-03-02 10:00") as frozen:
            self._log(self.web_1, "reached", user=self.user_consultant)
            frozen.tick(timedelta(minutes=minutes_apart))
            self._log(self.web_2, "reached", user=self.user_consultant_2)

    def test_tie_opens_dispute_for_supervisor(self):
        self._tie()
        dispute = self.web_2.dispute_ids
        self.assertEqual(dispute.state, "open")
        self.assertEqual(dispute.origin, "tie")
        self.assertEqual(dispute.lead_ids, self.web_1 | self.web_2)
        self.assertEqual(dispute.user_ids, self.user_consultant | self.user_consultant_2)
        self.assertTrue(self.web_1.in_dispute and self.web_2.in_dispute)
        self.assertEqual(dispute.activity_ids.user_id, self.user_supervisor)
        sides = dispute.side_ids
        self.assertEqual(sides.mapped("followup_count"), [1, 1])
        self.assertTrue(all(side.completeness for side in sides))
        self.assertEqual(
            self.env["crm.lead"].search(
                [("in_dispute", "=", True), ("team_id", "=", self.team.id)]
            ),
            self.web_1 | self.web_2,
        )

    def test_outside_window_first_contact_wins(self):
        self._tie(minutes_apart=30)
        self.assertFalse(self.web_2.dispute_ids)
        self.assertEqual(self.web_2.user_id, self.user_consultant, "the person's first contact")
        self.assertEqual(self.web_2.collision_lead_id, self.web_1)

    def test_supervisor_decides(self):
        self._tie()
        dispute = self.web_2.dispute_ids
        with self.assertRaisesRegex(UserError, "Only a supervisor"):
            dispute.with_user(self.user_consultant_2).action_decide()
        form = Form(dispute.with_user(self.user_supervisor))
        form.winner_user_id = self.user_consultant_2
        form.decision_note = "Complete profile and a trial class already booked."
        form.save()
        dispute.with_user(self.user_supervisor).action_decide()
        self.assertEqual(dispute.state, "decided")
        self.assertEqual(dispute.decided_by_id, self.user_supervisor)
        self.assertTrue(dispute.decided_date)
        self.assertEqual((self.web_1 | self.web_2).user_id, self.user_consultant_2)
        for lead in self.web_1 | self.web_2:
            note = lead.message_ids[0]
            self.assertIn("trial class already booked", note.body)
            self.assertEqual(
                note.partner_ids, (self.user_consultant | self.user_consultant_2).partner_id
            )
        self.assertFalse(dispute.activity_ids, "the supervisor's to-do is done")
        with self.assertRaisesRegex(UserError, "already decided"):
            dispute.with_user(self.user_supervisor).action_decide()

    def test_decision_needs_winner_and_reason(self):
        self._tie()
        dispute = self.web_2.dispute_ids.with_user(self.user_supervisor)
        with self.assertRaisesRegex(UserError, "Choose the winner"):
            dispute.action_decide()
        dispute.winner_user_id = self.user_consultant
        with self.assertRaisesRegex(UserError, "Write down why"):
            dispute.action_decide()
        self.assertEqual(dispute.state, "open")

    def test_consultant_contests_by_hand(self):
        """Kept apart after a collision, a consultant contests the ownership."""
        self._log(self.web_1, "reached", user=self.user_consultant)
        mine = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "Met at the open day", "phone": "+8613955550001"})
        )
        self.assertEqual(mine.collision_lead_id, self.web_1)
        action = mine.action_open_dispute()
        form = Form(
            self.env["training.crm.dispute"]
            .with_user(self.user_consultant_2)
            .with_context(**action["context"])
        )
        form.reason = "I met the mother at the open day last week."
        dispute = form.save()
        self.assertEqual(dispute.origin, "manual")
        self.assertEqual(dispute.sudo().lead_ids, mine | self.web_1 | self.web_2)
        self.assertEqual(dispute.user_ids, self.user_consultant | self.user_consultant_2)
        self.assertTrue(dispute.sudo().activity_ids, "supervisors are asked to decide")
        self.assertIn(
            dispute, self.env["training.crm.dispute"].with_user(self.user_consultant).search([])
        )
        outsider = new_test_user(self.env, "outsider", groups="training_crm.group_consultant")
        self.assertFalse(self.env["training.crm.dispute"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            dispute.with_user(self.user_auditor).reason = "x"

    def test_merge_keeps_the_log(self):
        self._log(self.web_1, "reached", user=self.user_consultant)
        self._log(self.web_2, "no_answer", user=self.user_supervisor)
        merged = (self.web_1 | self.web_2).with_user(self.user_supervisor).merge_opportunity()
        self.assertEqual(len(merged.followup_ids), 2, "follow-ups of merged leads are kept")


@tagged("post_install", "-at_install")
class TestPool(TrainingCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["crm.team"].create({"name": "Other Campus"})
        cls.other_pool = cls.env["crm.lead"].create(
            {"name": "Other pool lead", "user_id": False, "team_id": cls.other_team.id}
        )

    def test_pool_is_the_team(self):
        visible = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .search([("user_id", "=", False), ("id", "in", (self.lead_pool | self.other_pool).ids)])
        )
        self.assertEqual(visible, self.lead_pool)
        supervisor_sees = (
            self.env["crm.lead"]
            .with_user(self.user_supervisor)
            .search([("id", "in", (self.lead_pool | self.other_pool).ids)])
        )
        self.assertEqual(supervisor_sees, self.lead_pool | self.other_pool)
        # Joining a team opens its pool at once.
        self.env["crm.team.member"].create(
            {"user_id": self.user_consultant.id, "crm_team_id": self.other_team.id}
        )
        self.assertTrue(self.other_pool.with_user(self.user_consultant).has_access("read"))

    @users("tc_consultant")
    def test_claim(self):
        lead = self.lead_pool.with_user(self.env.user)
        lead.action_claim()
        self.assertEqual(lead.user_id, self.env.user)
        self.assertTrue(lead.claim_date)
        self.assertIn("Claimed from the pool", lead.message_ids[0].body)

    def test_claim_refusals(self):
        with self.assertRaisesRegex(UserError, "already belongs to Consultant Two"):
            self.lead_other.with_user(self.user_supervisor).action_claim()
        self.lead_pool.action_set_lost()
        with self.assertRaisesRegex(UserError, "is lost"):
            self.lead_pool.with_user(self.user_consultant).action_claim()
        with self.assertRaises(AccessError):
            self.other_pool.with_user(self.user_consultant).action_claim()
        with self.assertRaises(AccessError):
            self.lead_pool.with_user(self.user_auditor).action_claim()

    def test_daily_claim_limit(self):
        self.env["ir.config_parameter"].set_param("training_crm.claim_daily_limit", "2")
        leads = self.env["crm.lead"].create(
            [{"name": f"Pool {i}", "user_id": False, "team_id": self.team.id} for i in range(3)]
        )
        with freeze_time("2026-03-02 09:00"):
            leads[0].with_user(self.user_consultant).action_claim()
            leads[1].with_user(self.user_consultant).action_claim()
            with self.assertRaisesRegex(UserError, "daily limit"):
                leads[2].with_user(self.user_consultant).action_claim()
            self.assertFalse(leads[2].user_id)
        with freeze_time("2026-03-03 09:00"):
            leads[2].with_user(self.user_consultant).action_claim()
        self.assertEqual(leads[2].user_id, self.user_consultant)


@tagged("post_install", "-at_install")
class TestProtection(TrainingCrmCommon):
    def test_idle_owner_loses_the_lead(self):
        # Assignment dates come from the transaction's clock: days count from now.
        start = fields.Datetime.now()
        with freeze_time(start):
            idle = self.env["crm.lead"].create(
                {
                    "name": "Idle",
                    "user_id": self.user_consultant.id,
                    "team_id": self.team.id,
                    "intent_grade_id": self.grade_s.id,
                }
            )
            followed = self.env["crm.lead"].create(
                {
                    "name": "Followed",
                    "user_id": self.user_consultant.id,
                    "intent_grade_id": self.grade_s.id,
                }
            )
            ungraded = self.env["crm.lead"].create(
                {"name": "Ungraded", "user_id": self.user_consultant.id}
            )
            self.grade_d.protection_days = 0
            never = self.env["crm.lead"].create(
                {
                    "name": "Never",
                    "user_id": self.user_consultant.id,
                    "intent_grade_id": self.grade_d.id,
                }
            )
        with freeze_time(start + timedelta(days=2)):
            self._log(followed, "reached")
        with freeze_time(start + timedelta(days=4)):  # S protects 3 days
            self.env["crm.lead"]._cron_release_idle_leads(batch_size=1)
        self.assertFalse(idle.user_id)
        self.assertIn("Back to the pool", idle.message_ids[0].body)
        self.assertEqual(followed.user_id, self.user_consultant)
        self.assertEqual(ungraded.user_id, self.user_consultant)
        self.assertEqual(never.user_id, self.user_consultant)

    def test_cron_is_scheduled(self):
        cron = self.env.ref("training_crm.ir_cron_release_idle_leads")
        self.assertTrue(cron.active)
        self.assertEqual(cron.code, "model._cron_release_idle_leads()")


@tagged("post_install", "-at_install")
class TestOwnershipViews(TrainingCrmCommon):
    def test_views_offer_claim_filters_and_disputes(self):
        Lead = self.env["crm.lead"].with_user(self.user_consultant)
        form = Lead.get_view(self.env.ref("crm.crm_lead_view_form").id)["arch"]
        self.assertIn('name="action_claim"', form)
        self.assertIn('name="action_open_dispute"', form)
        self.assertNotIn('name="action_reassign"', form, "reassigning is a supervisor's act")
        supervisor_form = (
            self.env["crm.lead"]
            .with_user(self.user_supervisor)
            .get_view(self.env.ref("crm.crm_lead_view_form").id)["arch"]
        )
        self.assertIn('name="action_reassign"', supervisor_form)
        search = Lead.get_view(self.env.ref("crm.view_crm_case_opportunities_filter").id, "search")
        for name in ("pool", "in_dispute", "collision", "group_by_intent_grade"):
            self.assertIn(f'name="{name}"', search["arch"])
        kanban = Lead.get_view(self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban")
        self.assertIn("Pool", kanban["arch"])
        for user in (self.user_consultant, self.user_supervisor, self.user_auditor):
            views = (
                self.env["training.crm.dispute"]
                .with_user(user)
                .get_views([(False, "list"), (False, "form"), (False, "search")])
            )
            self.assertEqual(set(views["views"]), {"list", "form", "search"})
        self.assertIn(
            "side_ids",
            self.env["training.crm.dispute"]
            .with_user(self.user_supervisor)
            .get_view(view_type="form")["arch"],
        )
        self.assertNotIn(
            "side_ids",
            self.env["training.crm.dispute"]
            .with_user(self.user_consultant)
            .get_view(view_type="form")["arch"],
            "a consultant does not read the other side's notes",
        )


@tagged("post_install", "-at_install")
class TestSamePerson(TrainingCrmCommon):
    def test_second_number_is_compared(self):
        """A person's second number (phone beside mobile) identifies them too."""
        self.lead.write({"mobile": "+86 139 8888 0001", "phone": "+86 138 0013 8000"})
        self.assertEqual(self.lead.phone_sanitized, "+8613988880001")
        self.assertEqual(self.lead.phone_other_sanitized, "+8613800138000")
        typed_again = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "Typed again", "mobile": "13800138000"})
        )
        self.assertEqual(typed_again.collision_lead_id, self.lead)
        self.assertEqual(
            self.lead._get_person_leads_by_lead()[self.lead], typed_again, "the same person"
        )

    def test_email_lookup_has_an_equality_index(self):
        """crm's trigram index alone makes the same-person lookup walk every
        address sharing "com"; a btree index answers it."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'crm_lead' "
            "AND indexname = 'crm_lead_email_normalized_btree_index'"
        )
        (indexdef,) = self.env.cr.fetchone()
        self.assertIn("btree (email_normalized)", indexdef)
        self.assertIn("WHERE (email_normalized IS NOT NULL)", indexdef)


@tagged("post_install", "-at_install")
class TestReleaseCron(TrainingCrmCommon):
    def test_cron_reports_progress_in_batches(self):
        """The runner calls again while leads remain: each call says how many."""
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Idle {i}",
                    "user_id": self.user_consultant.id,
                    "team_id": self.team.id,
                    "intent_grade_id": self.grade_s.id,
                }
                for i in range(25)
            ]
        )
        cron = self.env.ref("training_crm.ir_cron_release_idle_leads")
        with freeze_time(fields.Datetime.now() + timedelta(days=10)):
            idle = self.env["crm.lead"]._get_idle_lead_ids()
            self.assertLessEqual(set(leads.ids), set(idle))
            cron, progress = cron._add_progress()
            self.env["crm.lead"].with_context(**cron.env.context)._cron_release_idle_leads(
                batch_size=2
            )
            # 10 batches of 2 a call; the rest is for the next calls.
            self.assertEqual((progress.done, progress.remaining), (20, len(idle) - 20))
            for _call in range(len(idle) // 20 + 1):
                cron, progress = cron._add_progress()
                self.env["crm.lead"].with_context(**cron.env.context)._cron_release_idle_leads(
                    batch_size=2
                )
                if not progress.remaining:
                    break
            self.assertEqual(progress.remaining, 0)
        self.assertFalse(leads.user_id)
        self.flush_tracking()
        leads.invalidate_recordset(["message_ids"])
        released = leads[0].message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("training_crm.mt_lead_released")
        )
        self.assertEqual(len(released), 1, "one message per release")
        user_field = self.env["ir.model.fields"]._get("crm.lead", "user_id")
        self.assertFalse(
            leads[0].message_ids.tracking_value_ids.filtered(lambda t: t.field_id == user_field),
            "the release message says it: no tracking message on top",
        )


@tagged("post_install", "-at_install")
class TestRightsFlags(TrainingCrmCommon):
    def test_buttons_follow_the_rights_guards(self):
        """The views show an act's button exactly when its rights guard lets it through."""
        as_consultant = self.env["crm.lead"].with_user(self.user_consultant)
        self.assertTrue(as_consultant.browse(self.lead_pool.id).can_claim)
        self.assertFalse(as_consultant.browse(self.lead.id).can_claim, "already owned")
        self.assertFalse(as_consultant.browse(self.lead.id).can_reassign)
        with self.assertRaises(AccessError):
            as_consultant.browse(self.lead.id).action_reassign()
        as_supervisor = self.env["crm.lead"].with_user(self.user_supervisor)
        self.assertTrue(as_supervisor.browse(self.lead.id).can_reassign)
        self.assertEqual(as_supervisor.browse(self.lead.id).action_reassign()["target"], "new")
        self.assertFalse(
            self.env["crm.lead"].with_user(self.user_auditor).browse(self.lead_pool.id).can_claim
        )
        dispute = self.env["training.crm.dispute"].create(
            {"lead_id": self.lead.id, "reason": "Contested"}
        )
        self.assertFalse(dispute.with_user(self.user_consultant).can_decide)
        self.assertTrue(dispute.with_user(self.user_supervisor).can_decide)


@tagged("post_install", "-at_install")
class TestStaffWithoutEmail(TrainingCrmCommon):
    """Schools run on WeChat and phones: every act works for staff without an e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.user_consultant, cls.user_consultant_2, cls.user_supervisor):
            user.partner_id.email = False

    def test_acts_without_email(self):
        self._log(self.lead_pool, "reached", user=self.user_consultant)
        self.assertEqual(self.lead_pool.user_id, self.user_consultant)
        pool = self.env["crm.lead"].create(
            {"name": "Another pool lead", "user_id": False, "team_id": self.team.id}
        )
        pool.with_user(self.user_consultant_2).action_claim()
        self.assertEqual(pool.user_id, self.user_consultant_2)
        wizard = (
            self.env["training.crm.lead.reassign"]
            .with_user(self.user_supervisor)
            .create({"lead_ids": pool.ids, "user_id": self.user_consultant.id, "reason": "Leave"})
        )
        wizard.action_reassign()
        self.flush_tracking()
        self.assertEqual(pool.user_id, self.user_consultant)
        dispute = (
            self.env["training.crm.dispute"]
            .with_user(self.user_consultant_2)
            .create({"lead_id": self.lead_other.id, "reason": "I met them first"})
        )
        dispute.with_user(self.user_supervisor).write(
            {"winner_user_id": self.user_consultant_2.id, "decision_note": "Met first"}
        )
        dispute.with_user(self.user_supervisor).action_decide()
        self.assertEqual(dispute.state, "decided")
        for days_ago in (2, 1, 0):  # three days: calls on one day are one attempt
            self._log(
                self.lead,
                "no_answer",
                user=self.user_consultant,
                date=fields.Datetime.now() - timedelta(days=days_ago),
            )
        self.assertFalse(self.lead.active, "invalidated, and everyone told, without e-mail")
        self.flush_tracking()

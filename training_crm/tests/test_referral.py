from ast import literal_eval
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .test_training_enrollment import TrainingEnrollmentCommon


@tagged("post_install", "-at_install")
class TestReferral(TrainingEnrollmentCommon):
    """Referrals (转介绍): a lead records who referred it; the referred person's
    enrolment makes the referrer's reward due, which is given once or expires."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.training_class.seats = 10
        cls.referrer = cls.env["res.partner"].create({"name": "Former Student Li"})
        cls.lead.referred_by_id = cls.referrer
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("training_crm.referral_reward_kind", "gift")
        params.set_param("training_crm.referral_reward_value", "300")
        params.set_param("training_crm.referral_reward_description", "LEGO set")
        params.set_param("training_crm.referral_validity_days", "30")

    def _confirm(self, lead, qty=1):
        order = self._order((self.course, self.training_class, qty), lead=lead)
        order.action_confirm()
        return order

    def _rewards(self, lead=None):
        return self.env["training.referral.reward"].search(
            [("lead_id", "=", (lead or self.lead).id)]
        )

    # ------------------------------------------------------------
    # The lead
    # ------------------------------------------------------------

    def test_referrer_sets_the_referral_source_and_is_searchable(self):
        self.assertEqual(self.lead.source_id, self.env.ref("training_crm.utm_source_referral"))
        douyin = self.env.ref("training_crm.utm_source_douyin")
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .create(
                {
                    "name": "Piano for Xiaoming",
                    "type": "opportunity",
                    "user_id": self.user_consultant.id,
                    "referred_by_id": self.referrer.id,
                    "source_id": douyin.id,
                }
            )
        )
        self.assertEqual(lead.source_id, douyin, "a source given is kept")
        with Form(self.env["crm.lead"].with_user(self.user_consultant)) as form:
            form.name = "Dance for Lulu"
            form.referred_by_id = self.referrer
            self.assertEqual(form.source_id, self.env.ref("training_crm.utm_source_referral"))
        found = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .search([("referred_by_id", "=", self.referrer.id)])
        )
        self.assertEqual(set(found.mapped("name")), {self.lead.name, lead.name, "Dance for Lulu"})
        self.assertNotIn(self.lead_other, found)

    def test_customer_is_not_their_own_referrer(self):
        with self.assertRaises(ValidationError):
            self.lead.referred_by_id = self.customer

    # ------------------------------------------------------------
    # From lead to enrolment: the reward becomes due
    # ------------------------------------------------------------

    @freeze_time("2026-05-04 03:00:00")
    def test_enrolment_makes_one_reward_due(self):
        self._confirm(self.lead, qty=2)
        reward = self._rewards()
        self.assertEqual(len(reward), 1, "two students of one order: one reward")
        enrollments = self.lead.training_enrollment_ids
        self.assertEqual(len(enrollments), 2)
        self.assertRecordValues(
            reward,
            [
                {
                    "referrer_id": self.referrer.id,
                    "enrollment_id": enrollments.sorted("id")[0].id,
                    "user_id": self.user_consultant.id,
                    "kind": "gift",
                    "value": 300.0,
                    "description": "LEGO set",
                    "state": "due",
                    "date_due": date(2026, 5, 4),
                    "date_expiry": date(2026, 6, 3),
                    "given_by_id": False,
                }
            ],
        )
        self.assertEqual(reward.currency_id, self.env.company.currency_id)
        action = self.lead.with_user(self.user_consultant).action_view_training_referral_rewards()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), reward)
        # A second enrolment of the same lead (a renewal, another subject): none more.
        self._confirm(self.lead)
        self.assertEqual(len(self.lead.training_enrollment_ids), 3)
        self.assertEqual(self._rewards(), reward)

    def test_no_reward_without_referrer(self):
        self.lead.referred_by_id = False
        before = self.env["training.referral.reward"].search_count([])
        self._confirm(self.lead)
        self.assertTrue(self.lead.training_enrollment_ids)
        self.assertEqual(self.env["training.referral.reward"].search_count([]), before)

    def test_direct_enrolment_on_the_lead_makes_it_due(self):
        """A supervisor entering an enrolment of the referred lead directly."""
        self._enroll(lead_id=self.lead.id, user_id=self.user_consultant.id)
        self.assertEqual(self._rewards().state, "due")
        self._enroll(partner_id=self.child_2.id, lead_id=self.lead.id)
        self.assertEqual(len(self._rewards()), 1)

    def test_validity_zero_never_expires(self):
        self.env["ir.config_parameter"].sudo().set_param("training_crm.referral_validity_days", "0")
        self._confirm(self.lead)
        self.assertFalse(self._rewards().date_expiry)

    def test_settings_write_the_parameters(self):
        settings = self.env["res.config.settings"].create(
            {
                "training_referral_reward_kind": "voucher",
                "training_referral_reward_value": 500,
                "training_referral_validity_days": 60,
            }
        )
        settings.execute()
        kind, value, _description, validity = self.env[
            "training.referral.reward"
        ]._get_reward_settings()
        self.assertEqual((kind, value, validity), ("voucher", 500.0, 60))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"training_referral_reward_value": -1})
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"training_referral_validity_days": -1})

    # ------------------------------------------------------------
    # Giving and expiring
    # ------------------------------------------------------------

    def test_mark_given_once(self):
        self._confirm(self.lead)
        reward = self._rewards()
        with freeze_time("2026-05-06 08:00:00"):
            reward.with_user(self.user_consultant).action_mark_given()
        self.assertRecordValues(
            reward,
            [
                {
                    "state": "given",
                    "given_by_id": self.user_consultant.id,
                    "date_given": fields.Datetime.to_datetime("2026-05-06 08:00:00"),
                }
            ],
        )
        # Given twice: a clear error, and nothing written.
        with self.assertRaisesRegex(UserError, "already given by Consultant Test"):
            reward.with_user(self.user_supervisor).action_mark_given()
        self.assertEqual(reward.given_by_id, self.user_consultant)
        self.assertEqual(reward.date_given, fields.Datetime.to_datetime("2026-05-06 08:00:00"))
        # Nor through a plain write.
        with self.assertRaises(UserError):
            reward.with_user(self.user_supervisor).write({"state": "due"})
        self.assertEqual(reward.state, "given")

    def test_who_may_give(self):
        self._confirm(self.lead)
        reward = self._rewards()
        for user in (self.user_consultant_2, self.user_auditor):
            with self.assertRaises(AccessError):
                reward.with_user(user).action_mark_given()
        self.assertEqual(reward.state, "due")
        reward.with_user(self.user_supervisor).action_mark_given()
        self.assertEqual(reward.given_by_id, self.user_supervisor)

    def test_expiry(self):
        with freeze_time("2026-05-04 03:00:00"):
            self._confirm(self.lead)
        reward = self._rewards()
        Reward = self.env["training.referral.reward"]
        with freeze_time("2026-06-03 10:00:00"):
            Reward._cron_expire()
            self.assertEqual(reward.state, "due", "still valid on its last day")
        with freeze_time("2026-06-04 10:00:00"):
            with self.assertRaisesRegex(UserError, "expired"):
                reward.with_user(self.user_consultant).action_mark_given()
            self.assertEqual(reward.state, "due", "refused, nothing written")
            Reward._cron_expire()
        self.assertEqual(reward.state, "expired")
        self.assertFalse(reward.given_by_id)
        with self.assertRaisesRegex(UserError, "expired"):
            reward.with_user(self.user_supervisor).action_mark_given()

    def test_expiry_cron_does_not_touch_given_rewards(self):
        self._confirm(self.lead)
        reward = self._rewards()
        reward.action_mark_given()
        with freeze_time(date.today() + timedelta(days=400)):
            self.env["training.referral.reward"]._cron_expire()
        self.assertEqual(reward.state, "given")

    # ------------------------------------------------------------
    # Counts, and what each role sees of them
    # ------------------------------------------------------------

    def test_counts_per_contact_and_consultant(self):
        self.lead_other.referred_by_id = self.referrer
        self.lead_pool.referred_by_id = self.referrer
        self._confirm(self.lead)
        referrer = self.referrer.with_user(self.user_supervisor)
        self.assertEqual(referrer.training_referral_count, 3)
        self.assertEqual(len(referrer.training_referral_reward_ids), 1)
        # The consultant: their lead and the team's pool, not a colleague's.
        mine = self.referrer.with_user(self.user_consultant)
        self.assertEqual(mine.training_referral_count, 2)
        self.assertEqual(mine.training_referral_reward_ids, self._rewards())
        theirs = self.referrer.with_user(self.user_consultant_2)
        self.assertEqual(theirs.training_referral_count, 2)
        self.assertFalse(theirs.training_referral_reward_ids, "not the colleague's reward")
        action = mine.action_view_training_referrals()
        leads = self.env["crm.lead"].with_user(self.user_consultant).search(action["domain"])
        self.assertEqual(leads, self.lead | self.lead_pool)
        # Per consultant: the Referrals report groups the leads with a referrer.
        report = self.env.ref("training_crm.crm_lead_action_referrals")
        domain = literal_eval(report.domain)
        groups = dict(
            self.env["crm.lead"]
            .with_user(self.user_supervisor)
            ._read_group(domain, ["user_id"], ["__count"])
        )
        self.assertEqual(groups[self.user_consultant], 1)
        self.assertEqual(groups[self.user_consultant_2], 1)
        self.assertEqual(groups[self.env["res.users"]], 1, "the pool's")

    def test_referrer_visible_to_readers_of_the_referred_lead_only(self):
        """A contact who is a referrer only: the consultants whose leads they
        referred see them, a consultant of other leads does not."""
        Partner = self.env["res.partner"]
        self.assertTrue(
            Partner.with_user(self.user_consultant).search([("id", "=", self.referrer.id)])
        )
        self.assertFalse(
            Partner.with_user(self.user_consultant_2).search([("id", "=", self.referrer.id)])
        )
        # Nor can a consultant name an unreadable contact as referrer to read it.
        hidden = Partner.create({"name": "Someone Else's Customer"})
        self.lead_other.partner_id = hidden
        with self.assertRaises(AccessError):
            self.lead.with_user(self.user_consultant).referred_by_id = hidden
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_consultant).create(
                {"name": "Sneaky", "user_id": self.user_consultant.id, "referred_by_id": hidden.id}
            )

    def test_merge_keeps_the_reward(self):
        self._confirm(self.lead)
        reward = self._rewards()
        master = self.env["crm.lead"].create(
            {
                "name": "Same family",
                "type": "opportunity",
                "user_id": self.user_consultant.id,
                "partner_id": self.customer.id,
                "probability": 100,
            }
        )
        merged = (master | self.lead).merge_opportunity(user_id=self.user_consultant.id)
        self.assertIn(reward.lead_id, merged)
        self.assertEqual(merged.referred_by_id, self.referrer)

    def test_rewards_made_due_in_constant_queries(self):
        """Enrolments come in batches (an order's lines, a day's orders): the
        rewards of two referred leads or of five cost the same queries."""
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Referred {index}",
                    "type": "opportunity",
                    "user_id": self.user_consultant.id,
                }
                for index in range(8)
            ]
        )
        enrollments = self.env["training.enrollment"].browse(
            [self._enroll(lead_id=lead.id).id for lead in leads]
        )
        self.assertFalse(
            self.env["training.referral.reward"].search([("lead_id", "in", leads.ids)])
        )
        leads.referred_by_id = self.referrer
        Reward = self.env["training.referral.reward"]

        def cost(batch):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Reward._make_due_for_enrollments(batch)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        cost(enrollments[:1])  # the first loads the settings and the model's caches
        self.assertEqual(cost(enrollments[1:3]), cost(enrollments[3:]))
        self.assertEqual(len(Reward.search([("lead_id", "in", leads.ids)])), 8)

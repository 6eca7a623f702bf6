from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user
from odoo.tools.translate import get_translation

from .common import TrainingCrmCommon


class TestStaffWithoutEmailNotices(TrainingCrmCommon):
    """Every act of the addon works for staff without an e-mail address, and
    the people it concerns hear of it: in their Odoo inbox when they have no
    address either, by e-mail from the company's address when they want e-mails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "campus@example.com"
        for user in (cls.user_consultant, cls.user_consultant_2, cls.user_supervisor):
            user.partner_id.email = False
        # Preferences as users leave them: inbox for one, e-mail (by default) for the others.
        cls.user_consultant.notification_type = "inbox"
        cls.user_consultant_2.notification_type = "email"
        cls.user_supervisor.notification_type = "email"
        cls.user_mail = new_test_user(
            cls.env,
            login="tc_consultant_mail",
            name="Consultant Mail",
            email="consultant.mail@example.com",
            notification_type="email",
            groups="training_crm.group_consultant",
        )
        cls.team.crm_team_member_ids = [(0, 0, {"user_id": cls.user_mail.id})]
        cls.no_email_partners = (
            cls.user_consultant | cls.user_consultant_2 | cls.user_supervisor
        ).partner_id

    def setUp(self):
        super().setUp()
        self.env["mail.notification"].flush_model()
        self.last_notification_id = (
            self.env["mail.notification"].sudo().search([], order="id desc", limit=1).id
        )

    def assertInboxNotified(self, user, body=None):
        """`user` got an unread notification in their Odoo inbox since the test began."""
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("id", ">", self.last_notification_id),
                    ("res_partner_id", "=", user.partner_id.id),
                    ("notification_type", "=", "inbox"),
                    ("is_read", "=", False),
                ]
            )
        )
        if body:
            notifications = notifications.filtered(lambda n: body in n.mail_message_id.body)
        self.assertTrue(notifications, f"{user.name} has nothing new in their inbox")
        return notifications.mail_message_id

    def assertNoEmailFailure(self):
        """Nobody without an address got an e-mail notification doomed to fail."""
        failed = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("id", ">", self.last_notification_id),
                    ("res_partner_id", "in", self.no_email_partners.ids),
                    ("notification_type", "=", "email"),
                ]
            )
        )
        self.assertFalse(failed, "e-mail notifications for staff without an address")

    def assertMailedFromCompany(self, author, recipient):
        """`recipient` got an e-mail written by `author`, sent from the company's address."""
        mails = self._new_mails.filtered(lambda mail: recipient.partner_id in mail.recipient_ids)
        self.assertTrue(mails, f"no e-mail to {recipient.name}")
        self.assertEqual(set(mails.mapped("email_from")), {f'"{author.name}" <campus@example.com>'})
        self.assertEqual(mails.mail_message_id.author_id, author.partner_id)

    def test_reassign_wizard(self):
        lead = self.lead_other
        with self.mock_mail_gateway():
            wizard = (
                self.env["training.crm.lead.reassign"]
                .with_user(self.user_supervisor)
                .create(
                    {"lead_ids": lead.ids, "user_id": self.user_consultant.id, "reason": "Leave"}
                )
            )
            wizard.action_reassign()
            self.flush_tracking()
            wizard = (
                self.env["training.crm.lead.reassign"]
                .with_user(self.user_supervisor)
                .create({"lead_ids": lead.ids, "user_id": self.user_mail.id, "reason": "Back"})
            )
            wizard.action_reassign()
            self.flush_tracking()
        self.assertEqual(lead.user_id, self.user_mail)
        message = self.assertInboxNotified(self.user_consultant, "You have been assigned")
        self.assertEqual(message.author_id, self.user_supervisor.partner_id)
        self.assertMailedFromCompany(self.user_supervisor, self.user_mail)

    def test_reassign_by_writing_the_salesperson(self):
        """Odoo's assignment notice in the supervisor's name once failed for want of an address."""
        with self.mock_mail_gateway():
            self.lead.with_user(self.user_supervisor).user_id = self.user_consultant_2
            self.lead_other.with_user(self.user_supervisor).user_id = self.user_mail
        self.assertEqual(self.lead.user_id, self.user_consultant_2)
        message = self.assertInboxNotified(self.user_consultant_2, "You have been assigned")
        self.assertEqual(message.author_id, self.user_supervisor.partner_id)
        self.assertMailedFromCompany(self.user_supervisor, self.user_mail)
        self.assertNoEmailFailure()

    def test_claim(self):
        self.lead_pool.with_user(self.user_consultant_2).action_claim()
        self.assertEqual(self.lead_pool.user_id, self.user_consultant_2)
        note = self.lead_pool.message_ids[0]
        self.assertIn("Claimed from the pool", note.body)
        self.assertEqual(note.author_id, self.user_consultant_2.partner_id)

    def test_first_contact_of_a_person_already_followed(self):
        """The owner hears that a colleague reached their person, and of the
        follow-up planned for them."""
        pool = self.env["crm.lead"].create(
            {
                "name": "Web form",
                "phone": self.lead.phone,
                "user_id": False,
                "team_id": self.team.id,
            }
        )
        with self.mock_mail_gateway():
            self._log(pool, "reached", user=self.user_consultant_2)
        self.assertEqual(pool.user_id, self.user_consultant)
        message = self.assertInboxNotified(self.user_consultant, "already followed by")
        self.assertEqual(message.author_id, self.user_consultant_2.partner_id)
        activity = pool.activity_ids
        self.assertEqual(activity.user_id, self.user_consultant)
        self.assertInboxNotified(self.user_consultant, activity.summary)
        self.assertNoEmailFailure()

    def test_first_contact_logged_by_a_supervisor(self):
        """A supervisor entering consultants' calls: the leads and their next
        follow-ups go to the consultants, who hear of both."""
        pool_2 = self.lead_pool.copy({"phone": "+86 139 7777 0002"})
        Followup = self.env["training.crm.followup"].with_user(self.user_supervisor)
        with self.mock_mail_gateway():
            for lead, user in ((self.lead_pool, self.user_consultant_2), (pool_2, self.user_mail)):
                Followup.create(
                    {"lead_id": lead.id, "user_id": user.id, "outcome": "reached", "note": "Hi"}
                )
        self.assertEqual(self.lead_pool.user_id, self.user_consultant_2)
        self.assertEqual(pool_2.user_id, self.user_mail)
        message = self.assertInboxNotified(self.user_consultant_2, "You have been assigned")
        self.assertEqual(message.author_id, self.user_supervisor.partner_id)
        self.assertInboxNotified(self.user_consultant_2, self.lead_pool.activity_ids.summary)
        self.assertMailedFromCompany(self.user_supervisor, self.user_mail)
        self.assertNoEmailFailure()

    def test_dispute_opened_by_hand(self):
        with self.mock_mail_gateway():
            dispute = (
                self.env["training.crm.dispute"]
                .with_user(self.user_consultant_2)
                # Contested from their own lead: another's is not theirs to open.
                .create({"lead_id": self.lead_other.id, "reason": "I met them first"})
            )
        self.assertEqual(dispute.activity_ids.user_id, self.user_supervisor)
        self.assertInboxNotified(self.user_supervisor, "Decide who owns this person")
        self.assertNoEmailFailure()

    def test_tie_dispute_and_decision(self):
        person = {"phone": "+86 139 5555 0001", "user_id": False, "team_id": self.team.id}
        web_1 = self.env["crm.lead"].create({"name": "Web form 1", **person})
        web_2 = self.env["crm.lead"].create({"name": "Web form 2", **person})
        with self.mock_mail_gateway():
            with freeze_time(fields.Datetime.now()) as frozen:
                self._log(web_1, "reached", user=self.user_consultant)
                frozen.tick(timedelta(minutes=2))
                self._log(web_2, "reached", user=self.user_mail)
            dispute = web_2.dispute_ids
            self.assertEqual(dispute.origin, "tie")
            self.assertInboxNotified(self.user_supervisor, "Decide who owns this person")
            dispute.with_user(self.user_supervisor).write(
                {"winner_user_id": self.user_consultant.id, "decision_note": "Booked a trial"}
            )
            dispute.with_user(self.user_supervisor).action_decide()
        self.assertEqual(dispute.state, "decided")
        self.assertEqual((web_1 | web_2).user_id, self.user_consultant)
        message = self.assertInboxNotified(self.user_consultant, "Booked a trial")
        self.assertEqual(message.author_id, self.user_supervisor.partner_id)
        self.assertMailedFromCompany(self.user_supervisor, self.user_mail)
        self.assertNoEmailFailure()

    def test_invalidation_notice(self):
        """A supervisor logs the third failed day's call: the owner and the supervisor are told."""
        now = fields.Datetime.now()
        for days_ago in (2, 1):
            self._log(
                self.lead,
                "no_answer",
                user=self.user_consultant,
                date=now - timedelta(days=days_ago),
            )
        with self.mock_mail_gateway():
            self._log(self.lead, "no_answer", user=self.user_supervisor)
        self.assertFalse(self.lead.active)
        message = self.assertInboxNotified(self.user_consultant, "invalid customer")
        self.assertEqual(message.author_id, self.user_supervisor.partner_id)
        self.assertNoEmailFailure()

    def test_release_to_pool(self):
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            self.env["crm.lead"]._cron_release_idle_leads()
        self.assertFalse(self.lead.user_id)
        self.assertIn("Back to the pool", self.lead.message_ids[0].body)

    def test_collision_note(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "Walk-in", "phone": self.lead.phone, "team_id": self.team.id})
        )
        self.assertEqual(lead.collision_lead_id, self.lead)
        note = lead.message_ids.filtered(lambda message: "撞单" in message.body)
        self.assertEqual(note.author_id, self.user_consultant_2.partner_id)


class TestGeneratedTextLanguage(TrainingCrmCommon):
    """What the system writes is in the language of the people it is meant
    for (the company's when they differ, or for everyone), never in that of
    whoever happened to act."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["training_crm"], ["zh_CN"])
        cls.env.company.partner_id.lang = "zh_CN"
        cls.user_consultant.lang = "zh_CN"
        for user in (cls.user_consultant_2, cls.user_supervisor, cls.user_manager):
            user.lang = "en_US"

    def test_claim_note_in_the_new_owner_language(self):
        other = self.lead_pool.copy({"phone": "+86 139 7777 0003"})
        self.lead_pool.with_user(self.user_consultant).action_claim()
        self.assertIn("从公海认领", self.lead_pool.message_ids[0].body)
        other.with_user(self.user_consultant_2).action_claim()
        self.assertIn("Claimed from the pool by", other.message_ids[0].body)

    def test_release_note_in_each_owner_language(self):
        self.lead_other.intent_grade_id = self.grade_b
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            self.env["crm.lead"].with_user(self.user_manager)._cron_release_idle_leads()
        self.assertFalse((self.lead | self.lead_other).user_id)
        self.assertIn("退回公海", self.lead.message_ids[0].body)
        self.assertIn("Back to the pool", self.lead_other.message_ids[0].body)

    def test_release_looks_translations_up_once_a_language(self):
        """The protection cron releases tens of thousands of leads: one
        translation lookup per language of a batch, not one per lead."""
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Idle {i}", "user_id": user.id, "intent_grade_id": self.grade_b.id}
                for i in range(4)
                for user in (self.user_consultant, self.user_consultant_2)
            ]
        )
        with patch("odoo.api.get_translation", side_effect=get_translation) as lookups:
            leads._release_to_pool()
        self.assertEqual(lookups.call_count, 2)
        self.assertEqual(len(leads.message_ids.filtered(lambda m: "退回公海" in m.body)), 4)

    def test_collision_note_in_the_owner_language(self):
        """An English supervisor enters leads for consultants: each lead's
        owner is told in their own language who already follows the person."""
        self.lead_other.phone = "+86 139 7777 0004"
        Lead = self.env["crm.lead"].with_user(self.user_supervisor)
        for owner, person_lead, text in (
            (self.user_consultant_2, self.lead, "This person is already followed by"),
            (self.user_consultant, self.lead_other, "此人已由"),
        ):
            lead = Lead.create(
                {
                    "name": "Walk-in",
                    "phone": person_lead.phone,
                    "team_id": self.team.id,
                    "user_id": owner.id,
                }
            )
            self.assertEqual(lead.collision_lead_id, person_lead)
            self.assertTrue(lead.message_ids.filtered(lambda m, t=text: t in m.body))

    def test_follow_up_activity_in_the_owner_language(self):
        self._log(self.lead, "reached", user=self.user_supervisor)
        self.assertEqual(self.lead.activity_ids.user_id, self.user_consultant)
        self.assertEqual(self.lead.activity_ids.summary, "跟进潜在学员")
        self._log(self.lead_other, "reached")
        self.assertEqual(
            self.lead_other.activity_ids.summary, "Follow up with the prospective student"
        )

    def test_invalidation_in_the_company_language_for_mixed_readers(self):
        """The English supervisor logs the last failed call: the Chinese owner
        and the English supervisor are told, in the company's Chinese."""
        now = fields.Datetime.now()
        for days_ago in (2, 1, 0):  # failed attempts count once a day
            self._log(
                self.lead,
                "no_answer",
                user=self.user_supervisor,
                date=now - timedelta(days=days_ago),
            )
        self.assertFalse(self.lead.active)
        notice = self.lead.message_ids.filtered(lambda m: "无效客户" in m.body)
        self.assertIn("无法联系", notice.body, "the lost reason in Chinese too")

    def test_dispute_texts(self):
        """A tie between a Chinese and an English consultant, decided by an
        English supervisor: the name, the reason and the decision are in the
        company's language, the supervisor's task in theirs."""
        person = {"contact_name": "赵雷", "phone": "+86 139 5555 0001", "user_id": False}
        web_1 = self.env["crm.lead"].create({"name": "Web 1", "team_id": self.team.id, **person})
        web_2 = self.env["crm.lead"].create({"name": "Web 2", "team_id": self.team.id, **person})
        with freeze_time(fields.Datetime.now()) as frozen:
            self._log(web_1, "reached", user=self.user_consultant)
            frozen.tick(timedelta(minutes=2))
            self._log(web_2, "reached", user=self.user_consultant_2)
        dispute = web_2.dispute_ids
        self.assertEqual(dispute.name, "关于 赵雷 的争议")
        self.assertIn("在判定时间窗口内联系上了同一人", dispute.reason)
        self.assertEqual(dispute.activity_ids.summary, "Decide who owns this person")
        dispute.with_user(self.user_supervisor).write(
            {"winner_user_id": self.user_consultant.id, "decision_note": "Trial booked"}
        )
        dispute.with_user(self.user_supervisor).action_decide()
        self.assertIn("已裁决", web_2.message_ids[0].body)
        decision = dispute.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("training_crm.mt_dispute_decided")
        )
        self.assertIn("已裁决", decision.body)

    def test_readers_sharing_a_language_read_it(self):
        """Chinese consultants in an English company: their dispute is decided in Chinese;
        the supervisor's task follows the supervisor's language."""
        self.env.company.partner_id.lang = "en_US"
        self.user_consultant_2.lang = "zh_CN"
        self.user_supervisor.lang = "zh_CN"
        # Contested from consultant 2's own lead of the same person (another's lead
        # is not theirs to open); the dispute takes in every lead of the person.
        own = self.env["crm.lead"].create(
            {
                "name": "Walk-in",
                "contact_name": "Test Student",
                "phone": self.lead.phone,
                "user_id": self.user_consultant_2.id,
                "team_id": self.team.id,
            }
        )
        dispute = (
            self.env["training.crm.dispute"]
            .with_user(self.user_consultant_2)
            .create({"lead_id": own.id, "reason": "I met them first"})
        )
        self.assertEqual(dispute.name, "Dispute over Test Student")
        self.assertEqual(dispute.activity_ids.summary, "裁决此客户的归属")
        dispute.with_user(self.user_manager).write(
            {"winner_user_id": self.user_consultant_2.id, "decision_note": "Met first"}
        )
        dispute.with_user(self.user_manager).action_decide()
        self.assertIn("已裁决", self.lead.message_ids[0].body)

    def test_already_followed_note_and_reassign_reason(self):
        pool = self.env["crm.lead"].create(
            {"name": "Web", "phone": self.lead.phone, "user_id": False, "team_id": self.team.id}
        )
        self._log(pool, "reached", user=self.user_consultant_2)
        self.assertEqual(pool.user_id, self.user_consultant)
        self.assertTrue(pool.message_ids.filtered(lambda m: "联系上了此人" in m.body))
        wizard = (
            self.env["training.crm.lead.reassign"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "lead_ids": self.lead_pool.ids,
                    "user_id": self.user_consultant.id,
                    "reason": "Leave",
                }
            )
        )
        wizard.action_reassign()
        self.flush_tracking()
        self.assertTrue(self.lead_pool.message_ids.filtered(lambda m: "更改了销售员" in m.body))

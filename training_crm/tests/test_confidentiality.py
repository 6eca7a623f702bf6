from odoo.exceptions import AccessError
from odoo.tests import tagged, users, warmup

from odoo.addons.mail.tools.discuss import Store

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestFollowupEvidence(TrainingCrmCommon):
    """The follow-up log is evidence: a supervisor's correction or deletion
    leaves a trace (who, when, old and new values) that auditors read."""

    def setUp(self):
        super().setUp()
        self.followup = self._log(self.lead, "no_answer", note="Rang, nobody answered")
        # Logged in an earlier transaction than the correction (Odoo tracks no
        # change to a record within the transaction that created it).
        self.flush_tracking()

    def _auditor_store(self, messages):
        return str(Store(messages.with_user(self.user_auditor), for_current_user=True).get_result())

    def test_correction_is_tracked(self):
        self.followup.with_user(self.user_supervisor).write(
            {"outcome": "reached", "note": "Spoke with the mother"}
        )
        self.flush_tracking()
        messages = (
            self.env["mail.message"]
            .with_user(self.user_auditor)
            .search([("model", "=", "training.crm.followup"), ("res_id", "=", self.followup.id)])
        )
        self.assertEqual(len(messages), 1, "one tracking message for the correction")
        self.assertEqual(messages.author_id, self.user_supervisor.partner_id)
        self.assertTrue(messages.date)
        tracked = messages.sudo().tracking_value_ids
        # A reached person is next called after the grade's gap, not the next day:
        # the plan the correction moved is traced too.
        self.assertEqual(
            {value.field_id.name for value in tracked},
            {"outcome", "note", "next_date"},
            "old and new values",
        )
        store = self._auditor_store(messages)
        for text in ("Rang, nobody answered", "Spoke with the mother", "No answer"):
            self.assertIn(text, store)

    def test_deletion_leaves_a_note_on_the_lead(self):
        self.followup.with_user(self.user_supervisor).unlink()
        self.assertFalse(self.followup.exists())
        note = (
            self.env["mail.message"]
            .with_user(self.user_auditor)
            .search(
                [
                    ("model", "=", "crm.lead"),
                    ("res_id", "=", self.lead.id),
                    ("subtype_id", "=", self.env.ref("training_crm.mt_lead_followup_deleted").id),
                ]
            )
        )
        self.assertEqual(len(note), 1)
        self.assertTrue(note.is_internal)
        self.assertEqual(note.author_id, self.user_supervisor.partner_id)
        self.assertIn("deleted by Supervisor Test", note.body)
        self.assertIn("by Consultant Test", note.body)
        self.assertIn("Rang, nobody answered", note.body)

    def test_consultants_and_auditors_cannot_correct(self):
        for user in (self.user_consultant, self.user_auditor):
            with self.assertRaises(AccessError):
                self.followup.with_user(user).write({"note": "Nicer story"})
            with self.assertRaises(AccessError):
                self.followup.with_user(user).unlink()
        self.assertEqual(self.followup.note, "Rang, nobody answered")

    def test_logging_leaves_no_message_on_the_followup(self):
        """The lead's chatter says what was logged: the entry itself stays quiet."""
        self.assertFalse(self.followup.message_ids)
        self.assertFalse(self.followup.message_follower_ids)


@tagged("post_install", "-at_install")
class TestAuditorInterface(TrainingCrmCommon):
    """The auditor reads the CRM app like any reader, without any act."""

    def test_menus(self):
        menus = self.env["ir.ui.menu"].with_user(self.user_auditor)._visible_menu_ids()
        for xmlid in (
            "crm.crm_menu_root",
            "crm.menu_crm_opportunities",
            "crm.crm_menu_report",
            "crm.crm_activity_report_menu",
            "crm.crm_opportunity_report_menu",
            "training_crm.training_crm_followup_menu",
            "training_crm.crm_lead_followup_overdue_menu",
            "training_crm.training_crm_dispute_menu",
        ):
            self.assertIn(self.env.ref(xmlid).id, menus, xmlid)
        self.assertNotIn(self.env.ref("crm.crm_menu_config").id, menus)

    def test_pipeline_without_team(self):
        action = self.env["crm.team"].with_user(self.user_auditor).action_your_pipeline()
        self.assertNotIn("search_default_assigned_to_me", action["context"])
        self.assertNotIn("no Sales Team", action["help"])
        consultant_action = (
            self.env["crm.team"].with_user(self.user_consultant).action_your_pipeline()
        )
        self.assertIn("search_default_assigned_to_me", consultant_action["context"])

    def test_lead_form_has_no_acts(self):
        acts = (
            "action_set_won_rainbowman",
            "toggle_active",
            "action_claim",
            "action_log_followup",
            "action_reassign",
            "action_open_dispute",
            str(self.env.ref("crm.crm_lead_lost_action").id),
        )
        auditor_form = (
            self.env["crm.lead"].with_user(self.user_auditor).get_view(view_type="form")["arch"]
        )
        for act in acts:
            self.assertNotIn(f'name="{act}"', auditor_form)
        consultant_form = (
            self.env["crm.lead"].with_user(self.user_consultant).get_view(view_type="form")["arch"]
        )
        for act in ("action_set_won_rainbowman", "action_log_followup"):
            self.assertIn(f'name="{act}"', consultant_form)


@tagged("post_install", "-at_install")
class TestContactQueries(TrainingCrmCommon):
    """The consultants' rule on contacts runs on every chatter read: it adds
    subqueries to the queries Odoo makes, never queries of its own.
    Stock figures (without the rule) are the same."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.cn"} for i in range(20)]
        )
        cls.env["crm.lead"].create(
            [
                {
                    "name": f"Lead {i}",
                    "partner_id": partner.id,
                    "user_id": (cls.user_consultant, cls.user_consultant_2)[i % 2].id,
                    "team_id": cls.team.id,
                }
                for i, partner in enumerate(partners)
            ]
        )
        for partner in partners[:10]:
            cls.lead.message_post(body="Hello", author_id=partner.id, message_type="comment")
        cls.customers = partners

    @users("tc_consultant")
    def test_contacts_reached_through_users(self):
        """Users inherit their contact: the rule applies under the join's alias."""
        users = self.env["res.users"].search([("id", "in", self.user_consultant_2.ids)])
        self.assertEqual(users.name, "Consultant Two")
        self.assertEqual(
            self.env["res.users"].name_search("Consultant Two")[0][0], self.user_consultant_2.id
        )

    @users("tc_consultant")
    @warmup
    def test_name_search_contacts(self):
        Partner = self.env["res.partner"]
        with self.assertQueryCount(tc_consultant=3):
            found = Partner.name_search("Customer", limit=100)
        self.assertEqual(len(found), 10, "the customers of their own leads only")

    @users("tc_consultant")
    @warmup
    def test_read_chatter(self):
        Message = self.env["mail.message"]
        with self.assertQueryCount(tc_consultant=18):
            res = Message._message_fetch(
                [("res_id", "=", self.lead.id), ("model", "=", "crm.lead")], limit=30
            )
            Store(res["messages"], for_current_user=True).get_result()

    @users("tc_consultant")
    @warmup
    def test_post_message(self):
        lead = self.lead.with_user(self.env.user)
        with self.assertQueryCount(tc_consultant=10):
            lead.message_post(body="Called the mother", subtype_xmlid="mail.mt_note")

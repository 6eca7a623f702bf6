from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.osv import expression
from odoo.tests import tagged, users

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestGlance(TrainingCrmCommon):
    """What a consultant sees at a glance: what is due today, what is late,
    on their own leads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.user_consultant | cls.user_consultant_2 | cls.user_supervisor).tz = "Asia/Shanghai"

    def _search_groups(self, search_view):
        """The search view's filters as the web client groups them: the
        filters between two separators are OR-ed, the groups AND-ed."""
        arch = etree.fromstring(
            self.env["crm.lead"].get_views([(self.env.ref(search_view).id, "search")])["views"][
                "search"
            ]["arch"]
        )
        groups, group = [], []
        for node in arch:
            if node.tag == "filter":
                group.append(node.get("name"))
            elif group:
                groups.append(group)
                group = []
        if group:
            groups.append(group)
        return groups

    # ------------------------------------------------------------
    # Due today, in the consultant's time zone
    # ------------------------------------------------------------

    @users("tc_consultant")
    def test_due_today_is_the_consultants_local_day(self):
        lead = self.lead.with_user(self.env.user)
        with freeze_time("2026-03-10 17:00"):  # the 11th in Shanghai
            lead.next_followup_date = date(2026, 3, 11)
            self.assertTrue(lead.followup_due_today)
            self.assertFalse(lead.followup_overdue)
            self.assertIn(lead, lead.search([("followup_due_today", "=", True)]))
            self.assertNotIn(lead, lead.search([("followup_due_today", "=", False)]))
            lead.next_followup_date = date(2026, 3, 10)
            lead.invalidate_recordset(["followup_due_today", "followup_overdue"])
            self.assertFalse(lead.followup_due_today)
            self.assertTrue(lead.followup_overdue)
            self.assertNotIn(lead, lead.search([("followup_due_today", "=", True)]))
            # For a reader in UTC, the 11th is still tomorrow.
            utc_lead = lead.with_context(tz="UTC")
            lead.next_followup_date = date(2026, 3, 11)
            self.assertFalse(utc_lead.followup_due_today)
            self.assertNotIn(lead, utc_lead.search([("followup_due_today", "=", True)]))

    @users("tc_consultant")
    def test_due_today_only_open_leads(self):
        lead = self.lead.with_user(self.env.user)
        with freeze_time("2026-03-10 02:00"):
            lead.next_followup_date = date(2026, 3, 10)
            self.assertIn(lead, lead.search([("followup_due_today", "=", True)]))
            lead.action_set_lost()
            self.assertFalse(lead.followup_due_today)
            self.assertNotIn(
                lead,
                lead.with_context(active_test=False).search([("followup_due_today", "=", True)]),
            )

    # ------------------------------------------------------------
    # Our filters AND with My Pipeline
    # ------------------------------------------------------------

    def test_overdue_combines_with_my_pipeline(self):
        """Ticking "My Pipeline" and "Follow-up Overdue" shows my overdue leads
        only: the two filters sit in different groups of the search view."""
        for search_view, mine in (
            ("crm.view_crm_case_opportunities_filter", "assigned_to_me"),
            ("crm.view_crm_case_leads_filter", "assigned_to_me"),
        ):
            groups = self._search_groups(search_view)
            group_of = {name: index for index, group in enumerate(groups) for name in group}
            with self.subTest(search_view=search_view):
                self.assertIn(mine, group_of)
                for ours in ("followup_overdue", "followup_due_today", "in_dispute", "ungraded"):
                    self.assertNotEqual(group_of[ours], group_of[mine], ours)
                self.assertEqual(group_of["followup_overdue"], group_of["followup_due_today"])

        Lead = self.env["crm.lead"].with_user(self.user_consultant)
        with freeze_time("2026-03-10 02:00"):
            (self.lead | self.lead_pool).next_followup_date = date(2026, 3, 1)
            domain = expression.AND(
                [[("user_id", "=", self.user_consultant.id)], [("followup_overdue", "=", True)]]
            )
            self.assertEqual(Lead.search(domain), self.lead)

from lxml import etree

from odoo.tests import Form, tagged, users

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestCrmLeadGrade(TrainingCrmCommon):
    @users("tc_consultant")
    def test_consultant_grades_own_lead_in_form(self):
        lead = self.lead.with_user(self.env.user)
        with Form(lead) as form:
            form.intent_grade_id = self.grade_a
        self.assertEqual(lead.intent_grade_id, self.grade_a)
        self.assertEqual(lead.intent_grade_code, "A")

    def test_grade_change_tracked_in_chatter(self):
        """Every regrading (动态调整) leaves who/when/from/to in the chatter."""
        self.flush_tracking()  # close the creation step, as a real request would
        self.lead.with_user(self.user_consultant).intent_grade_id = self.grade_c
        self.flush_tracking()
        self.lead.with_user(self.user_manager).intent_grade_id = self.grade_s
        self.flush_tracking()
        messages = self.lead.message_ids.filtered("tracking_value_ids")
        grade_field = self.env["ir.model.fields"]._get("crm.lead", "intent_grade_id")
        changes = messages.tracking_value_ids.filtered(lambda t: t.field_id == grade_field)
        self.assertEqual(len(changes), 2)
        last = changes.sorted("id")[-1]
        self.assertEqual(last.old_value_char, self.grade_c.display_name)
        self.assertEqual(last.new_value_char, self.grade_s.display_name)
        self.assertEqual(last.mail_message_id.author_id, self.user_manager.partner_id)

    def test_grade_shown_in_lead_views(self):
        """Form, list, kanban and search views all carry the grade."""
        views = self.env["crm.lead"].get_views(
            [
                (self.env.ref("crm.crm_lead_view_form").id, "form"),
                (self.env.ref("crm.crm_case_tree_view_oppor").id, "list"),
                (self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban"),
                (self.env.ref("crm.view_crm_case_opportunities_filter").id, "search"),
            ]
        )["views"]
        for view_type in ("form", "list", "kanban", "search"):
            arch = etree.fromstring(views[view_type]["arch"])
            self.assertTrue(
                arch.xpath("//field[@name='intent_grade_id']"),
                f"intent_grade_id missing from the {view_type} view",
            )
        search = etree.fromstring(views["search"]["arch"])
        self.assertTrue(search.xpath("//filter[@name='group_by_intent_grade']"))

    def test_search_by_grade(self):
        self.lead.intent_grade_id = self.grade_s
        found = self.env["crm.lead"].search([("intent_grade_id.code", "=", "S")])
        self.assertIn(self.lead, found)
        ungraded = self.env["crm.lead"].search(
            [("intent_grade_id", "=", False), ("id", "=", self.lead.id)]
        )
        self.assertFalse(ungraded)

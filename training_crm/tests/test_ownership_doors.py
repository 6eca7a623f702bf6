from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestSalespersonDoors(TrainingCrmCommon):
    """Owners change through Claim, Reassign, Hand Back, decisions and first
    contacts; the Salesperson field itself stays stock for Sales Administrators."""

    def _last_user_tracking_message(self, lead):
        self.flush_tracking()
        lead.invalidate_recordset(["message_ids"])
        user_field = self.env["ir.model.fields"]._get("crm.lead", "user_id")
        return lead.message_ids.filtered(
            lambda m: m.tracking_value_ids.filtered(lambda t: t.field_id == user_field)
        )[:1]

    def test_salesperson_read_only_for_consultants_and_supervisors(self):
        self.flush_tracking()
        for user in (self.user_consultant, self.user_supervisor):
            for lead_type in ("opportunity", "lead"):
                with self.subTest(user=user.login, type=lead_type):
                    self.lead.type = lead_type
                    form = Form(self.lead.with_user(user))
                    with self.assertRaisesRegex(AssertionError, "readonly"):
                        form.user_id = self.user_consultant_2
        self.assertEqual(self.lead.user_id, self.user_consultant)

    def test_supervisor_picks_the_first_owner_of_a_new_lead(self):
        with Form(self.env["crm.lead"].with_user(self.user_supervisor)) as form:
            form.name = "Walk-in taken by the supervisor"
            form.team_id = self.team
            form.user_id = self.user_consultant_2
        self.assertEqual(form.record.user_id, self.user_consultant_2)
        form = Form(self.env["crm.lead"].with_user(self.user_consultant))
        with self.assertRaisesRegex(AssertionError, "readonly"):
            form.user_id = self.user_consultant_2

    def test_sales_administrator_keeps_the_field_and_is_logged(self):
        self.flush_tracking()
        with Form(self.lead.with_user(self.user_manager)) as form:
            form.user_id = self.user_consultant_2
        self.assertEqual(self.lead.user_id, self.user_consultant_2)
        message = self._last_user_tracking_message(self.lead)
        self.assertIn(
            "Salesperson changed directly by Manager Test, without a reason", message.body
        )

    def test_rpc_write_without_the_wizard_is_logged(self):
        self.flush_tracking()
        self.lead.with_user(self.user_supervisor).write({"user_id": self.user_consultant_2.id})
        message = self._last_user_tracking_message(self.lead)
        self.assertIn("Salesperson changed directly by Supervisor Test", message.body)
        # Through the wizard, the message says why instead.
        self.env["training.crm.lead.reassign"].with_user(self.user_supervisor).create(
            {"lead_ids": self.lead.ids, "user_id": self.user_consultant.id, "reason": "Back"}
        ).action_reassign()
        message = self._last_user_tracking_message(self.lead)
        self.assertIn("Reason: Back", message.body)
        self.assertNotIn("without a reason", message.body)

    def test_lists_and_cards_follow_the_same_rule(self):
        for xmlid, view_type in (
            ("crm.crm_case_tree_view_oppor", "list"),
            ("crm.crm_case_tree_view_leads", "list"),
            ("crm.crm_case_kanban_view_leads", "kanban"),
            ("crm.view_crm_lead_kanban", "kanban"),
        ):
            with self.subTest(view=xmlid):
                arch = etree.fromstring(
                    self.env["crm.lead"]
                    .with_user(self.user_supervisor)
                    .get_view(self.env.ref(xmlid).id, view_type)["arch"]
                )
                nodes = [
                    node
                    for node in arch.iter("field")
                    if node.get("name") == "user_id" and node.get("widget")
                ]
                self.assertTrue(nodes)
                for node in nodes:
                    self.assertEqual(node.get("readonly"), "not can_edit_salesperson")
        quick = self.env["crm.lead"].get_view(
            self.env.ref("crm.quick_create_opportunity_form").id, "form"
        )["arch"]
        self.assertIn('name="user_id" invisible="1"', quick, "quick create never shows it")
        leads = self.env["crm.lead"].browse(self.lead.ids)
        self.assertFalse(leads.with_user(self.user_consultant).can_edit_salesperson)
        self.assertFalse(leads.with_user(self.user_supervisor).can_edit_salesperson)
        self.assertTrue(leads.with_user(self.user_manager).can_edit_salesperson)
        salesman = new_test_user(
            self.env, login="stock_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        self.assertTrue(
            leads.with_user(salesman).can_edit_salesperson,
            "sales users without a Training CRM role keep stock CRM",
        )


@tagged("post_install", "-at_install")
class TestHandBack(TrainingCrmCommon):
    def _hand_back(self, lead, user, reason=None):
        action = lead.with_user(user).action_hand_back()
        form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        if reason:
            form.reason = reason
        return form.save().action_hand_back()

    def test_consultant_hands_back_with_a_reason(self):
        self.lead_pool.with_user(self.user_consultant).action_claim()
        self.assertTrue(self.lead_pool.claim_date)
        self.flush_tracking()
        self._hand_back(self.lead_pool, self.user_consultant, "Parent asked for another campus")
        self.assertFalse(self.lead_pool.user_id)
        self.assertFalse(self.lead_pool.claim_date, "the claim is over")
        self.flush_tracking()
        self.lead_pool.invalidate_recordset(["message_ids"])
        note = self.lead_pool.message_ids[0]
        self.assertEqual(note.subtype_id, self.env.ref("training_crm.mt_lead_released"))
        self.assertIn("Handed back to the pool by Consultant Test", note.body)
        self.assertIn("Parent asked for another campus", note.body)
        self.assertEqual(note.author_id, self.user_consultant.partner_id)
        self.assertFalse(note.tracking_value_ids, "the note says it: no tracking on top")
        self.assertTrue(self.lead_pool.with_user(self.user_consultant_2).can_claim)

    def test_reason_is_optional(self):
        self._hand_back(self.lead, self.user_consultant)
        self.assertFalse(self.lead.user_id)
        self.assertIn("Handed back to the pool by Consultant Test.", self.lead.message_ids[0].body)
        self.assertNotIn("Reason", self.lead.message_ids[0].body)

    def test_who_may_hand_back(self):
        self.assertTrue(self.lead.with_user(self.user_consultant).can_hand_back)
        self.assertTrue(self.lead_other.with_user(self.user_supervisor).can_hand_back)
        self.assertFalse(self.lead_pool.with_user(self.user_consultant).can_hand_back, "unowned")
        with self.assertRaises(AccessError):
            self.lead_other.with_user(self.user_consultant).action_hand_back()
        with self.assertRaises(AccessError):
            self.env["training.crm.lead.hand.back"].with_user(self.user_consultant).create(
                {"lead_ids": self.lead_other.ids}
            ).action_hand_back()
        with self.assertRaises(AccessError):
            self.lead.with_user(self.user_auditor).action_hand_back()
        self.assertEqual(self.lead_other.user_id, self.user_consultant_2)
        self._hand_back(self.lead_other, self.user_supervisor, "Consultant left")
        self.assertFalse(self.lead_other.user_id)
        self.lead.action_set_won()
        self.assertFalse(self.lead.with_user(self.user_consultant).can_hand_back)
        with self.assertRaisesRegex(UserError, "Only open leads"):
            self.lead.with_user(self.user_consultant).action_hand_back()

    def test_hand_back_without_email(self):
        self.user_consultant.partner_id.email = False
        self._hand_back(self.lead, self.user_consultant, "Moving away")
        self.assertFalse(self.lead.user_id)

    def test_hand_back_from_the_list_action_menu(self):
        """Selected in the list, several leads go back in one go; auditors have
        no such entry."""
        action = self.env.ref("training_crm.training_crm_lead_hand_back_action")
        Actions = self.env["ir.actions.actions"]
        bound = Actions.with_user(self.user_consultant).get_bindings("crm.lead")["action"]
        self.assertIn(action.id, [vals["id"] for vals in bound])
        bound = Actions.with_user(self.user_auditor).get_bindings("crm.lead")["action"]
        self.assertNotIn(action.id, [vals["id"] for vals in bound])
        self.lead_pool.with_user(self.user_consultant).action_claim()
        leads = self.lead | self.lead_pool
        context = safe_eval(action.context, {"active_ids": leads.ids})
        form = Form(
            self.env[action.res_model].with_user(self.user_consultant).with_context(**context)
        )
        self.assertEqual(len(form.lead_ids), 2)
        form.save().action_hand_back()
        self.assertFalse(leads.user_id)

    def test_clearing_the_salesperson_removes_the_follow_up_to_do(self):
        """However the lead loses its owner (an RPC write), the owner's Follow-up
        activity goes with it, as with the wizard."""
        self.env["crm.lead"]._cron_schedule_followup_activities()
        self.assertTrue(self.lead._get_followup_activities())
        self.lead.with_user(self.user_consultant).write({"user_id": False})
        self.assertFalse(self.lead._get_followup_activities())
        todo = self.lead.activity_ids.filtered(lambda act: act.user_id == self.user_consultant)
        self.assertFalse(todo, "nothing left on the former owner's list")


@tagged("post_install", "-at_install")
class TestClaimAndReassignDoors(TrainingCrmCommon):
    def test_claim_confirms_itself(self):
        action = self.lead_pool.with_user(self.user_consultant).action_claim()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("is yours now", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")

    def test_pool_cards_carry_claim(self):
        kanban = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .get_view(self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban")["arch"]
        )
        button = etree.fromstring(kanban).xpath("//button[@name='action_claim']")
        # The card says what can_claim computes, for a consultant's open pool lead.
        self.assertEqual(button[0].get("invisible"), "user_id or not active")
        self.assertTrue(self.lead_pool.with_user(self.user_consultant).can_claim)
        self.assertFalse(self.lead.with_user(self.user_consultant).can_claim)
        auditor_kanban = (
            self.env["crm.lead"]
            .with_user(self.user_auditor)
            .get_view(self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban")["arch"]
        )
        self.assertFalse(etree.fromstring(auditor_kanban).xpath("//button[@name='action_claim']"))

    def test_reassign_lists_the_teams_consultants(self):
        outsider = new_test_user(self.env, login="plain_user", groups="base.group_user")
        self.team.write({"member_ids": [(4, self.user_auditor.id), (4, outsider.id)]})
        other_consultant = new_test_user(
            self.env, login="other_campus", groups="training_crm.group_consultant"
        )
        wizard = Form(
            self.env["training.crm.lead.reassign"]
            .with_user(self.user_supervisor)
            .with_context(default_lead_ids=self.lead.ids)
        )
        self.assertEqual(
            set(wizard.allowed_user_ids.ids), {self.user_consultant.id, self.user_consultant_2.id}
        )
        wizard.reason = "x"
        for user in (self.user_auditor, outsider, other_consultant):
            record = (
                self.env["training.crm.lead.reassign"]
                .with_user(self.user_supervisor)
                .create({"lead_ids": self.lead.ids, "user_id": user.id, "reason": "x"})
            )
            with self.assertRaisesRegex(UserError, "not a consultant of the leads' team"):
                record.action_reassign()
        self.assertEqual(self.lead.user_id, self.user_consultant)
        self.lead.team_id = False
        record = (
            self.env["training.crm.lead.reassign"]
            .with_user(self.user_supervisor)
            .create({"lead_ids": self.lead.ids, "user_id": other_consultant.id, "reason": "x"})
        )
        self.assertNotIn(self.user_auditor, record.allowed_user_ids)
        record.action_reassign()
        self.assertEqual(self.lead.user_id, other_consultant, "a lead of no team: any consultant")

    def test_reassigned_claim_is_not_the_new_owners(self):
        self.lead_pool.with_user(self.user_consultant).action_claim()
        self.env["training.crm.lead.reassign"].with_user(self.user_supervisor).create(
            {"lead_ids": self.lead_pool.ids, "user_id": self.user_consultant_2.id, "reason": "x"}
        ).action_reassign()
        self.assertEqual(self.lead_pool.user_id, self.user_consultant_2)
        self.assertFalse(self.lead_pool.claim_date)

    def test_no_collision_with_oneself_after_reassignment(self):
        flagged = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "Typed again", "phone": "+86 138 0013 8000", "team_id": self.team.id})
        )
        Lead = self.env["crm.lead"].with_user(self.user_consultant_2)
        self.assertEqual(
            flagged.with_user(self.user_consultant_2).collision_user_id, self.user_consultant
        )
        self.assertIn(flagged, Lead.search([("collision_user_id", "!=", False)]))
        self.env["training.crm.lead.reassign"].with_user(self.user_supervisor).create(
            {"lead_ids": flagged.ids, "user_id": self.user_consultant.id, "reason": "One owner"}
        ).action_reassign()
        as_owner = flagged.with_user(self.user_consultant)
        self.assertFalse(as_owner.collision_user_id, "no banner, nothing to contest")
        self.assertNotIn(
            flagged,
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .search([("collision_user_id", "!=", False)]),
        )
        as_supervisor = self.env["crm.lead"].with_user(self.user_supervisor)
        self.assertNotIn(
            flagged, as_supervisor.search([("collision_user_id", "=", self.user_consultant.id)])
        )
        self.assertIn(flagged, as_supervisor.search([("collision_user_id", "=", False)]))
        self.assertIn(self.lead_pool, as_supervisor.search([("collision_user_id", "=", False)]))

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo a school evaluates the product with must look like a school.

    `make test` installs with demo data, as `make run` does."""

    def test_demo_leads_over_all_grades(self):
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("id", "in", self._demo_ids("crm.lead"))])
        )
        self.assertGreaterEqual(len(leads), 50)
        self.assertEqual(set(leads.intent_grade_id.mapped("code")), {"S", "A", "B", "C", "D"})
        self.assertTrue(leads.filtered(lambda lead: not lead.user_id), "no pool leads in demo")
        self.assertTrue(any(not name.isascii() for name in leads.mapped("contact_name")))
        self.assertTrue(any(name.isascii() for name in leads.mapped("contact_name")))
        # Chinese mobiles normalise: phone matching in later features depends on it.
        with_phone = leads.filtered("phone")
        self.assertGreaterEqual(len(with_phone), 50)
        self.assertTrue(all(lead.phone_sanitized.startswith("+861") for lead in with_phone))

    def test_demo_followups_at_every_stage(self):
        """Reached, overdue, failing, invalid for each reason, won from the pool."""
        ref = self.env.ref
        self.assertEqual(ref("training_crm.lead_demo_03").failed_attempt_count, 2)
        for xmlid, reason in (
            ("training_crm.lead_demo_11", "training_crm.lost_reason_unreachable"),
            ("training_crm.lead_demo_09", "training_crm.lost_reason_no_need"),
            ("training_crm.lead_demo_04", "training_crm.lost_reason_competitor"),
        ):
            lead = ref(xmlid)
            self.assertFalse(lead.active, xmlid)
            self.assertEqual(lead.lost_reason_id, ref(reason), xmlid)
        pool_won = ref("training_crm.lead_demo_07")
        self.assertEqual(pool_won.user_id, ref("training_crm.user_consultant_wang"))
        self.assertEqual(pool_won.first_contact_user_id, pool_won.user_id)
        self.assertTrue(ref("training_crm.lead_demo_02").followup_overdue)

    def test_existing_salespeople_became_consultants(self):
        """Installed on a running CRM, the addon makes its salespeople consultants."""
        salesman = self.env.ref("base.user_demo")
        self.assertTrue(salesman.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(salesman.has_group("training_crm.group_consultant"))

    def test_demo_teams_and_consultants(self):
        for xmlid in ("training_crm.team_beijing", "training_crm.team_shanghai"):
            team = self.env.ref(xmlid)
            self.assertGreaterEqual(len(team.member_ids), 2, team.name)

    def _demo_ids(self, model):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "training_crm"), ("model", "=", model)])
            .mapped("res_id")
        )

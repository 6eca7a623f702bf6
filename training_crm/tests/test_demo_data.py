from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo a school evaluates the product with must look like a school.

    `make test` installs with demo data, as `make run` does."""

    def test_demo_leads_over_all_grades(self):
        leads = self.env["crm.lead"].search([("id", "in", self._demo_ids("crm.lead"))])
        self.assertGreaterEqual(len(leads), 50)
        self.assertEqual(set(leads.intent_grade_id.mapped("code")), {"S", "A", "B", "C", "D"})
        self.assertTrue(leads.filtered(lambda lead: not lead.user_id), "no pool leads in demo")
        self.assertTrue(any(not name.isascii() for name in leads.mapped("contact_name")))
        self.assertTrue(any(name.isascii() for name in leads.mapped("contact_name")))
        # Chinese mobiles normalise: phone matching in later features depends on it.
        self.assertTrue(all(lead.phone_sanitized.startswith("+861") for lead in leads))

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

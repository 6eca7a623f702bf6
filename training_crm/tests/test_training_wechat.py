from odoo.tests import Form, tagged

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestTrainingWechat(TrainingCrmCommon):
    """WeChat IDs (微信号) find the same person, as numbers and e-mails do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead.training_wechat = "  LiMa_2015 "

    def test_normalised_and_indexed(self):
        self.assertEqual(self.lead.training_wechat_normalized, "lima_2015")
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'crm_lead' "
            "AND indexname = 'crm_lead__training_wechat_normalized_index'"
        )
        self.assertIn("btree", self.env.cr.fetchone()[0])

    def test_same_wechat_is_a_collision(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create(
                {
                    "name": "Same family, other consultant",
                    "type": "opportunity",
                    "training_wechat": "lima_2015",
                    "user_id": self.user_consultant_2.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertEqual(lead.sudo().collision_lead_id, self.lead)
        self.assertEqual(lead.collision_user_id, self.user_consultant)
        other = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "Someone else", "training_wechat": "lima_2016"})
        )
        self.assertFalse(other.sudo().collision_lead_id)

    def test_typing_a_known_wechat_warns(self):
        form = Form(self.env["crm.lead"].with_user(self.user_consultant_2))
        form.name = "Walk-in"
        form.training_wechat = "LIMA_2015"
        # The warning is a toast; the form still saves, flagged.
        lead = form.save()
        self.assertEqual(lead.collision_user_id, self.user_consultant)

    def test_contact_created_from_the_lead_keeps_it(self):
        self.lead._handle_partner_assignment(create_missing=True)
        partner = self.lead.partner_id
        self.assertEqual(partner.training_wechat, self.lead.training_wechat)
        self.assertEqual(
            self.env["res.partner"].search([("training_wechat", "ilike", "lima_2015")]), partner
        )

    def test_searchable_and_shown(self):
        for xmlid in (
            "crm.view_crm_case_opportunities_filter",
            "crm.view_crm_case_leads_filter",
            "base.view_res_partner_filter",
            "crm.crm_lead_view_form",
            "base.view_partner_form",
        ):
            view = self.env.ref(xmlid)
            arch = self.env[view.model].get_view(view.id)["arch"]
            self.assertIn('name="training_wechat"', arch, xmlid)
        self.assertEqual(
            self.env["crm.lead"].search([("training_wechat", "ilike", "LIMA")]), self.lead
        )

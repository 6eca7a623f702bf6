from lxml import etree

from odoo import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestPhoneCountry(TrainingCrmCommon):
    """Consultants type national numbers: 135 7021 4466 must be the person of
    +86 135 7021 4466 even when the consultant's own company has no country."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_cn = cls.env.company  # China (TrainingCrmCommon)
        cls.company_no_country = cls.env["res.company"].create({"name": "Campus Without Country"})
        cls.team.company_id = cls.company_cn
        cls.team_no_country = cls.env["crm.team"].create(
            {"name": "Campus Abroad", "company_id": cls.company_no_country.id}
        )
        cls.user_consultant_2.company_ids = [Command.link(cls.company_no_country.id)]
        cls.lead.phone = "+86 135 7021 4466"

    def _as_consultant_in_no_country(self):
        """Consultant Two with the company switcher on the company without country
        first: it is the acting user's company, stock's fallback."""
        env = self.env(
            user=self.user_consultant_2,
            context=dict(
                self.env.context,
                allowed_company_ids=[self.company_no_country.id, self.company_cn.id],
            ),
        )
        self.assertFalse(env.company.country_id)
        return env

    def test_national_number_collides_through_team_company(self):
        env = self._as_consultant_in_no_country()
        lead = env["crm.lead"].create(
            {"name": "Walk-in", "phone": "13570214466", "team_id": self.team.id}
        )
        self.assertEqual(lead.user_id, self.user_consultant_2)
        self.assertFalse(lead.country_id, "no country written on the lead")
        self.assertEqual(lead.phone_sanitized, "+8613570214466")
        self.assertEqual(lead.collision_lead_id, self.lead)
        self.assertEqual(lead.collision_user_id, self.user_consultant)

    def test_second_number_uses_the_same_country(self):
        env = self._as_consultant_in_no_country()
        lead = env["crm.lead"].create(
            {
                "name": "Two numbers",
                "mobile": "139 5555 0002",
                "phone": "135 7021 4466",
                "team_id": self.team.id,
            }
        )
        self.assertEqual(lead.phone_sanitized, "+8613955550002")
        self.assertEqual(lead.phone_other_sanitized, "+8613570214466")
        self.assertEqual(lead.collision_lead_id, self.lead)

    def test_lead_country_wins(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Visitor",
                "phone": "650 253 0000",
                "country_id": self.env.ref("base.us").id,
                "team_id": self.team.id,
            }
        )
        self.assertEqual(lead.phone_sanitized, "+16502530000")

    def test_changing_team_renormalises(self):
        lead = (
            self.env["crm.lead"]
            .with_company(self.company_no_country)
            .create(
                {
                    "name": "Moved",
                    "phone": "135 7021 4466",
                    "mobile": "139 5555 0003",
                    "team_id": self.team_no_country.id,
                    "user_id": False,
                }
            )
        )
        self.assertEqual(lead.company_id, self.company_no_country)
        self.assertFalse(lead.phone_sanitized, "no country: the number cannot be normalised")
        self.assertFalse(lead.phone_other_sanitized)
        self.assertFalse(lead._get_person_leads())
        lead.team_id = self.team
        self.assertEqual(lead.company_id, self.company_cn)
        self.assertEqual(lead.phone_sanitized, "+8613955550003")
        self.assertEqual(lead.phone_other_sanitized, "+8613570214466")
        self.assertEqual(lead._get_person_leads(), self.lead)

    def test_form_warns_and_formats_with_team_country(self):
        env = self._as_consultant_in_no_country()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form = Form(env["crm.lead"])
            form.name = "Typing"
            form.team_id = self.team
            form.phone = "135 7021 4466"
        self.assertEqual(form.phone, "+86 135 7021 4466")
        self.assertIn("Consultant Test already follows this person", logs.output[-1])

    def test_quick_create_card_warns(self):
        """The kanban's quick-create card warns like the form does."""
        env = self._as_consultant_in_no_country()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form = Form(
                env["crm.lead"].with_context(default_team_id=self.team.id),
                view="crm.quick_create_opportunity_form",
            )
            form.name = "Quick"
            form.phone = "135 7021 4466"
        self.assertIn("Consultant Test already follows this person", logs.output[-1])
        lead = form.save()
        # The other consultant's lead is for supervisors to read; the consultant sees the owner.
        self.assertEqual(lead.sudo().collision_lead_id, self.lead)
        self.assertEqual(lead.collision_user_id, self.lead.user_id)

    def test_quick_create_card_warns_on_contact(self):
        """Picking an existing contact fills the number: the card warns too."""
        partner = self.env["res.partner"].create({"name": "Parent", "phone": "135 7021 4466"})
        env = self._as_consultant_in_no_country()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form = Form(
                env["crm.lead"].with_context(default_team_id=self.team.id),
                view="crm.quick_create_opportunity_form",
            )
            form.partner_id = partner
        self.assertEqual(form.phone, "+86 135 7021 4466", "formatted with the team's country")
        self.assertIn("Consultant Test already follows this person", logs.output[-1])


@tagged("post_install", "-at_install")
class TestPhoneCountrySettings(TrainingCrmCommon):
    def test_settings_warn_while_company_has_no_country(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        alert = arch.xpath("//setting[@id='training_crm_phone_country']//div[@role='alert']")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert[0].get("invisible"), "company_country_code")
        self.assertIn("collisions", "".join(alert[0].itertext()))
        self.assertTrue(alert[0].xpath(".//button[@name='open_company']"))

        self.env.company.country_id = False
        settings = Form(self.env["res.config.settings"])
        self.assertFalse(settings.company_country_code, "the alert shows")
        action = settings.save().open_company()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.company", self.env.company.id)
        )
        self.env.company.country_id = self.env.ref("base.cn")
        self.assertEqual(Form(self.env["res.config.settings"]).company_country_code, "CN")


@tagged("post_install", "-at_install")
class TestPhoneCountryUi(HttpCase):
    def test_quick_create_card_warns_tour(self):
        """In the browser: the pipeline's quick-create card warns of a collision."""
        self.env.company.country_id = self.env.ref("base.cn")
        owner, consultant = (
            new_test_user(self.env, login=login, name=name, groups="training_crm.group_consultant")
            for login, name in (("quick_owner", "Quick Owner"), ("quick_typist", "Quick Typist"))
        )
        mine = self.env["crm.lead"].create(
            {
                "name": "Known person",
                "type": "opportunity",
                "phone": "+86 135 7021 4466",
                "user_id": owner.id,
            }
        )
        self.start_tour("/odoo/crm", "training_crm_quick_create_collision", login=consultant.login)
        lead = self.env["crm.lead"].search([("name", "=", "Walk-in from the street")])
        self.assertEqual(lead.user_id, consultant)
        self.assertEqual(lead.collision_lead_id, mine)

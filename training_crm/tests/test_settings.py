from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestSettings(TrainingCrmCommon):
    def test_settings_write_the_rules_parameters(self):
        """An admin sets the rules' numbers in Settings, never in System Parameters."""
        settings = Form(self.env["res.config.settings"])
        settings.training_invalid_after_attempts = 5
        settings.training_tie_window_minutes = 30
        settings.training_claim_daily_limit = 8
        settings.save().execute()
        param = self.env["ir.config_parameter"].sudo()
        self.assertEqual(param.get_param("training_crm.invalid_after_attempts"), "5")
        self.assertEqual(param.get_param("training_crm.tie_window_minutes"), "30")
        self.assertEqual(param.get_param("training_crm.claim_daily_limit"), "8")
        self.assertEqual(Form(self.env["res.config.settings"]).training_invalid_after_attempts, 5)

    def test_negative_numbers_are_refused(self):
        param = self.env["ir.config_parameter"].sudo()
        for fname in self.env["res.config.settings"]._get_training_number_fields():
            with self.subTest(fname=fname), self.assertRaises(ValidationError):
                settings = Form(self.env["res.config.settings"])
                setattr(settings, fname, -1)
                settings.save()
        self.assertEqual(param.get_param("training_crm.invalid_after_attempts"), "3")

    def test_zero_is_kept_not_read_back_as_the_default(self):
        """'0: only by date', '0: never'...: a 0 saved in Settings applies
        (Odoo alone stores it as no parameter, read back as the default)."""
        settings = Form(self.env["res.config.settings"])
        settings.training_renewal_hours = 0
        settings.training_invalid_after_attempts = 0
        settings.save().execute()
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead._get_int_param("training_crm.renewal_hours", 4), 0)
        self.assertEqual(Lead._get_int_param("training_crm.invalid_after_attempts", 3), 0)
        self.assertEqual(Form(self.env["res.config.settings"]).training_renewal_hours, 0)
        settings = Form(self.env["res.config.settings"])
        settings.training_renewal_hours = 6
        settings.save().execute()
        self.assertEqual(Lead._get_int_param("training_crm.renewal_hours", 4), 6)

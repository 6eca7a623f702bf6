from odoo import api, models


class TrainingReferralReward(models.Model):
    _inherit = "training.referral.reward"

    @api.model
    def _training_register_demo_reward(self, lead_id, name):
        """Name the reward a demo enrolment made due, so that it is demo data of
        this module (removed first when the module is uninstalled)."""
        reward = self.search([("lead_id", "=", lead_id)], limit=1)
        if reward:
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": f"training_crm.{name}", "record": reward, "noupdate": True}]
            )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class TrainingEnrollment(models.Model):
    _inherit = "training.enrollment"

    def action_training_new_complaint(self):
        """One click from an enrolment: a new complaint about its student and consultant."""
        self.ensure_one()
        return self.env["helpdesk.ticket"]._training_complaint_action(
            {
                "default_training_enrollment_id": self.id,
                "default_partner_id": (self.payer_id or self.partner_id).id,
            }
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_training_new_complaint(self):
        """One click from a student's contact: a new complaint about them."""
        self.ensure_one()
        return self.env["helpdesk.ticket"]._training_complaint_action(
            {"default_training_student_id": self.id, "default_partner_id": self.id}
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class TrainingCrmMeetingPack(models.Model):
    _inherit = "training.crm.meeting.pack"

    def _get_training_pack_sections(self):
        """Complaints received in the period: the school's (tickets of a
        Complaints team), a team's those about its enrolments."""
        sections = super()._get_training_pack_sections()
        start, end = self._get_training_pack_bounds()
        sections.append(
            {
                "key": "complaints",
                "title": self.env._("Complaints"),
                "model": "helpdesk.ticket",
                "domain": [
                    *self._get_training_pack_scope(team_field="training_enrollment_id.team_id"),
                    ("team_id.training_complaint", "=", True),
                    ("create_date", ">=", start),
                    ("create_date", "<", end),
                ],
            }
        )
        return sections

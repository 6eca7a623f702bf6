# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    training_complaint = fields.Boolean(
        string="Complaints Team",
        help="Tickets of this team are families' complaints: they go through the "
        "stages scoped to this team only, not the helpdesk's shared ones.",
    )

    def _get_applicable_stages(self):
        """A complaints team keeps to its own stages, so that the shared
        default stages (and the OCA modules' tests on them) stay as they are."""
        if len(self) == 1 and self.training_complaint:
            own = self.env["helpdesk.ticket.stage"].search(
                [
                    ("company_id", "in", [False, self.company_id.id]),
                    ("team_ids", "=", self.id),
                ]
            )
            if own:
                return own
        return super()._get_applicable_stages()

    training_sla_expired_count = fields.Integer(
        string="SLA Expired",
        compute="_compute_training_sla_expired_count",
        help="Open tickets of the team with a service level missed or running late.",
    )

    def _compute_training_sla_expired_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("team_id", "in", self.ids), ("closed", "=", False), ("sla_expired", "=", True)],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.training_sla_expired_count = counts.get(team, 0)

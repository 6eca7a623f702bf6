# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    training_step = fields.Selection(
        [
            ("new", "New"),
            ("contacted", "Contacted"),
            ("plan", "Plan given"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
        ],
        string="Complaint Step",
        help="What reaching this stage means for a complaint: a plan is required from "
        "'Plan given' on, and only a resolved complaint can be closed.",
    )

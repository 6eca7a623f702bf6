# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Complaints (投诉)
    training_complaint_warning_minutes = fields.Integer(
        string="Warn Before a Breach (minutes)",
        config_parameter="training_crm_helpdesk.sla_warning_minutes",
        default=30,
        help="How long before a complaint's service level runs out its owner and a "
        "supervisor get an activity (once).",
    )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskSla(models.Model):
    _inherit = "helpdesk.sla"

    # Staff read the service levels' names on every complaint, in their language.
    name = fields.Char(translate=True)

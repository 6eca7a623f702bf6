# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The Complaints team existed before its service levels: its record is
    noupdate, so switch its SLAs on here, on the school's calendar, unless an
    administrator already chose one."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    team = env.ref("training_crm_helpdesk.helpdesk_team_complaints", raise_if_not_found=False)
    calendar = env.ref("training_crm_helpdesk.resource_calendar_school", raise_if_not_found=False)
    if team and calendar and not team.use_sla:
        team.write({"use_sla": True, "resource_calendar_id": calendar.id})

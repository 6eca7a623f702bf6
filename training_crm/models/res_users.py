import pytz

from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _is_training_supervisor(self):
        """Supervisors decide disputes, reassign owned leads and correct the
        follow-up log. Sales Administrators are supervisors (the groups imply it);
        seeing all leads alone does not make one."""
        self.ensure_one()
        return self.has_group("training_crm.group_supervisor")

    @api.model
    def _get_training_supervisors_of(self, company):
        """Every supervisor working for `company` (all of them without one):
        who hears of what no team leader is there to take."""
        return (
            self.env.ref("training_crm.group_supervisor")
            .sudo()
            .users.filtered(
                lambda user: not user.share and (not company or company in user.company_ids)
            )
        )

    def _get_training_tz(self, company=None):
        """The time zone whose days the rules count (attempts, claims, due
        dates): the staff member's, else their company's contact's (res.company
        has none of its own), else UTC. Staff often never set one."""
        self.ensure_one()
        company_partner = (company or self.company_id).partner_id
        (self.partner_id | company_partner).mapped("tz")  # both in one read, if not cached
        name = self.tz or company_partner.tz
        try:
            return pytz.timezone(name) if name else pytz.utc
        except pytz.UnknownTimeZoneError:
            return pytz.utc

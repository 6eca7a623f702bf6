from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _is_training_supervisor(self):
        """Supervisors decide disputes, reassign owned leads and correct the
        follow-up log. Sales Administrators are supervisors (the groups imply it);
        seeing all leads alone does not make one."""
        self.ensure_one()
        return self.has_group("training_crm.group_supervisor")

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class TrainingCommissionStatement(models.Model):
    _inherit = "training.commission.statement"

    @api.model
    def _training_generate_demo(self, team_xmlids):
        """This month's draft statements of the demo teams, named as demo data
        of this module (removed first when it is uninstalled)."""
        date_from = fields.Date.context_today(self).replace(day=1)
        date_to = date_from + relativedelta(months=1, days=-1)
        users = self.env["res.users"].browse()
        for xmlid in team_xmlids:
            users |= self.env.ref(xmlid).member_ids
        statements = self._generate(users, date_from, date_to)
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"training_crm_reports.demo_statement_{statement.user_id.login}",
                    "record": statement,
                    "noupdate": True,
                }
                for statement in statements
            ]
        )

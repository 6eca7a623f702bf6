from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class TrainingCommissionStatementGenerate(models.TransientModel):
    """A month's statements for a whole team at once (or chosen consultants)."""

    _name = "training.commission.statement.generate"
    _description = "Generate Commission Statements"

    team_id = fields.Many2one("crm.team", string="Sales Team")
    user_ids = fields.Many2many(
        "res.users",
        string="Consultants",
        compute="_compute_user_ids",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    date_from = fields.Date(
        string="Month",
        required=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        ),
    )

    @api.depends("team_id")
    def _compute_user_ids(self):
        for wizard in self:
            wizard.user_ids = wizard.team_id.member_ids

    def action_generate(self):
        self.ensure_one()
        date_from = self.date_from.replace(day=1)
        date_to = date_from + relativedelta(months=1, days=-1)
        statements = self.env["training.commission.statement"]._generate(
            self.user_ids, date_from, date_to
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm_reports.training_commission_statement_action"
        )
        action["domain"] = [("id", "in", statements.ids)]
        return action

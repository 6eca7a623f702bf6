from odoo import api, models


class ReportCommissionTeam(models.AbstractModel):
    """The selected statements grouped by company, team and period, one row
    per consultant with the team's totals: what a supervisor hands in to pay
    a team's month."""

    _name = "report.training_crm_reports.report_commission_team"
    _description = "Team Commission Statements Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        statements = self.env["training.commission.statement"].browse(docids)
        # Printing is reading: the record rules decide, before anything is shown.
        statements.check_access("read")
        statements = statements.sorted(
            lambda s: (s.company_id.id, s.team_id.name or "", s.date_from, s.user_id.name or "")
        )
        groups = []
        grouped = statements.grouped(lambda s: (s.company_id, s.team_id, s.date_from, s.date_to))
        for (company, team, _date_from, _date_to), members in grouped.items():
            target = sum(members.mapped("target_amount"))
            achieved = sum(members.mapped("achieved_amount"))
            groups.append(
                {
                    "team": team,
                    "currency": company.currency_id,
                    "statements": members,
                    "target_amount": target,
                    "achieved_amount": achieved,
                    "attainment": 100.0 * achieved / target if target else 0.0,
                    "amount_total": sum(members.mapped("amount_total")),
                }
            )
        return {
            "doc_ids": statements.ids,
            "doc_model": "training.commission.statement",
            "docs": statements,
            "groups": groups,
        }

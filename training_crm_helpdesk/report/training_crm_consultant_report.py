# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class TrainingCrmConsultantReport(models.Model):
    """The complaint measures of the consultant KPIs: complaints about the
    consultant (by the team of the enrolment concerned and the month received),
    per 100 enrolments, and resolved within their service level. The
    service levels are those of the complaint statistics
    (training.complaint.report), read from its own query."""

    _inherit = "training.crm.consultant.report"
    _depends = {
        "helpdesk.ticket": [
            "active",
            "company_id",
            "create_date",
            "team_id",
            "training_consultant_id",
            "training_enrollment_id",
        ],
        "helpdesk.ticket.sla": ["deadline", "sla_id", "state", "ticket_id"],
    }

    complaint_count = fields.Integer(
        string="Complaints",
        readonly=True,
        help="Complaints received in the month about the consultant.",
    )
    complaint_rate = fields.Float(
        string="Complaints per 100 Enrolments",
        aggregator="avg",
        readonly=True,
        help="Complaints received per 100 enrolments made in the month.",
    )
    complaint_sla_decided_count = fields.Integer(
        string="Complaints with Resolution SLA Decided",
        readonly=True,
        help="Complaints whose resolution service level is met or missed (not still running).",
    )
    complaint_sla_met_count = fields.Integer(string="Complaints Resolved within SLA", readonly=True)
    complaint_sla_rate = fields.Float(
        string="Complaints Resolved within SLA (%)",
        aggregator="avg",
        readonly=True,
        help="Of the complaints whose resolution service level is decided, how many were "
        "resolved in time.",
    )

    @api.model
    def _get_sum_measures(self):
        return [
            *super()._get_sum_measures(),
            "complaint_count",
            "complaint_sla_decided_count",
            "complaint_sla_met_count",
        ]

    @api.model
    def _get_ratio_measures(self):
        ratios = super()._get_ratio_measures()
        ratios["complaint_rate"] = ("complaint_count", "enrollment_count", 100.0)
        ratios["complaint_sla_rate"] = (
            "complaint_sla_met_count",
            "complaint_sla_decided_count",
            100.0,
        )
        return ratios

    @api.model
    def _get_parts(self, since=None):
        complaints = self.env["training.complaint.report"]._table_query
        return [
            *super()._get_parts(since=since),
            (
                SQL(
                    """
                    SELECT c.consultant_id AS user_id, e.team_id, c.company_id, %s AS date,
                           count(*) AS complaint_count,
                           count(*) FILTER (WHERE c.resolved_sla IN ('met', 'missed'))
                               AS complaint_sla_decided_count,
                           count(*) FILTER (WHERE c.resolved_sla = 'met')
                               AS complaint_sla_met_count
                      FROM (%s) c
                      JOIN helpdesk_ticket t ON t.id = c.ticket_id
                 LEFT JOIN training_enrollment e ON e.id = t.training_enrollment_id
                      %s
                     WHERE c.consultant_id IS NOT NULL AND c.active AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("c.date")),
                    complaints,
                    self._company_tz(SQL("c.company_id")),
                    self._since(SQL("c.date"), since),
                ),
                ["complaint_count", "complaint_sla_decided_count", "complaint_sla_met_count"],
            ),
        ]

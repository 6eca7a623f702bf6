from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from .training_crm_consultant_report import TrainingCrmConsultantReport, disable_jit

PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
KINDS = [("sales", "Sales Champion"), ("excellence", "Excellence Award")]


class TrainingCrmChampion(models.Model):
    """The school's rankings (公开表彰, seed 000), public to all staff as rank,
    name and headline figure only: the sales champion by the amount sold, the
    excellence award by a weighted score of leads developed (against the
    period's best), conversion and grading accuracy (weights in Settings).
    Per month, quarter and year, read from the consultant KPIs' own query,
    built at each read as theirs is."""

    _name = "training.crm.champion"
    _description = "Champions"
    _auto = False
    _order = "date desc, period, kind, rank, user_id"
    _rec_name = "user_id"
    # Pending writes are flushed before reading: the KPIs' sources and the weights.
    _depends = {
        **TrainingCrmConsultantReport._depends,
        "ir.config_parameter": ["key", "value"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    period = fields.Selection(PERIODS, readonly=True)
    date = fields.Date(string="Period Start", readonly=True)
    kind = fields.Selection(KINDS, string="Ranking", readonly=True)
    rank = fields.Integer(readonly=True, aggregator="min")
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    headline = fields.Float(
        string="Figure",
        readonly=True,
        digits=(16, 1),
        aggregator="max",
        help="Sales champion: the amount of the period's enrolments. Excellence award: the "
        "score out of 100.",
    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        """Every read of the view searches: no JIT (see disable_jit)."""
        disable_jit(self.env.cr)
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    def _query(self):
        weights = SQL(", ").join(
            SQL(
                "COALESCE((SELECT value FROM ir_config_parameter WHERE key = %s), %s)::numeric "
                "AS %s",
                f"training_crm_reports.award_weight_{name}",
                str(default),
                SQL.identifier(f"w_{name}"),
            )
            for name, default in AWARD_WEIGHTS.items()
        )
        return SQL(
            """
            WITH weights AS (SELECT %(weights)s),
            totals AS (
                SELECT kpi.company_id, kpi.user_id, p.period,
                       date_trunc(p.period, kpi.date)::date AS date,
                       sum(kpi.won_amount) AS amount,
                       sum(kpi.lead_developed_count) AS developed,
                       sum(kpi.won_lead_count) AS won,
                       sum(kpi.graded_count) AS judged,
                       sum(kpi.graded_accurate_count) AS accurate
                  FROM (%(kpi)s) kpi
            CROSS JOIN (VALUES ('month'), ('quarter'), ('year')) p (period)
                 WHERE kpi.user_id IS NOT NULL
              GROUP BY 1, 2, 3, 4
            ),
            scored AS (
                SELECT totals.*,
                       (weights.w_leads * COALESCE(100.0 * developed
                            / NULLIF(max(developed) OVER period_w, 0), 0)
                        + weights.w_conversion * COALESCE(100.0 * won / NULLIF(developed, 0), 0)
                        + weights.w_accuracy * COALESCE(100.0 * accurate / NULLIF(judged, 0), 0))
                       / NULLIF(weights.w_leads + weights.w_conversion + weights.w_accuracy, 0)
                           AS score
                  FROM totals, weights
                WINDOW period_w AS (PARTITION BY company_id, period, date)
            ),
            ranked AS (
                SELECT 0 AS kind_index, 'sales' AS kind, company_id, user_id, period, date,
                       amount AS headline,
                       rank() OVER (PARTITION BY company_id, period, date ORDER BY amount DESC)
                  FROM scored
                 WHERE amount > 0
             UNION ALL
                SELECT 1, 'excellence', company_id, user_id, period, date, score,
                       rank() OVER (PARTITION BY company_id, period, date ORDER BY score DESC)
                  FROM scored
                 WHERE score > 0
            )
            SELECT ((((user_id::bigint * 2 + kind_index) * 3
                       + CASE period WHEN 'month' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END)
                      * 2400 + (extract(year FROM date)::int - 2000) * 12
                      + extract(month FROM date)::int - 1) * 100 + mod(company_id, 100)) AS id,
                   company_id, user_id, period, date, kind, headline, rank
              FROM ranked
            """,
            weights=weights,
            kpi=self.env["training.crm.consultant.report"]._query(),
        )

    @property
    def _table_query(self):
        """Built at each read, as the consultant KPIs' (their closed months' end)."""
        return self._query()

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)  # a view before 18.0.1.6

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_training_award(self):
        """Record the award of this row: its ranking's badge, for its period."""
        self.ensure_one()
        action = self.env["gamification.badge.user"].action_training_award_new()
        badge = self.env["gamification.badge"].search(
            [("training_award_kind", "=", self.kind)], order="id", limit=1
        )
        if not badge:
            raise UserError(
                self.env._(
                    "No badge rewards the %(ranking)s: set Award For on one in Settings > "
                    "Gamification Tools > Badges (developer mode).",
                    ranking=dict(self._fields["kind"]._description_selection(self.env))[self.kind],
                )
            )
        action["context"] = {
            "default_user_id": self.user_id.id,
            "default_badge_id": badge.id,
            "default_training_award_period": self.period,
            "default_training_award_date": fields.Date.to_string(self.date),
        }
        return action


# Default weights (%) of the excellence award's score, changed in Settings.
AWARD_WEIGHTS = {"leads": 40, "conversion": 30, "accuracy": 30}

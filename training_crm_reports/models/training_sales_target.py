from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class TrainingSalesTarget(models.Model):
    """What a consultant, or a whole team, is to sell over a month, a quarter
    or a year: the base of attainment, hence of commission tiers. Entered or
    imported by supervisors; a consultant reads their own."""

    _name = "training.sales.target"
    _description = "Sales Target"
    _order = "date_from desc, team_id, user_id, id"
    _check_company_auto = True

    # Whose target
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        index="btree_not_null",
        domain="[('share', '=', False)]",
        help="The consultant whose target this is; empty for a team's target.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        check_company=True,
        help="The team whose target this is (the consultant's team, for information, "
        "on a consultant's target).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # Period
    period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="month",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(
        string="To",
        compute="_compute_date_to",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )

    # Amounts
    amount = fields.Monetary(string="Target", required=True)
    achieved_amount = fields.Monetary(
        string="Achieved",
        compute="_compute_achieved",
        help="The enrolments (not cancelled) the consultant, or the team, made in the "
        "period, by the school's calendar days.",
    )
    attainment = fields.Float(
        string="Attainment (%)", compute="_compute_achieved", digits=(16, 1), aggregator="avg"
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("period", "date_from")
    def _compute_date_to(self):
        for target in self:
            if target.date_from and target.period:
                target.date_to = target.date_from + relativedelta(
                    months=PERIOD_MONTHS[target.period], days=-1
                )

    @api.depends("user_id", "team_id", "date_from", "date_to", "amount", "company_id")
    def _compute_achieved(self):
        achieved = self._get_achieved_amounts()
        for target in self:
            target.achieved_amount = achieved.get(target.id, 0.0)
            target.attainment = (
                100.0 * target.achieved_amount / target.amount if target.amount else 0.0
            )

    def _get_achieved_amounts(self):
        """{target id: amount enrolled in its period}, in one query: the sum
        of a number the reader may see on a target they may read."""
        targets = self.filtered("id")
        if not targets:
            return {}
        self.env["training.enrollment"].flush_model(
            ["amount", "state", "user_id", "team_id", "company_id"]
        )
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id, COALESCE(SUM(e.amount), 0)
                  FROM training_sales_target t
                  JOIN res_company c ON c.id = t.company_id
                  JOIN res_partner cp ON cp.id = c.partner_id
             LEFT JOIN training_enrollment e
                    ON e.company_id = t.company_id
                   AND e.state != 'cancelled'
                   AND (CASE WHEN t.user_id IS NOT NULL THEN e.user_id = t.user_id
                             ELSE e.team_id = t.team_id END)
                   AND e.create_date >= (t.date_from::timestamp
                                         AT TIME ZONE COALESCE(cp.tz, 'UTC') AT TIME ZONE 'UTC')
                   AND e.create_date < ((t.date_to + 1)::timestamp
                                        AT TIME ZONE COALESCE(cp.tz, 'UTC') AT TIME ZONE 'UTC')
                 WHERE t.id IN %s
              GROUP BY t.id
                """,
                tuple(targets.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.depends("user_id", "team_id", "period", "date_from")
    def _compute_display_name(self):
        periods = dict(self._fields["period"]._description_selection(self.env))
        for target in self:
            whose = target.user_id.name or target.team_id.name or ""
            target.display_name = (
                f"{whose} · {periods.get(target.period, '')} {target.date_from or ''}"
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("amount", "date_from", "date_to")
    def _check_amount_and_dates(self):
        for target in self:
            if target.amount < 0:
                raise ValidationError(self.env._("A sales target cannot be negative."))
            if target.date_to < target.date_from:
                raise ValidationError(self.env._("A sales target's period ends after it starts."))

    @api.constrains("user_id", "team_id", "period")  # period: always set, so checked on create
    def _check_whose(self):
        if any(not target.user_id and not target.team_id for target in self):
            raise ValidationError(
                self.env._("A sales target is a consultant's or a team's: choose one.")
            )

    @api.constrains("user_id", "team_id", "period", "date_from", "date_to", "company_id")
    def _check_no_overlap(self):
        """One target per consultant (or team) and kind of period at a time:
        attainment must not depend on which of two targets is read. One
        query for the whole batch (imports)."""
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                SELECT 1
                  FROM training_sales_target a
                  JOIN training_sales_target b
                    ON b.id != a.id
                   AND b.company_id = a.company_id
                   AND b.period = a.period
                   AND b.date_from <= a.date_to
                   AND b.date_to >= a.date_from
                   AND (CASE WHEN a.user_id IS NOT NULL THEN b.user_id = a.user_id
                             ELSE b.user_id IS NULL AND b.team_id = a.team_id END)
                 WHERE a.id IN %s
                 LIMIT 1
                """,
                tuple(self.ids),
            )
        )
        if self.env.cr.fetchone():
            raise ValidationError(
                self.env._(
                    "This period overlaps another target of the same kind for the same "
                    "consultant or team."
                )
            )

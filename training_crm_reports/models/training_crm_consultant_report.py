from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.tools import SQL

# The closed months' sums (see TrainingCrmConsultantReport).
CLOSED_TABLE = "training_crm_consultant_report_closed"


def disable_jit(cr):
    """No JIT compilation for the rest of the transaction: PostgreSQL's JIT
    compiles the KPIs' wide UNION for seconds (6 s for the champions on
    200,000 leads, `make bench ONLY=kpis`) and saves less than that."""
    cr.execute(SQL("SET LOCAL jit = off"))


class TrainingCrmConsultantReport(models.Model):
    """KPIs per consultant, team and month (SPEC 6): one row per consultant,
    the team stored on each record counted, and month (the company's calendar).

    A SQL query (`_table_query`, as sale.report): each source (leads,
    follow-ups, trials, enrolments...) is one part of a UNION ALL, summed by
    consultant, team, company and month; a domain on those (a consultant's
    rule) reaches each part. The state of the open leads at a month's end is
    in no table: it is read from the month's last daily snapshot
    (training.crm.consultant.snapshot).

    Closed months are read from a table the nightly snapshot action refills
    (_refresh_closed_months), the months since from the sources themselves:
    summing every part over 200,000 leads took 1.7 s a read and the pivot's
    first load makes four, while the closed months' sums are a few thousand
    rows and the current month's parts read by their date indexes. A past
    month corrected today (a cancelled enrolment, a restored lead) shows after
    the next night; a grade's accuracy, judged as its window ends, too.

    Ratios are stored per row, and recomputed in read_group from the summed
    numerator and denominator (_get_ratio_measures): a team or a quarter reads
    the true rate, not an average of its consultants' rates.

    Extension point (as bridges extend sale.report): a module adds measure
    fields, names them in _get_sum_measures() and adds a part in _get_parts()
    (and its ratios in _get_ratio_measures()); training_crm_helpdesk adds the
    complaint measures so."""

    _name = "training.crm.consultant.report"
    _description = "Consultant KPIs"
    _auto = False
    _order = "date desc, user_id, id"
    _rec_name = "user_id"
    # Pending writes on these are flushed before the report is read.
    _depends = {
        "crm.lead": [
            "first_contact_date",
            "first_contact_user_id",
            "team_id",
            "company_id",
            "referred_by_id",
            "probability",
            "active",
            "date_closed",
            "create_date",
            "user_id",
        ],
        "training.crm.followup": ["user_id", "team_id", "company_id", "local_date"],
        "training.trial": ["user_id", "team_id", "company_id", "date", "state", "lead_id"],
        "training.enrollment": [
            "user_id",
            "team_id",
            "company_id",
            "amount",
            "state",
            "lead_id",
            "enrollment_type",
            "create_date",
        ],
        "training.crm.invalidation": [
            "user_id",
            "team_id",
            "company_id",
            "date",
            "reason",
            "restored_date",
        ],
        "training.crm.dispute": [
            "state",
            "winner_user_id",
            "user_ids",
            "team_id",
            "company_id",
            "decided_date",
        ],
        "training.crm.grade.history": [
            "lead_id",
            "new_grade_id",
            "date",
            "user_id",
            "team_id",
            "company_id",
        ],
        "training.satisfaction": ["consultant_id", "enrollment_id", "date", "score_average"],
        "training.sales.target": ["user_id", "team_id", "company_id", "period", "date_from"],
        "training.commission.statement": ["user_id", "team_id", "company_id", "date_from"],
        "training.crm.consultant.snapshot": [
            "day",
            "user_id",
            "team_id",
            "company_id",
            "open_lead_count",
            "covered_lead_count",
            "overdue_lead_count",
            "complete_lead_count",
        ],
    }

    # ------------------------------------------------------------
    # Dimensions
    # ------------------------------------------------------------
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Month", readonly=True, help="The first day of the month.")

    # ------------------------------------------------------------
    # Leads and follow-ups
    # ------------------------------------------------------------
    lead_developed_count = fields.Integer(
        string="Leads Developed",
        readonly=True,
        help="Leads whose first contact the consultant made in the month (判客).",
    )
    followup_count = fields.Integer(string="Follow-ups", readonly=True)
    open_lead_count = fields.Integer(
        string="Open Leads (Month End)",
        readonly=True,
        help="The consultant's open leads on the month's last snapshot.",
    )
    covered_lead_count = fields.Integer(
        string="Followed Up in Time",
        readonly=True,
        help="Open leads last followed up within their grade's follow-up gap, on the month's "
        "last snapshot.",
    )
    coverage_rate = fields.Float(
        string="Follow-up Coverage (%)",
        aggregator="avg",
        readonly=True,
        help="Of the open leads at the month's end, how many were followed up within their "
        "grade's gap. Target: 100%.",
    )
    overdue_lead_count = fields.Integer(
        string="Overdue Leads",
        readonly=True,
        help="Open leads past their next follow-up date, on the month's last snapshot.",
    )
    complete_lead_count = fields.Integer(
        string="Complete Information",
        readonly=True,
        help="Open leads with a name, a phone number or WeChat ID, a course of interest and "
        "a grade, on the month's last snapshot.",
    )
    completeness_rate = fields.Float(
        string="Information Completeness (%)",
        aggregator="avg",
        readonly=True,
        help="Of the open leads at the month's end, how many have complete information. "
        "Target: 100%.",
    )

    # ------------------------------------------------------------
    # Trials, enrolments, conversion
    # ------------------------------------------------------------
    trial_count = fields.Integer(
        string="Trials Attended", readonly=True, help="Trial classes attended in the month."
    )
    trial_enrolled_count = fields.Integer(
        string="Trials Converted",
        readonly=True,
        help="Trial classes attended in the month whose lead has an enrolment (not cancelled).",
    )
    trial_conversion_rate = fields.Float(
        string="Trial Conversion (%)", aggregator="avg", readonly=True
    )
    won_lead_count = fields.Integer(
        string="Won Leads",
        readonly=True,
        help="Leads with an enrolment (not cancelled) made in the month.",
    )
    enrollment_count = fields.Integer(string="Enrolments", readonly=True)
    won_amount = fields.Float(readonly=True, help="Enrolments (not cancelled) made in the month.")
    conversion_rate = fields.Float(
        string="Conversion Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Won leads per lead developed in the month.",
    )
    renewal_count = fields.Integer(string="Renewals", readonly=True)
    renewal_rate = fields.Float(
        string="Renewals (%)",
        aggregator="avg",
        readonly=True,
        help="Renewals per enrolment made in the month (续费).",
    )
    added_subject_count = fields.Integer(string="Added Subjects", readonly=True)
    referral_count = fields.Integer(
        string="Referred Leads",
        readonly=True,
        help="Leads created in the month that a customer referred.",
    )

    # ------------------------------------------------------------
    # Invalid leads, disputes, grading
    # ------------------------------------------------------------
    invalid_count = fields.Integer(
        string="Invalid Leads",
        readonly=True,
        help="Times the consultant's leads became invalid in the month, restored since or not.",
    )
    invalid_rate = fields.Float(
        string="Invalid Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Invalid leads per lead developed in the month.",
    )
    invalid_unreachable_count = fields.Integer(string="Invalid: Unreachable", readonly=True)
    invalid_no_need_count = fields.Integer(string="Invalid: No Need", readonly=True)
    invalid_competitor_count = fields.Integer(string="Invalid: Competitor", readonly=True)
    invalid_restored_count = fields.Integer(
        string="Invalid, Restored Since",
        readonly=True,
        help="Of the month's invalid leads, those restored since.",
    )
    dispute_won_count = fields.Integer(
        string="Disputes Won", readonly=True, help="Ownership disputes decided in the month."
    )
    dispute_lost_count = fields.Integer(string="Disputes Lost", readonly=True)
    graded_count = fields.Integer(
        string="Grades Judged",
        readonly=True,
        help="Grades given in the month whose outcome is known: S, A, B once won or past "
        "7, 15, 30 days; C, D once won or past 30 days.",
    )
    graded_accurate_count = fields.Integer(
        string="Grades Accurate",
        readonly=True,
        help="S, A, B won within 7, 15, 30 days of being graded; C, D not won within 30 days.",
    )
    grading_accuracy = fields.Float(string="Grading Accuracy (%)", aggregator="avg", readonly=True)

    # ------------------------------------------------------------
    # Satisfaction, target, commission
    # ------------------------------------------------------------
    satisfaction_count = fields.Integer(string="Satisfaction Surveys", readonly=True)
    satisfaction_score_total = fields.Float(readonly=True)
    satisfaction_score = fields.Float(
        string="Satisfaction (1-5)",
        aggregator="avg",
        readonly=True,
        help="The average score of the month's surveys of the consultant's enrolments.",
    )
    target_amount = fields.Float(
        string="Target", readonly=True, help="The consultant's monthly sales target."
    )
    attainment = fields.Float(
        string="Attainment (%)",
        aggregator="avg",
        readonly=True,
        help="Won amount per target.",
    )
    commission_amount = fields.Float(
        string="Commission",
        readonly=True,
        help="The consultant's commission statements of the month.",
    )

    # ------------------------------------------------------------
    # Extension points
    # ------------------------------------------------------------

    @api.model
    def _get_sum_measures(self):
        """The columns summed by consultant, team, company and month."""
        return [
            "lead_developed_count",
            "followup_count",
            "open_lead_count",
            "covered_lead_count",
            "overdue_lead_count",
            "complete_lead_count",
            "trial_count",
            "trial_enrolled_count",
            "won_lead_count",
            "enrollment_count",
            "won_amount",
            "renewal_count",
            "added_subject_count",
            "referral_count",
            "invalid_count",
            "invalid_unreachable_count",
            "invalid_no_need_count",
            "invalid_competitor_count",
            "invalid_restored_count",
            "dispute_won_count",
            "dispute_lost_count",
            "graded_count",
            "graded_accurate_count",
            "satisfaction_count",
            "satisfaction_score_total",
            "target_amount",
            "commission_amount",
        ]

    @api.model
    def _get_ratio_measures(self):
        """{ratio: (numerator, denominator, factor)}: empty where the
        denominator is 0."""
        return {
            "coverage_rate": ("covered_lead_count", "open_lead_count", 100.0),
            "completeness_rate": ("complete_lead_count", "open_lead_count", 100.0),
            "trial_conversion_rate": ("trial_enrolled_count", "trial_count", 100.0),
            "conversion_rate": ("won_lead_count", "lead_developed_count", 100.0),
            "grading_accuracy": ("graded_accurate_count", "graded_count", 100.0),
            "satisfaction_score": ("satisfaction_score_total", "satisfaction_count", 1.0),
            "attainment": ("won_amount", "target_amount", 100.0),
            "renewal_rate": ("renewal_count", "enrollment_count", 100.0),
            "invalid_rate": ("invalid_count", "lead_developed_count", 100.0),
        }

    def _month(self, timestamp):
        """First day of the month of a UTC `timestamp` column, by the calendar
        of the company whose time zone is `tz.tz` (see _get_parts)."""
        return SQL(
            "date_trunc('month', (%s AT TIME ZONE 'UTC') "
            "AT TIME ZONE COALESCE(tz.tz, 'UTC'))::date",
            timestamp,
        )

    def _company_tz(self, company):
        return SQL("LEFT JOIN company_tz tz ON tz.id = %s", company)

    def _since(self, column, since, timestamp=True):
        """A bound on a part's rows its index answers: those of the months
        from `since` on (a date SQL; None: all). A UTC `timestamp` a day early,
        as no time zone is a day off UTC: the months' exact cut is made on
        the part's summed rows (_union)."""
        if since is None:
            return SQL("TRUE")
        if timestamp:
            return SQL("%s >= %s - interval '1 day'", column, since)
        return SQL("%s >= %s", column, since)

    @api.model
    def _get_parts(self, since=None):
        """[(query, [measures])]: each query selects user_id, team_id,
        company_id, date (a month's first day) and the measures named; the
        others are 0 in its rows. `company_tz` (id, tz) is at hand. `since`:
        the rows of the months from then on are enough (see _since)."""
        return [
            (
                SQL(
                    """
                    SELECT l.first_contact_user_id AS user_id, l.team_id, l.company_id,
                           %s AS date, count(*) AS lead_developed_count
                      FROM crm_lead l %s
                     WHERE l.first_contact_user_id IS NOT NULL AND l.first_contact_date IS NOT NULL
                       AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("l.first_contact_date")),
                    self._company_tz(SQL("l.company_id")),
                    self._since(SQL("l.first_contact_date"), since),
                ),
                ["lead_developed_count"],
            ),
            (
                # local_date: the day in the consultant's time zone, stored and indexed.
                SQL(
                    """
                    SELECT f.user_id, f.team_id, f.company_id,
                           date_trunc('month', f.local_date::timestamp)::date AS date,
                           count(*) AS followup_count
                      FROM training_crm_followup f
                     WHERE f.local_date IS NOT NULL AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._since(SQL("f.local_date"), since, timestamp=False),
                ),
                ["followup_count"],
            ),
            (
                SQL(
                    """
                    SELECT s.user_id, s.team_id, s.company_id,
                           date_trunc('month', s.day::timestamp)::date AS date,
                           s.open_lead_count, s.covered_lead_count, s.overdue_lead_count,
                           s.complete_lead_count
                      FROM training_crm_consultant_snapshot s
                      JOIN (SELECT company_id, max(day) AS day
                              FROM training_crm_consultant_snapshot
                             WHERE %s
                          GROUP BY company_id, date_trunc('month', day::timestamp)) last
                        ON last.day = s.day
                       AND last.company_id IS NOT DISTINCT FROM s.company_id
                     WHERE %s
                    """,
                    self._since(SQL("day"), since, timestamp=False),
                    self._since(SQL("s.day"), since, timestamp=False),
                ),
                [
                    "open_lead_count",
                    "covered_lead_count",
                    "overdue_lead_count",
                    "complete_lead_count",
                ],
            ),
            (
                SQL(
                    """
                    SELECT t.user_id, t.team_id, t.company_id, %s AS date,
                           count(*) AS trial_count,
                           count(*) FILTER (WHERE EXISTS (
                               SELECT 1 FROM training_enrollment e
                                WHERE e.lead_id = t.lead_id AND e.lead_id IS NOT NULL
                                  AND e.state != 'cancelled'
                           )) AS trial_enrolled_count
                      FROM training_trial t %s
                     WHERE t.state = 'attended' AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("t.date")),
                    self._company_tz(SQL("t.company_id")),
                    self._since(SQL("t.date"), since),
                ),
                ["trial_count", "trial_enrolled_count"],
            ),
            (
                # Summed per lead first, then per month: won leads are the
                # rows with a lead, without count(DISTINCT)'s sort of every
                # enrolment (on disk from 250,000 enrolments on).
                SQL(
                    """
                    SELECT user_id, team_id, company_id, date,
                           count(lead_id) AS won_lead_count,
                           sum(enrollment_count) AS enrollment_count,
                           sum(won_amount) AS won_amount,
                           sum(renewal_count) AS renewal_count,
                           sum(added_subject_count) AS added_subject_count
                      FROM (SELECT e.user_id, e.team_id, e.company_id, %s AS date, e.lead_id,
                                   count(*) AS enrollment_count,
                                   sum(e.amount) AS won_amount,
                                   count(*) FILTER (WHERE e.enrollment_type = 'renewal')
                                       AS renewal_count,
                                   count(*) FILTER (WHERE e.enrollment_type = 'added_subject')
                                       AS added_subject_count
                              FROM training_enrollment e %s
                             WHERE e.state != 'cancelled' AND %s
                          GROUP BY 1, 2, 3, 4, 5) per_lead
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("e.create_date")),
                    self._company_tz(SQL("e.company_id")),
                    self._since(SQL("e.create_date"), since),
                ),
                [
                    "won_lead_count",
                    "enrollment_count",
                    "won_amount",
                    "renewal_count",
                    "added_subject_count",
                ],
            ),
            (
                SQL(
                    """
                    SELECT l.user_id, l.team_id, l.company_id, %s AS date,
                           count(*) AS referral_count
                      FROM crm_lead l %s
                     WHERE l.referred_by_id IS NOT NULL AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("l.create_date")),
                    self._company_tz(SQL("l.company_id")),
                    self._since(SQL("l.create_date"), since),
                ),
                ["referral_count"],
            ),
            (
                SQL(
                    """
                    SELECT i.user_id, i.team_id, i.company_id, %s AS date,
                           count(*) AS invalid_count,
                           count(*) FILTER (WHERE i.reason = 'unreachable')
                               AS invalid_unreachable_count,
                           count(*) FILTER (WHERE i.reason = 'no_need') AS invalid_no_need_count,
                           count(*) FILTER (WHERE i.reason = 'competitor')
                               AS invalid_competitor_count,
                           count(*) FILTER (WHERE i.restored_date IS NOT NULL)
                               AS invalid_restored_count
                      FROM training_crm_invalidation i %s
                     WHERE %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("i.date")),
                    self._company_tz(SQL("i.company_id")),
                    self._since(SQL("i.date"), since),
                ),
                [
                    "invalid_count",
                    "invalid_unreachable_count",
                    "invalid_no_need_count",
                    "invalid_competitor_count",
                    "invalid_restored_count",
                ],
            ),
            (
                SQL(
                    """
                    SELECT side.res_users_id AS user_id, d.team_id, d.company_id, %s AS date,
                           count(*) FILTER (WHERE d.winner_user_id = side.res_users_id)
                               AS dispute_won_count,
                           count(*) FILTER (WHERE d.winner_user_id != side.res_users_id)
                               AS dispute_lost_count
                      FROM training_crm_dispute d
                      JOIN training_crm_dispute_user_rel side
                        ON side.training_crm_dispute_id = d.id
                      %s
                     WHERE d.state = 'decided' AND d.winner_user_id IS NOT NULL
                       AND d.decided_date IS NOT NULL AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._month(SQL("d.decided_date")),
                    self._company_tz(SQL("d.company_id")),
                    self._since(SQL("d.decided_date"), since),
                ),
                ["dispute_won_count", "dispute_lost_count"],
            ),
            (self._grading_part(since), ["graded_count", "graded_accurate_count"]),
            (
                SQL(
                    """
                    SELECT s.consultant_id AS user_id, e.team_id, s.company_id,
                           date_trunc('month', s.date::timestamp)::date AS date,
                           count(*) AS satisfaction_count,
                           sum(s.score_average) AS satisfaction_score_total
                      FROM training_satisfaction s
                      JOIN training_enrollment e ON e.id = s.enrollment_id
                     WHERE s.score_average > 0 AND s.date IS NOT NULL AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._since(SQL("s.date"), since, timestamp=False),
                ),
                ["satisfaction_count", "satisfaction_score_total"],
            ),
            (
                SQL(
                    """
                    SELECT t.user_id, t.team_id, t.company_id,
                           date_trunc('month', t.date_from::timestamp)::date AS date,
                           sum(t.amount) AS target_amount
                      FROM training_sales_target t
                     WHERE t.period = 'month' AND t.user_id IS NOT NULL AND %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._since(SQL("t.date_from"), since, timestamp=False),
                ),
                ["target_amount"],
            ),
            (
                SQL(
                    """
                    SELECT s.user_id, s.team_id, s.company_id,
                           date_trunc('month', s.date_from::timestamp)::date AS date,
                           sum(s.amount_total) AS commission_amount
                      FROM training_commission_statement s
                     WHERE %s
                  GROUP BY 1, 2, 3, 4
                    """,
                    self._since(SQL("s.date_from"), since, timestamp=False),
                ),
                ["commission_amount"],
            ),
        ]

    def _grading_part(self, since=None):
        """A grade is judged right or wrong once its outcome is known: S, A, B
        (the first three grades by code) must be won within 7, 15, 30 days;
        C, D must not be won within 30 days. Won: the lead is won (active at
        100%), on its closing date. Grades the system set (data loads,
        scheduled actions, as OdooBot) judge no one."""
        return SQL(
            """
            SELECT h.user_id, h.team_id, h.company_id, %(month)s AS date,
                   count(*) FILTER (WHERE judged.won_in_time OR judged.window_over)
                       AS graded_count,
                   count(*) FILTER (WHERE CASE WHEN judged.expect_won THEN judged.won_in_time
                                               ELSE judged.window_over
                                                    AND NOT judged.won_in_time END)
                       AS graded_accurate_count
              FROM training_crm_grade_history h
              JOIN training_crm_grade g ON g.id = h.new_grade_id
              JOIN crm_lead l ON l.id = h.lead_id
              %(tz)s
              CROSS JOIN LATERAL (
                  SELECT g.code IN ('S', 'A', 'B') AS expect_won,
                         COALESCE(l.active AND l.probability >= 100
                                  AND l.date_closed >= h.date
                                  AND l.date_closed <= h.date + w.days * interval '1 day',
                                  FALSE) AS won_in_time,
                         h.date + w.days * interval '1 day' <= NOW() AT TIME ZONE 'UTC'
                             AS window_over
                    FROM (SELECT CASE g.code WHEN 'S' THEN 7 WHEN 'A' THEN 15 ELSE 30 END
                                 AS days) w
              ) judged
             WHERE g.code IN ('S', 'A', 'B', 'C', 'D') AND h.user_id != %(superuser)s
               AND %(since)s
          GROUP BY 1, 2, 3, 4
            """,
            superuser=SUPERUSER_ID,
            since=self._since(SQL("h.date"), since),
            month=self._month(SQL("h.date")),
            tz=self._company_tz(SQL("h.company_id")),
        )

    def _union(self, since=None):
        """Every part's rows with every measure (0 where a part has none),
        those of the months from `since` on if given (see _since)."""
        measures = self._get_sum_measures()
        branches = []
        for query, named in self._get_parts(since=since):
            columns = [
                SQL("part.%s", SQL.identifier(m)) if m in named else SQL("0") for m in measures
            ]
            branches.append(
                SQL(
                    "SELECT part.user_id, part.team_id, part.company_id, part.date, %s "
                    "FROM (%s) part WHERE %s",
                    SQL(", ").join(columns),
                    query,
                    SQL("TRUE") if since is None else SQL("part.date >= %s", since),
                )
            )
        return SQL(" UNION ALL ").join(branches)

    def _with_company_tz(self, query):
        return SQL(
            """
            WITH company_tz AS (
                SELECT c.id, p.tz FROM res_company c JOIN res_partner p ON p.id = c.partner_id
            )
            %s
            """,
            query,
        )

    def _closed_query(self, before):
        """The closed months' sums, those before the date `before` (an SQL):
        what _refresh_closed_months stores."""
        measures = self._get_sum_measures()
        return self._with_company_tz(
            SQL(
                """
                SELECT %s::date AS closed_before, user_id, team_id, company_id, date, %s
                  FROM (%s) parts (user_id, team_id, company_id, date, %s)
                 WHERE date < %s
              GROUP BY user_id, team_id, company_id, date
                """,
                before,
                SQL(", ").join(
                    SQL("sum(%s) AS %s", SQL.identifier(m), SQL.identifier(m)) for m in measures
                ),
                self._union(),
                SQL(", ").join(SQL.identifier(m) for m in measures),
                before,
            )
        )

    def _query(self):
        """The closed months' stored sums and the months since, read from
        the parts, summed by consultant, team, company and month.

        `month_fence`, a window partitioned by all keys but the month, no
        measure: PostgreSQL pushes a filter on the consultant, team or
        company down into the parts (their indexes), but one on the month
        stays above the window, on the summed rows; pushed down, it was
        checked on every row of every part, converting its time to the
        company's calendar once more (a year's pivot took longer than all
        months', `make bench ONLY=kpis`)."""
        measures = self._get_sum_measures()
        ratios = self._get_ratio_measures()
        closed = SQL.identifier(CLOSED_TABLE)
        sums = [SQL("sum(%s) AS %s", SQL.identifier(m), SQL.identifier(m)) for m in measures]
        rates = [
            SQL(
                "CASE WHEN sum(%(den)s) != 0 THEN %(factor)s * sum(%(num)s) / sum(%(den)s) END "
                "AS %(name)s",
                num=SQL.identifier(num),
                den=SQL.identifier(den),
                factor=factor,
                name=SQL.identifier(name),
            )
            for name, (num, den, factor) in ratios.items()
        ]
        columns = SQL(", ").join(SQL.identifier(m) for m in measures)
        # A constant, not a subquery: PostgreSQL then estimates how few of a
        # source's rows are this month's, and reads them by its date index.
        # Not refreshed yet (a new database, an update): every month from the parts.
        self.env.cr.execute(SQL("SELECT closed_before FROM %s LIMIT 1", closed))
        row = self.env.cr.fetchone()
        fence = SQL("%s::date", row[0]) if row else SQL("'-infinity'::date")
        return self._with_company_tz(
            SQL(
                """
                SELECT %s AS id, user_id, team_id, company_id, date, %s, %s,
                       count(*) OVER (PARTITION BY user_id, team_id, company_id) AS month_fence
                  FROM (SELECT user_id, team_id, company_id, date, %s FROM %s
                        UNION ALL %s) parts (user_id, team_id, company_id, date, %s)
              GROUP BY user_id, team_id, company_id, date
                """,
                self._row_id(),
                SQL(", ").join(sums),
                SQL(", ").join(rates),
                columns,
                closed,
                self._union(since=fence),
                columns,
            )
        )

    def _row_id(self):
        """A row's id from its keys, not row_number(): a window over all rows
        would keep any domain (a consultant's rule) from reaching the parts,
        and every read would sum every table (see `month_fence` in _query).
        Unique while team ids stay under 10,000 and company ids under 100;
        under 2**53 (JavaScript's integers) for user ids up to 9,000,000 and
        months until 2083."""
        return SQL(
            """
            ((COALESCE(user_id, 0)::bigint * 10000 + mod(COALESCE(team_id, 0), 10000)) * 1000
             + ((extract(year FROM date)::int - 2000) * 12 + extract(month FROM date)::int - 1))
            * 100 + mod(COALESCE(company_id, 0), 100)
            """
        )

    @property
    def _table_query(self):
        """Built at each read, with the closed months' end as a constant."""
        return self._query()

    def init(self):
        """The closed months' table has a column per measure of the installed
        modules (bridges add theirs). It is emptied on each update, as the
        measures' definitions may have changed: every month reads the parts
        until the nightly action, asked for at once, refills it."""
        cr = self.env.cr
        closed = SQL.identifier(CLOSED_TABLE)
        tools.drop_view_if_exists(cr, self._table)  # the SQL view of versions before 18.0.1.6
        cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s (closed_before date NOT NULL, user_id int4, "
                "team_id int4, company_id int4, date date)",
                closed,
            )
        )
        for measure in self._get_sum_measures():
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s numeric",
                    closed,
                    SQL.identifier(measure),
                )
            )
        cr.execute(SQL("DELETE FROM %s", closed))
        # This month's follow-ups (a sixth of a growing school's year) summed
        # from the index alone, without reading the table.
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS training_crm_followup_kpi_index "
                "ON training_crm_followup (local_date) INCLUDE (user_id, team_id, company_id)"
            )
        )
        cron = self.env.ref("training_crm_reports.ir_cron_consultant_snapshot", False)
        if cron:
            cron._trigger()

    @api.model
    def _refresh_closed_months(self, now=None):
        """Store the sums of the months before the last one begun anywhere
        (`now`, UTC, for tests): each company's current month stays live
        whatever its time zone. Readers meanwhile read the former sums; a
        second refresh waits for the first."""
        now = now or fields.Datetime.now()
        before = (now - timedelta(days=1)).date().replace(day=1)
        self.env.flush_all()
        cr = self.env.cr
        closed = SQL.identifier(CLOSED_TABLE)
        cr.execute(SQL("LOCK TABLE %s IN EXCLUSIVE MODE", closed))
        cr.execute(SQL("DELETE FROM %s", closed))
        columns = ["closed_before", "user_id", "team_id", "company_id", "date"]
        cr.execute(
            SQL(
                "INSERT INTO %s (%s) %s",
                closed,
                SQL(", ").join(map(SQL.identifier, columns + self._get_sum_measures())),
                self._closed_query(SQL("%s", before)),
            )
        )
        return before

    # ------------------------------------------------------------
    # Grouping: ratios of sums
    # ------------------------------------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        """Every read of the view (search_read, read_group, counts) searches."""
        disable_jit(self.env.cr)
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Ratios of a group are its summed numerator over its summed
        denominator, not the average of its rows' ratios."""
        ratios = self._get_ratio_measures()
        asked = [name for name in (spec.split(":")[0].strip() for spec in fields) if name in ratios]
        if not asked:
            return super().read_group(
                domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
            )
        present = {spec.split(":")[0].strip() for spec in fields}
        extra = {part for name in asked for part in ratios[name][:2]} - present
        fields = list(fields) + [f"{part}:sum" for part in sorted(extra)]
        groups = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        for group in groups:
            for name in asked:
                num, den, factor = ratios[name]
                numerator, denominator = group.get(num) or 0, group.get(den) or 0
                group[name] = factor * numerator / denominator if denominator else False
        return groups

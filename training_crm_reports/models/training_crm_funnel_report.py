from odoo import api, fields, models
from odoo.tools import SQL


class TrainingCrmFunnelReport(models.Model):
    """The enrolment funnel 邀约 → 到访 → 试听 → 报名, one row per lead.

    A lead is invited once a trial class is booked for it (not cancelled),
    visited once a visit is logged or a trial attended, trialled once a trial is
    attended, enrolled once it has an enrolment (not cancelled). Rates are
    percentages averaged over the rows grouped, so that any grouping (source,
    consultant, team, course, month) reads as a conversion rate; the
    trial-to-enrolment rate is empty on leads without an attended trial and so
    averages over trialled leads only."""

    _name = "training.crm.funnel.report"
    _description = "Enrolment Funnel Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    date = fields.Date(string="Lead Created", readonly=True)
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    course_id = fields.Many2one(
        "training.course",
        readonly=True,
        help="The course of the lead's first trial class, else of its first enrolment.",
    )

    # Counts (sums)
    lead_count = fields.Integer(string="Leads", readonly=True)
    invited_count = fields.Integer(string="Invited", readonly=True)
    visited_count = fields.Integer(string="Visited", readonly=True)
    trial_count = fields.Integer(string="Trial Attended", readonly=True)
    enrolled_count = fields.Integer(string="Enrolled", readonly=True)
    won_count = fields.Integer(string="Won", readonly=True)
    trial_enrolled_count = fields.Integer(string="Enrolled after Trial", readonly=True)

    # Rates (averages of 0/100 per lead)
    invited_rate = fields.Float(string="Invited (%)", aggregator="avg", readonly=True)
    trial_rate = fields.Float(string="Trial Attended (%)", aggregator="avg", readonly=True)
    enrolled_rate = fields.Float(string="Enrolled (%)", aggregator="avg", readonly=True)
    won_rate = fields.Float(string="Won (%)", aggregator="avg", readonly=True)
    trial_conversion_rate = fields.Float(
        string="Trial to Enrolment (%)",
        aggregator="avg",
        readonly=True,
        help="Of the leads that attended a trial class, how many enrolled.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH flags AS (
                SELECT l.id AS lead_id,
                       l.create_date::date AS date,
                       l.user_id, l.team_id, l.company_id, l.source_id,
                       COALESCE(
                           (SELECT t.course_id FROM training_trial t
                             WHERE t.lead_id = l.id AND t.state != 'cancelled'
                             ORDER BY t.date, t.id LIMIT 1),
                           (SELECT e.course_id FROM training_enrollment e
                             WHERE e.lead_id = l.id AND e.state != 'cancelled'
                             ORDER BY e.id LIMIT 1)
                       ) AS course_id,
                       EXISTS (SELECT 1 FROM training_trial t
                                WHERE t.lead_id = l.id AND t.state != 'cancelled') AS invited,
                       EXISTS (SELECT 1 FROM training_trial t
                                WHERE t.lead_id = l.id AND t.state = 'attended') AS trialled,
                       EXISTS (SELECT 1 FROM training_crm_followup f
                                WHERE f.lead_id = l.id AND f.channel = 'visit') AS visit_logged,
                       EXISTS (SELECT 1 FROM training_enrollment e
                                WHERE e.lead_id = l.id AND e.state != 'cancelled') AS enrolled,
                       (l.active AND l.probability >= 100) AS won
                  FROM crm_lead l
            )
            SELECT lead_id AS id, lead_id, date, user_id, team_id, company_id, source_id,
                   course_id,
                   1 AS lead_count,
                   invited::int AS invited_count,
                   (visit_logged OR trialled)::int AS visited_count,
                   trialled::int AS trial_count,
                   enrolled::int AS enrolled_count,
                   won::int AS won_count,
                   (trialled AND enrolled)::int AS trial_enrolled_count,
                   100.0 * invited::int AS invited_rate,
                   100.0 * trialled::int AS trial_rate,
                   100.0 * enrolled::int AS enrolled_rate,
                   100.0 * won::int AS won_rate,
                   CASE WHEN trialled THEN 100.0 * enrolled::int END AS trial_conversion_rate
              FROM flags
            """
        )

    @api.model
    def _get_funnel(self, domain=None):
        """The funnel's four steps over the rows of `domain`, as counts."""
        totals = self._read_group(
            domain or [],
            [],
            [
                "invited_count:sum",
                "visited_count:sum",
                "trial_count:sum",
                "enrolled_count:sum",
            ],
        )[0]
        return dict(zip(("invited", "visited", "trial", "enrolled"), totals, strict=True))

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.training_crm.models.training_crm_followup import DEFAULT_GAP_DAYS


class TrainingCrmConsultantSnapshot(models.Model):
    """Each consultant's open leads as they stood on a day: how many, how many
    followed up within their grade's gap, overdue, with complete information.

    No table keeps a lead's state at the end of a past month (a lead followed
    up on the 2nd of the next month is no longer overdue): a nightly scheduled
    action writes one row per consultant and team, and the consultant report
    reads the last day of each month."""

    _name = "training.crm.consultant.snapshot"
    _description = "Consultant Daily Snapshot"
    _order = "day desc, user_id, id"
    _rec_name = "day"

    day = fields.Date(required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index="btree_not_null")

    # Counts of the consultant's open leads on that day
    open_lead_count = fields.Integer(string="Open Leads", readonly=True)
    covered_lead_count = fields.Integer(
        string="Followed Up in Time",
        readonly=True,
        help="Open leads last followed up no longer ago than their grade's follow-up gap.",
    )
    overdue_lead_count = fields.Integer(
        string="Overdue Leads",
        readonly=True,
        help="Open leads whose next follow-up date had passed.",
    )
    complete_lead_count = fields.Integer(
        string="Complete Information",
        readonly=True,
        help="Open leads with a name, a phone number or WeChat ID, a course of interest "
        "and a grade.",
    )

    _sql_constraints = [
        (
            "day_user_team_company_uniq",
            "UNIQUE NULLS NOT DISTINCT (day, user_id, team_id, company_id)",
            "One snapshot per consultant, team and day.",
        )
    ]

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_take_snapshot(self):
        """Today's state (the company's calendar day) of every consultant's
        open leads, replacing a snapshot already taken today; then the
        consultant report's closed months, which read the snapshots."""
        self._take_snapshot()
        self.env["training.crm.consultant.report"]._refresh_closed_months()

    @api.model
    def _take_snapshot(self, now=None):
        """One statement for all companies; `now` (UTC) for tests."""
        lead_fields = [
            "active",
            "probability",
            "user_id",
            "team_id",
            "company_id",
            "last_followup_date",
            "next_followup_date",
            "contact_name",
            "partner_id",
            "phone",
            "mobile",
            "training_wechat",
            "course_ids",
            "intent_grade_id",
        ]
        self.env["crm.lead"].flush_model(lead_fields)
        self.env["training.crm.grade"].flush_model(["followup_gap_days"])
        now = now or fields.Datetime.now()
        # Taken again the same day (by hand, or a retried run): today's rows are replaced.
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM training_crm_consultant_snapshot
                 WHERE day IN (SELECT ((%(now)s::timestamp AT TIME ZONE 'UTC')
                                       AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date
                                 FROM res_company c
                                 JOIN res_partner cp ON cp.id = c.partner_id
                                UNION SELECT %(now)s::date)
                """,
                now=now,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                WITH lead AS (
                    SELECT l.*, COALESCE(cp.tz, 'UTC') AS tz,
                           ((%(now)s::timestamp AT TIME ZONE 'UTC')
                             AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date AS today
                      FROM crm_lead l
                 LEFT JOIN res_company c ON c.id = l.company_id
                 LEFT JOIN res_partner cp ON cp.id = c.partner_id
                     WHERE l.active AND l.probability < 100 AND l.user_id IS NOT NULL
                ), counted AS (
                    SELECT l.today AS day, l.user_id, l.team_id, l.company_id,
                           count(*) AS open_lead_count,
                           count(*) FILTER (
                               WHERE ((l.last_followup_date AT TIME ZONE 'UTC')
                                      AT TIME ZONE l.tz)::date
                                     >= l.today - COALESCE(NULLIF(g.followup_gap_days, 0), %(gap)s)
                           ) AS covered_lead_count,
                           count(*) FILTER (WHERE l.next_followup_date < l.today)
                               AS overdue_lead_count,
                           count(*) FILTER (
                               WHERE (COALESCE(l.contact_name, '') != ''
                                      OR l.partner_id IS NOT NULL)
                                 AND (COALESCE(l.phone, '') != '' OR COALESCE(l.mobile, '') != ''
                                      OR COALESCE(l.training_wechat, '') != '')
                                 AND l.intent_grade_id IS NOT NULL
                                 AND EXISTS (SELECT 1 FROM crm_lead_training_course_rel r
                                              WHERE r.lead_id = l.id)
                           ) AS complete_lead_count
                      FROM lead l
                 LEFT JOIN training_crm_grade g ON g.id = l.intent_grade_id
                  GROUP BY l.today, l.user_id, l.team_id, l.company_id
                )
                INSERT INTO training_crm_consultant_snapshot
                       (day, user_id, team_id, company_id, open_lead_count, covered_lead_count,
                        overdue_lead_count, complete_lead_count,
                        create_uid, create_date, write_uid, write_date)
                SELECT day, user_id, team_id, company_id, open_lead_count, covered_lead_count,
                       overdue_lead_count, complete_lead_count,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM counted
                """,
                now=now,
                gap=DEFAULT_GAP_DAYS,
                uid=self.env.uid,
            )
        )
        self.invalidate_model()

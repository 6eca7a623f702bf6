# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

SLA_STATES = [("met", "Met"), ("missed", "Missed"), ("running", "Running")]


class TrainingComplaintReport(models.Model):
    """Complaint statistics for supervisors, one row per complaint (ticket of
    a Complaints team).

    The rates are 0 or 100 per complaint and averaged over the rows grouped,
    so that any grouping (category, course, consultant, month) reads as a
    percentage. A service level is met once its step is reached in time,
    missed once it expired or runs past its deadline, running while still in
    time: its rate is empty then, so that averages count only the complaints
    where it is decided, not the ones still within their deadline."""

    _name = "training.complaint.report"
    _description = "Complaint Statistics"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "ticket_id"
    # Pending writes on these are flushed before the statistics are read.
    _depends = {
        "helpdesk.ticket": [
            "active",
            "category_id",
            "company_id",
            "create_date",
            "stage_id",
            "team_id",
            "training_consultant_id",
            "training_enrollment_id",
            "training_reopen_count",
            "user_id",
        ],
        "helpdesk.ticket.team": ["training_complaint"],
        "helpdesk.ticket.sla": ["deadline", "sla_id", "state", "ticket_id"],
        "helpdesk.sla": ["stage_id"],
        "helpdesk.ticket.stage": ["training_step"],
        "training.enrollment": ["class_id", "course_id"],
    }

    # ------------------------------------------------------------
    # Dimensions
    # ------------------------------------------------------------
    ticket_id = fields.Many2one("helpdesk.ticket", string="Complaint", readonly=True)
    date = fields.Datetime(string="Received", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    course_id = fields.Many2one(
        "training.course",
        readonly=True,
        help="The course of the enrolment the complaint is about.",
    )
    class_id = fields.Many2one("training.class", readonly=True)
    consultant_id = fields.Many2one("res.users", string="Consultant Concerned", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Customer Service",
        readonly=True,
        help="Who handles the complaint (its owner on the helpdesk).",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    active = fields.Boolean(readonly=True)

    # ------------------------------------------------------------
    # Service levels, per complaint
    # ------------------------------------------------------------
    contacted_sla = fields.Selection(
        SLA_STATES, string="Contact SLA", readonly=True, help="The family contacted in time?"
    )
    plan_sla = fields.Selection(
        SLA_STATES, string="Plan SLA", readonly=True, help="A resolution plan given in time?"
    )
    resolved_sla = fields.Selection(
        SLA_STATES, string="Resolution SLA", readonly=True, help="Resolved in time?"
    )

    # ------------------------------------------------------------
    # Measures: rates (averages of 0/100, empty while undecided)
    # ------------------------------------------------------------
    contacted_on_time = fields.Float(
        string="Contacted on Time (%)",
        aggregator="avg",
        readonly=True,
        help="Of the complaints whose contact service level is decided, how many had "
        "the family contacted before its deadline.",
    )
    plan_on_time = fields.Float(
        string="Plan on Time (%)",
        aggregator="avg",
        readonly=True,
        help="Of the complaints whose plan service level is decided, how many had a "
        "resolution plan given before its deadline.",
    )
    resolved_on_time = fields.Float(
        string="Resolved within SLA (%)",
        aggregator="avg",
        readonly=True,
        help="Of the complaints whose resolution service level is decided, how many "
        "were resolved before its deadline.",
    )
    reopened = fields.Float(
        string="Reopened (%)",
        aggregator="avg",
        readonly=True,
        help="Of the complaints, how many were reopened after being resolved or closed.",
    )

    # ------------------------------------------------------------
    # Measures: counts (sums)
    # ------------------------------------------------------------
    reopen_count = fields.Integer(string="Times Reopened", readonly=True)

    # ------------------------------------------------------------
    # Query
    # ------------------------------------------------------------
    @property
    def _table_query(self):
        return SQL(
            "SELECT %s FROM %s WHERE %s",
            self._select(),
            self._from(),
            self._where(),
        )

    def _select(self):
        return SQL(
            """
            ticket.id AS id,
            ticket.id AS ticket_id,
            ticket.create_date AS date,
            ticket.category_id,
            ticket.team_id,
            ticket.stage_id,
            enrollment.course_id,
            enrollment.class_id,
            ticket.training_consultant_id AS consultant_id,
            ticket.user_id,
            ticket.company_id,
            ticket.active,
            sla.contacted_sla,
            sla.plan_sla,
            sla.resolved_sla,
            %s,
            %s,
            %s,
            CASE WHEN COALESCE(ticket.training_reopen_count, 0) > 0
                 THEN 100.0 ELSE 0.0 END AS reopened,
            COALESCE(ticket.training_reopen_count, 0) AS reopen_count
            """,
            self._sla_rate("contacted_sla", "contacted_on_time"),
            self._sla_rate("plan_sla", "plan_on_time"),
            self._sla_rate("resolved_sla", "resolved_on_time"),
        )

    def _from(self):
        """Each complaint's service levels by step, read through the ticket's
        index on helpdesk_ticket_sla: only the complaints a domain keeps."""
        return SQL(
            """
            helpdesk_ticket ticket
            JOIN helpdesk_ticket_team team
                 ON team.id = ticket.team_id AND team.training_complaint
            LEFT JOIN training_enrollment enrollment
                 ON enrollment.id = ticket.training_enrollment_id
            LEFT JOIN LATERAL (
                SELECT %s, %s, %s
                  FROM helpdesk_ticket_sla line
                  JOIN helpdesk_sla service_level ON service_level.id = line.sla_id
                  JOIN helpdesk_ticket_stage sla_stage ON sla_stage.id = service_level.stage_id
                 WHERE line.ticket_id = ticket.id
            ) sla ON TRUE
            """,
            self._sla_state("contacted", "contacted_sla"),
            self._sla_state("plan", "plan_sla"),
            self._sla_state("resolved", "resolved_sla"),
        )

    def _where(self):
        return SQL("TRUE")

    def _sla_state(self, step, alias):
        """Met when the complaint's service levels of `step` are all met,
        missed when one is missed or running past its deadline, running while
        they still run in time (or are on hold); empty without any."""
        on_step = SQL("sla_stage.training_step = %s", step)
        return SQL(
            """
            CASE WHEN bool_or(
                     line.state = 'expired'
                     OR (line.state = 'in_progress'
                         AND line.deadline < NOW() AT TIME ZONE 'UTC')
                 ) FILTER (WHERE %(on_step)s) THEN 'missed'
                 WHEN bool_and(line.state = 'accomplished') FILTER (WHERE %(on_step)s)
                 THEN 'met'
                 WHEN bool_or(TRUE) FILTER (WHERE %(on_step)s) THEN 'running'
            END AS %(alias)s
            """,
            on_step=on_step,
            alias=SQL.identifier(alias),
        )

    def _sla_rate(self, state, alias):
        """100 when met, 0 when missed, NULL while running: averages count
        the decided complaints only."""
        return SQL(
            "CASE sla.%(state)s WHEN 'met' THEN 100.0 WHEN 'missed' THEN 0.0 END AS %(alias)s",
            state=SQL.identifier(state),
            alias=SQL.identifier(alias),
        )

from ast import literal_eval
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.osv import expression


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    # The pool's rules: what each member holds, for supervisors
    training_holding_cap = fields.Integer(
        string="Holding Cap",
        help="Open leads this member may hold from the team's pool. 0: the team's cap.",
    )

    _sql_constraints = [
        (
            "training_holding_cap_not_negative",
            "CHECK(training_holding_cap >= 0)",
            "The holding cap cannot be negative.",
        ),
    ]
    training_holding_count = fields.Integer(
        string="Open Leads Held",
        compute="_compute_training_holding",
        groups="training_crm.group_supervisor",
        help="Open leads the member owns, in every team (won and lost leads do not count).",
    )
    training_holding_cap_applied = fields.Integer(
        string="Cap Applied",
        compute="_compute_training_holding",
        groups="training_crm.group_supervisor",
        help="The cap that applies: the member's own, else the team's, else Settings'. "
        "0: none (supervisors have none).",
    )

    # Distribution: what this member receives from the team's pool
    training_distribution = fields.Boolean(related="crm_team_id.training_distribution")
    training_course_ids = fields.Many2many(
        "training.course",
        "crm_team_member_training_course_rel",
        "member_id",
        "course_id",
        string="Distributed Courses",
        help="Distribution hands this member only leads interested in one of these "
        "courses, on top of the assignment domain. Empty: any course.",
    )
    training_source_ids = fields.Many2many(
        "utm.source",
        "crm_team_member_training_source_rel",
        "member_id",
        "source_id",
        string="Distributed Sources",
        help="Distribution hands this member only leads from one of these sources, on top "
        "of the assignment domain. Empty: any source.",
    )

    @api.depends("user_id", "crm_team_id", "training_holding_cap")
    @api.depends_context("uid")
    def _compute_training_holding(self):
        counts = self.env["crm.lead"]._get_training_holding_counts(self.user_id)
        for member in self:
            member.training_holding_count = counts.get(member.user_id, 0)
            member.training_holding_cap_applied = (
                member.crm_team_id._get_training_holding_cap(member.user_id)
                if member.user_id
                else 0
            )

    # The pool a consultant sees is their teams' (record rules read user.crm_team_ids),
    # and record rules are cached per user: a membership change must drop that cache.

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        self.env.registry.clear_cache()
        return members

    def write(self, vals):
        res = super().write(vals)
        if {"user_id", "crm_team_id", "active"} & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------
    # DISTRIBUTION
    # ------------------------------------------------------------

    def _get_training_distribution_filter(self):
        """The leads this member takes: stock's assignment domain, and their
        courses and sources when set."""
        self.ensure_one()
        domains = [literal_eval(self.assignment_domain or "[]")]
        if self.training_course_ids:
            domains.append([("course_ids", "in", self.training_course_ids.ids)])
        if self.training_source_ids:
            domains.append([("source_id", "in", self.training_source_ids.ids)])
        return expression.AND(domains)

    def _get_training_distribution_quotas(self, force_quota=False):
        """({member: leads it may receive now}, {member: holding cap}): stock's
        quota (_get_assignment_quota), none outside the member's working hours,
        at most the room left under their holding cap (0: no cap)."""
        working = self._get_training_working_members()
        held = self.env["crm.lead"]._get_training_holding_counts(self.user_id)
        quotas, caps = {}, {}
        for member in self:
            caps[member] = member.crm_team_id._get_training_holding_cap(member.user_id)
            quota = int(member._get_assignment_quota(force_quota=force_quota))
            if member not in working:
                quota = 0
            if caps[member]:
                quota = min(quota, caps[member] - held.get(member.user_id, 0))
            quotas[member] = max(quota, 0)
        return quotas, caps

    def _get_training_working_members(self):
        """The members within their working time now: their own working hours
        (their resource's calendar), else their team's company's, else their
        own company's; leaves and public holidays excluded. No calendar at all:
        always."""
        now = pytz.utc.localize(fields.Datetime.now())
        working = self.browse()
        by_calendar = self.grouped(
            lambda member: (
                member.user_id.resource_calendar_id
                or member.crm_team_id.company_id.resource_calendar_id
                or member.user_id.company_id.resource_calendar_id
            )
        )
        for calendar, members in by_calendar.items():
            if not calendar:
                working |= members
                continue
            resources = {
                member: member.user_id.resource_ids.filtered(
                    lambda resource, calendar=calendar: resource.calendar_id == calendar
                )[:1]
                for member in members
            }
            intervals = calendar._work_intervals_batch(
                now,
                now + timedelta(minutes=1),
                resources=self.env["resource.resource"].union(*resources.values()),
            )
            working |= self.browse(
                member.id for member in members if intervals[resources[member].id]
            )
        return working

"""Distribution (分配): a team's new pool leads handed to its members by stock
crm's own lead assignment (the assignment cron, "Assign Leads", each member's
assignment_max and assignment_domain), under the pool's rules: holding caps,
course and source filters, working hours, a person another consultant
follows left to them, disputes left to supervisors, duplicates never merged
across owners."""

from ast import literal_eval
from datetime import timedelta

import pytz

from odoo import fields, models
from odoo.osv import expression


# Kept apart from crm_team.py and crm_team_member.py: distribution is one feature
# on two models, and the pool's other rules change in those files meanwhile.
class CrmTeam(models.Model):
    _inherit = "crm.team"  # pylint: disable=consider-merging-classes-inherited

    # Distribution (opt-in): stock assignment under the pool's rules
    training_distribution = fields.Boolean(
        string="Distribute Pool Leads",
        tracking=True,
        help="Lead assignment hands this team's new pool leads to its members: each under "
        "their holding cap, within their working hours, by their courses and sources. "
        "Duplicate leads are not merged by e-mail (collisions and disputes decide who "
        "follows a person). Leads nobody can take stay in the pool.",
    )

    # ------------------------------------------------------------
    # LEAD ASSIGNMENT (stock crm's, for distributing teams)
    # ------------------------------------------------------------

    def _allocate_leads_deduplicate(self, leads, duplicates_cache=None):
        """Stock allocation merges the leads of one e-mail into one, whoever
        follows them: past the collision and dispute rules. A distributing team
        only takes the leads into its pool."""
        self.ensure_one()
        if not self.training_distribution:
            return super()._allocate_leads_deduplicate(leads, duplicates_cache=duplicates_cache)
        leads._handle_salesmen_assignment(user_ids=None, team_id=self.id)
        return {"assigned": set(leads.ids), "merged": set(), "duplicates": set()}

    def _assign_and_convert_leads(self, force_quota=False):
        """Stock teams keep stock assignment; distributing teams hand out their
        pool (see _distribute_training_leads). Same result structure, so that
        "Assign Leads" reports both alike."""
        distributing = self.filtered("training_distribution")
        if not distributing:
            return super()._assign_and_convert_leads(force_quota=force_quota)
        result = {}
        if self - distributing:
            result = super(CrmTeam, self - distributing)._assign_and_convert_leads(
                force_quota=force_quota
            )
        result.update(distributing._distribute_training_leads(force_quota=force_quota))
        return result

    def _distribute_training_leads(self, force_quota=False):
        """Stock's member round (_assign_and_convert_leads) on these teams' pools:
        members sorted by quota, each lead of highest probability first to the
        first member whose filters take it, that member then going to the back
        of the line. On top of stock:

        * only new pool leads: no owner, open, no open dispute; a lead of a
          person another consultant follows (collision) goes to that consultant
          only, when they are a member with room, else stays in the pool;
        * a member's quota is stock's (assignment_max / 30 a day), none outside
          their working hours, never past their holding cap;
        * a member's filters are their assignment domain and their courses and
          sources;
        * each member's leads are handed out in one write, through an owner door
          that says so in the chatter (not "changed directly").

        :return dict: {member: {"assigned": leads, "quota": quota}}, as stock's."""
        members = self.crm_team_member_ids.filtered(
            lambda member: not member.assignment_optout and member.user_id.active
        )
        quotas, caps = members._get_training_distribution_quotas(force_quota=force_quota)
        held = self.env["crm.lead"]._get_training_holding_counts(members.user_id)
        leads_per_team = dict(
            self.env["crm.lead"]._read_group(
                self._get_training_distribution_lead_domain(), ["team_id"], ["id:array_agg"]
            )
        )
        result = {}

        def has_room(member):
            return quotas[member] > 0 and not (
                caps[member] and held.get(member.user_id, 0) >= caps[member]
            )

        for team, lead_ids in leads_per_team.items():
            line = [
                member
                for member in members.sorted(lambda member: quotas[member], reverse=True)
                if member.crm_team_id == team and has_room(member)
            ]
            if not line:
                continue
            result.update(
                {
                    member: {"assigned": self.env["crm.lead"], "quota": quotas[member]}
                    for member in line
                }
            )
            leads = self.env["crm.lead"].browse(lead_ids)
            taken_by = {
                member: set(leads.filtered_domain(member._get_training_distribution_filter()).ids)
                for member in line
            }
            # A person another consultant follows (撞单) is theirs or stays in the pool.
            followed_by = {lead.id: lead.collision_user_id for lead in leads.sudo()}
            plan = {member: [] for member in line}
            for lead in leads.sorted(lambda lead: (-lead.probability, lead.id)):
                owner = followed_by[lead.id]
                member = next(
                    (
                        member
                        for member in line
                        if lead.id in taken_by[member] and (not owner or member.user_id == owner)
                    ),
                    None,
                )
                if not member:
                    continue
                plan[member].append(lead.id)
                quotas[member] -= 1
                held[member.user_id] = held.get(member.user_id, 0) + 1
                line.remove(member)
                if has_room(member):
                    line.append(member)
                if not line:
                    break
            for member, member_lead_ids in plan.items():
                if member_lead_ids:
                    member_leads = self.env["crm.lead"].browse(member_lead_ids)
                    team._hand_out_training_leads(member_leads, member.user_id)
                    result[member]["assigned"] = member_leads
        return result

    def _get_training_distribution_lead_domain(self):
        """New pool leads of these teams: stock's leads to assign (no salesperson,
        never assigned), open, not in an open dispute."""
        return expression.AND(
            [
                self._get_lead_to_assign_domain(),
                self.env["crm.lead"]._get_open_domain(),
                [("dispute_ids", "not any", [("state", "=", "open")])],
            ]
        )

    def _hand_out_training_leads(self, leads, user):
        """Give `leads` to `user` as stock assignment does (converted to
        opportunities, the salesperson set in one write), through an owner
        door: one chatter note per lead says they were distributed, instead
        of tracking the salesperson as a change without a reason.

        As superuser: the caller passed stock's check (Sales Administrator or
        the assignment cron), and the quota kept the user under their cap."""
        self.ensure_one()
        leads = leads.sudo().with_context(
            mail_auto_subscribe_no_notify=True,
            training_crm_owner_door=True,
            tracking_disable=True,
        )
        for partner, partner_leads in leads.grouped("partner_id").items():
            partner_leads.convert_opportunity(partner)
        leads._handle_salesmen_assignment(user_ids=user.ids)
        body = leads.with_context(lang=leads._get_training_lang(user)).env._(
            "Distributed from the %(team)s pool to %(user)s.", team=self.name, user=user.name
        )
        leads._message_log_event(dict.fromkeys(leads.ids, body), "training_crm.mt_lead_distributed")


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"  # pylint: disable=consider-merging-classes-inherited

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

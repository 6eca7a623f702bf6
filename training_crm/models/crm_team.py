from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # The pool's rules
    training_holding_cap = fields.Integer(
        string="Holding Cap",
        help="Open leads a consultant may hold from this team's pool (私海库容): claims, "
        "assignments and first contacts past it are refused. Won leads do not count. "
        "0: the cap in Settings. A member's own cap comes first.",
    )
    training_claim_cooldown_days = fields.Integer(
        string="Claim Cool-down (days)",
        help="A consultant whose lead returned to this team's pool (reclaimed or handed "
        "back) cannot take it again for this many days (前负责人领取限制). "
        "0: the cool-down in Settings.",
    )
    training_pool_wait_hours = fields.Integer(
        string="New-in-Pool Wait (hours)",
        help="A lead that enters this team's pool waits this many hours before consultants "
        "can take it, so that the first to refresh does not take everything. "
        "0: the wait in Settings.",
    )

    # Distribution (opt-in): stock assignment under the pool's rules
    training_distribution = fields.Boolean(
        string="Distribute Pool Leads",
        tracking=True,
        help="Lead assignment hands this team's new pool leads to its members: each under "
        "their holding cap, within their working hours, by their courses and sources. "
        "Duplicate leads are not merged by e-mail (collisions and disputes decide who "
        "follows a person). Leads nobody can take stay in the pool.",
    )

    _sql_constraints = [
        (
            "training_holding_cap_not_negative",
            "CHECK(training_holding_cap >= 0)",
            "The holding cap cannot be negative.",
        ),
        (
            "training_claim_cooldown_days_not_negative",
            "CHECK(training_claim_cooldown_days >= 0)",
            "The claim cool-down cannot be negative.",
        ),
        (
            "training_pool_wait_hours_not_negative",
            "CHECK(training_pool_wait_hours >= 0)",
            "The new-in-pool wait cannot be negative.",
        ),
    ]

    # Supervision dashboard (the supervisor's landing page)
    training_dispute_count = fields.Integer(
        compute="_compute_training_dashboard", string="Open Disputes"
    )
    training_overdue_count = fields.Integer(
        compute="_compute_training_dashboard", string="Overdue Follow-ups"
    )
    training_invalidation_count = fields.Integer(
        compute="_compute_training_dashboard", string="Invalidations This Week"
    )
    training_won_count = fields.Integer(
        compute="_compute_training_dashboard", string="Conversions This Month"
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends_context("uid", "tz")
    def _compute_training_dashboard(self):
        """Four counts of a page of teams: one grouped query each, counting
        what the current user may read."""
        counts = {
            fname: dict(self.env[model]._read_group(domain, ["team_id"], ["__count"]))
            for fname, model, domain in self._get_training_dashboard_domains()
        }
        for team in self:
            for fname, by_team in counts.items():
                team[fname] = by_team.get(team, 0)

    def _get_training_dashboard_domains(self):
        """(counter, model, domain) of each counter, on these teams."""
        Lead = self.env["crm.lead"]
        today = Lead._get_training_today()
        week_start = self._get_training_utc_start(today - timedelta(days=today.weekday()))
        month_start = self._get_training_utc_start(today.replace(day=1))
        teams = [("team_id", "in", self.ids)]
        return [
            ("training_dispute_count", "training.crm.dispute", [*teams, ("state", "=", "open")]),
            ("training_overdue_count", "crm.lead", [*teams, ("followup_overdue", "=", True)]),
            (
                "training_invalidation_count",
                "training.crm.invalidation",
                [*teams, ("date", ">=", week_start)],
            ),
            (
                "training_won_count",
                "crm.lead",
                [*teams, ("probability", ">=", 100), ("date_closed", ">=", month_start)],
            ),
        ]

    def _get_training_holding_cap(self, user):
        """The most open leads `user` may hold when taking a lead of this team
        (of no team: empty): the member's own cap, else the team's, else
        Settings'. 0: no cap. Supervisors have none: they bypass the pool's
        guards."""
        if user._is_training_supervisor() or not user.has_group("training_crm.group_consultant"):
            return 0
        team = self.sudo()[:1]
        member = team.crm_team_member_ids.filtered(lambda m: m.user_id == user)[:1]
        return (
            member.training_holding_cap
            or team.training_holding_cap
            or self.env["crm.lead"]._get_int_param("training_crm.holding_cap", 0)
        )

    def _get_training_claim_cooldown_days(self):
        """Days a lead's previous owner waits before taking it again from this
        team's pool (of no team: empty): the team's, else Settings'. 0: none."""
        Lead = self.env["crm.lead"]
        return self.sudo()[:1].training_claim_cooldown_days or Lead._get_int_param(
            "training_crm.claim_cooldown_days", 0
        )

    def _get_training_pool_wait_hours(self):
        """Hours a lead new to this team's pool waits before consultants take
        it (of no team: empty): the team's, else Settings'. 0: none."""
        Lead = self.env["crm.lead"]
        return self.sudo()[:1].training_pool_wait_hours or Lead._get_int_param(
            "training_crm.pool_wait_hours", 0
        )

    @api.model
    def _get_training_utc_start(self, day):
        """The UTC moment the acting user's local day starts (naive, as stored)."""
        tz = self.env["crm.lead"]._get_training_tz()
        start = tz.localize(datetime.combine(day, time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    @api.model
    def action_training_home(self):
        """The CRM app opens on each role's page: a consultant's day, a
        supervisor's teams; Sales Administrators and other salesmen keep
        stock CRM's pipeline."""
        user = self.env.user
        if user.has_group("training_crm.group_consultant") and not user.has_group(
            "sales_team.group_sale_manager"
        ):
            xmlid = (
                "training_crm.crm_team_action_supervision"
                if user._is_training_supervisor()
                else "training_crm.crm_lead_action_my_day"
            )
            return self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        return self.action_your_pipeline()

    def action_training_open_counter(self):
        """The leads, disputes or invalidations behind a counter of the card."""
        self.ensure_one()
        fname = self.env.context.get("training_counter")
        counters = {
            fname: (model, domain)
            for fname, model, domain in self._get_training_dashboard_domains()
        }
        if fname not in counters:
            return False
        model, domain = counters[fname]
        action = {
            "type": "ir.actions.act_window",
            "name": self._fields[fname].get_description(self.env)["string"],
            "res_model": model,
            "domain": domain,
            "views": [(False, "list"), (False, "form")],
            "context": {"create": False},
        }
        if fname == "training_overdue_count":
            # Overdue by consultant: who is behind, at a glance.
            action["context"] = {"create": False, "group_by": ["user_id"]}
        return action

    @api.model
    def _action_update_to_pipeline(self, action):
        """Auditors belong to no team and own no lead: their pipeline is every
        lead, unfiltered, without crm's invitation to join a team."""
        action = super()._action_update_to_pipeline(action)
        user = self.env.user
        if user.has_group("training_crm.group_auditor") and not user.has_group(
            "sales_team.group_sale_salesman"
        ):
            action["context"] = {
                key: value
                for key, value in action["context"].items()
                if key != "search_default_assigned_to_me"
            }
            action["help"] = Markup("<p class='o_view_nocontent_empty_folder'>%s</p><p>%s</p>") % (
                self.env._("No opportunity"),
                self.env._("As an auditor, you read every team's pipeline; you change nothing."),
            )
        return action

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

from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models


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

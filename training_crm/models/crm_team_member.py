from odoo import api, fields, models


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

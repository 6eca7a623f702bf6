from odoo import api, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

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

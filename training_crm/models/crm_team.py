from markupsafe import Markup

from odoo import api, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

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

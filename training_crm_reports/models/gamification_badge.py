from odoo import fields, models
from odoo.exceptions import AccessError

from .training_crm_champion import KINDS


class GamificationBadge(models.Model):
    """The school's awards are gamification badges, so that Odoo's profiles
    and the badge's own history show them. Only supervisors grant them: a
    consultant cannot award a colleague (or themselves) a champion's title."""

    _name = "gamification.badge"
    _inherit = ["training.crm.mail.mixin", "gamification.badge"]

    training_award_kind = fields.Selection(
        KINDS,
        string="Award For",
        help="The champions' ranking this badge rewards. Supervisors record it for a period, "
        "with the reason, from Champions or Awards.",
    )

    def _can_grant_badge(self):
        if self.training_award_kind:
            if self.env.su or self.env.user._is_training_supervisor():
                return self.CAN_GRANT
            return self.NOBODY_CAN_GRANT
        return super()._can_grant_badge()

    def check_granting(self):
        if self.training_award_kind and self._can_grant_badge() != self.CAN_GRANT:
            raise AccessError(self.env._("Only supervisors record awards."))
        return super().check_granting()

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.training_crm_meeting_pack import NO_LOG, PACK_KINDS


class TrainingCrmMeetingPackPrint(models.TransientModel):
    """Print a weekly meeting pack or monthly summary on demand, for any
    week or month: a supervisor's of the company or of a team, a team
    leader's of their team."""

    _name = "training.crm.meeting.pack.print"
    _description = "Print a Meeting Pack"

    kind = fields.Selection(PACK_KINDS, required=True, default="weekly")
    date = fields.Date(
        string="Day in the Period",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=7),
        help="The week (Monday to Sunday) or month that contains this day.",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", help="Empty: the whole company (supervisors only)."
    )

    def action_print(self):
        self.ensure_one()
        user = self.env.user
        if not user._is_training_supervisor() and (
            not self.team_id or self.team_id.user_id != user
        ):
            raise UserError(
                self.env._("Only supervisors, and team leaders for their own team, print packs.")
            )
        Pack = self.env["training.crm.meeting.pack"]
        date_from, date_to = Pack._get_training_pack_period(
            self.kind,
            # the day after the period: its pack is the last complete one before
            self.date + timedelta(days=7 - self.date.weekday())
            if self.kind == "weekly"
            else (self.date.replace(day=28) + timedelta(days=4)).replace(day=1),
        )
        pack = Pack.with_context(**NO_LOG).create(
            {
                "kind": self.kind,
                "date_from": date_from,
                "date_to": date_to,
                "team_id": self.team_id.id,
                "company_id": (self.team_id.company_id or self.env.company).id,
            }
        )
        pack._compute_training_pack_lines()
        return pack.action_print()

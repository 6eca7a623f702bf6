# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_datetime

WARNING_BATCH_SIZE = 200
WARNING_BATCHES_PER_CALL = 10
ACTIVITY_TYPE = "training_crm_helpdesk.mail_activity_type_complaint_sla"


class HelpdeskTicketSla(models.Model):
    _inherit = "helpdesk.ticket.sla"

    # The complaint statistics read each complaint's service levels by ticket.
    ticket_id = fields.Many2one(index=True)
    training_warned = fields.Boolean(
        string="Breach Warned",
        readonly=True,
        copy=False,
        help="The complaint's owner and a supervisor were given an activity shortly "
        "before this service level's deadline (once).",
    )

    # ------------------------------------------------------------
    # BUSINESS: warnings before a breach
    # ------------------------------------------------------------

    @api.model
    def _cron_warn_complaint_breaches(self, batch_size=WARNING_BATCH_SIZE):
        """Shortly before a complaint's service level runs out (the setting's
        minutes), its owner and a supervisor get an activity, once: the step
        can still be reached in time. Batched, committed outside tests."""
        minutes = self.env["crm.lead"]._get_int_param(
            "training_crm_helpdesk.sla_warning_minutes", 30
        )
        ids = self._get_complaint_lines_at_risk(minutes).ids
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = 0
        for start in range(0, len(ids), batch_size)[:WARNING_BATCHES_PER_CALL]:
            batch = self.browse(ids[start : start + batch_size])
            batch._warn_breach()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)

    def _get_complaint_lines_at_risk(self, minutes):
        """Complaints' service levels still running whose deadline falls within
        `minutes`, or has passed unwarned (the cron was down), not yet warned."""
        return self.sudo().search(
            [
                ("state", "=", "in_progress"),
                ("deadline", "<=", fields.Datetime.now() + timedelta(minutes=minutes)),
                ("training_warned", "=", False),
                ("ticket_id.team_id.training_complaint", "=", True),
                ("ticket_id.active", "=", True),
            ],
            order="deadline, id",
        )

    def _warn_breach(self):
        """One activity per complaint for its owner and each supervisor, in
        their language, naming the service levels at risk and the first
        deadline, without e-mail (staff may have no address); then the flags,
        so that nobody is warned twice."""
        activity_type = self.env.ref(ACTIVITY_TYPE).sudo()
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        lines_by_ticket = defaultdict(lambda: self.browse())
        for line in self.sudo():
            lines_by_ticket[line.ticket_id] |= line
        values = []
        for ticket, lines in lines_by_ticket.items():
            deadline = min(lines.mapped("deadline"))
            tz = ticket.team_id.resource_calendar_id.tz or "Asia/Shanghai"
            for user in ticket.user_id | ticket._get_training_supervisors():
                lang = user.lang or ticket._get_training_lang()
                env = self.with_context(lang=lang).env
                values.append(
                    {
                        "activity_type_id": activity_type.id,
                        "summary": env._(
                            "%(service_level)s: due %(deadline)s",
                            service_level=", ".join(
                                lines.sla_id.with_context(lang=lang).mapped("name")
                            ),
                            deadline=format_datetime(
                                env, deadline, tz=tz, dt_format="short", lang_code=lang
                            ),
                        ),
                        "automated": True,
                        "date_deadline": fields.Datetime.context_timestamp(
                            ticket.with_context(tz=tz), deadline
                        ).date(),
                        "res_model_id": model_id,
                        "res_id": ticket.id,
                        "user_id": user.id,
                    }
                )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            values
        )
        self.sudo().write({"training_warned": True})

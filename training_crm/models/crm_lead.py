import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, plaintext2html

_logger = logging.getLogger(__name__)

# Written only by the follow-up log (as superuser): they decide ownership and invalidation.
LOG_FIELDS = (
    "first_contact_date",
    "first_contact_user_id",
    "followup_count",
    "last_followup_date",
    "failed_attempt_count",
    "failed_attempt_reset_date",
)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    intent_grade_id = fields.Many2one(
        "training.crm.grade",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        help="How soon the person is expected to enrol (S: within 7 days … D: just looking).",
    )
    intent_grade_code = fields.Char(related="intent_grade_id.code", string="Grade Code")
    first_contact_date = fields.Datetime(
        readonly=True,
        copy=False,
        tracking=True,
        help="When a consultant first reached the person: the start of ownership (判客).",
    )
    first_contact_user_id = fields.Many2one(
        "res.users",
        string="First Contact By",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    followup_ids = fields.One2many("training.crm.followup", "lead_id", string="Follow-ups")
    followup_count = fields.Integer(
        compute="_compute_followup_stats", store=True, precompute=True, string="Follow-up Count"
    )
    last_followup_date = fields.Datetime(
        compute="_compute_followup_stats", store=True, precompute=True, string="Last Follow-up"
    )
    failed_attempt_count = fields.Integer(
        compute="_compute_followup_stats",
        store=True,
        precompute=True,
        string="Failed Attempts in a Row",
        help="Consecutive follow-ups that did not reach the person or found no interest. "
        "At the configured number, the lead becomes invalid (lost).",
    )
    failed_attempt_reset_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="Attempts before this moment no longer count (set when a lost lead is restored).",
    )
    next_followup_date = fields.Date(
        compute="_compute_next_followup_date",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        string="Next Follow-up",
        help="Planned date of the next contact; past it, the lead is overdue.",
    )
    followup_overdue = fields.Boolean(
        compute="_compute_followup_overdue",
        search="_search_followup_overdue",
        string="Follow-up Overdue",
    )

    @api.depends(
        "followup_ids.date",
        "followup_ids.outcome",
        "failed_attempt_reset_date",
    )
    def _compute_followup_stats(self):
        for lead in self:
            followups = lead.followup_ids.sorted(lambda f: (f.date, f.id or 0), reverse=True)
            lead.followup_count = len(followups)
            lead.last_followup_date = followups[:1].date
            reset = lead.failed_attempt_reset_date
            streak = 0
            for followup in followups:
                if not followup.failed or (reset and followup.date <= reset):
                    break
                streak += 1
            lead.failed_attempt_count = streak

    @api.depends("followup_ids.date", "followup_ids.next_date")
    def _compute_next_followup_date(self):
        for lead in self:
            last = lead.followup_ids.sorted(lambda f: (f.date, f.id or 0))[-1:]
            if last:
                lead.next_followup_date = last.next_date
            elif not lead.next_followup_date:
                lead.next_followup_date = False

    @api.depends("next_followup_date", "stage_id.is_won", "active")
    @api.depends_context("tz")
    def _compute_followup_overdue(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.followup_overdue = bool(
                lead.active
                and lead.next_followup_date
                and lead.next_followup_date < today
                and not lead.stage_id.is_won
            )

    def _search_followup_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on overdue follow-ups."))
        overdue = [
            ("next_followup_date", "<", fields.Date.context_today(self)),
            ("stage_id.is_won", "=", False),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    def write(self, vals):
        if not self.env.su and any(fname in vals for fname in LOG_FIELDS):
            raise AccessError(
                self.env._(
                    "First contact and follow-up counters come from the follow-up log "
                    "and cannot be changed by hand."
                )
            )
        return super().write(vals)

    def toggle_active(self):
        """Restoring a lost lead gives it a fresh start: past failures no longer count."""
        res = super().toggle_active()
        restored = self.filtered("active")
        if restored:
            restored.sudo().failed_attempt_reset_date = fields.Datetime.now()
        return res

    def action_log_followup(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Follow-up"),
            "res_model": "training.crm.followup",
            "view_mode": "form",
            "views": [
                (self.env.ref("training_crm.training_crm_followup_view_form_quick").id, "form")
            ],
            "target": "new",
            "context": {"default_lead_id": self.id, "default_grade_id": False},
        }

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_crm_followup_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        return action

    def _set_first_contact(self, user, date):
        """Record the first contact once; an unowned lead goes to whoever made it.

        The row lock makes a concurrent first contact wait for this one and then
        find the lead taken, instead of both writing an owner."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", self.id))
        vals = {"first_contact_date": date, "first_contact_user_id": user.id}
        if not self.user_id:
            vals["user_id"] = user.id
        self.sudo().write(vals)

    def _close_followup_activities(self, followup_by_lead):
        """Mark the due Follow-up activities done, with the follow-up as feedback;
        leads without one get the summary as a note."""
        activity_type = self.env.ref("training_crm.mail_activity_type_followup")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        activities_by_lead = defaultdict(lambda: self.env["mail.activity"])
        for activity in activities:
            activities_by_lead[activity.res_id] |= activity
        for lead in self:
            summary = followup_by_lead[lead]._summary()
            if activities_by_lead[lead.id]:
                activities_by_lead[lead.id]._action_done(feedback=summary)
            else:
                lead.message_post(body=plaintext2html(summary), subtype_xmlid="mail.mt_note")

    def _schedule_next_followup(self, followup_by_lead):
        """One Follow-up activity per open lead, on its owner, at the planned date."""
        groups = defaultdict(lambda: self.env["crm.lead"])
        for lead in self:
            followup = followup_by_lead[lead]
            if lead.active and followup.next_date and followup.outcome != "competitor":
                groups[(followup.next_date, lead.user_id or followup.user_id)] |= lead
        for (date, user), leads in groups.items():
            leads.activity_schedule(
                "training_crm.mail_activity_type_followup",
                date_deadline=date,
                user_id=user.id,
            )

    def _invalidate_after_failed_attempts(self, followup_by_lead):
        """Too many failures in a row, or a competitor signed: the lead becomes an
        invalid customer (无效客户), lost and archived, never deleted."""
        limit = self._invalid_after_attempts()
        reasons = defaultdict(lambda: self.env["crm.lead"])
        for lead in self.filtered("active"):
            if followup_by_lead[lead].outcome == "competitor":
                reasons["training_crm.lost_reason_competitor"] |= lead
            elif limit and lead.failed_attempt_count >= limit:
                streak = lead.followup_ids.sorted(lambda f: (f.date, f.id), reverse=True)[:limit]
                reason = (
                    "training_crm.lost_reason_no_need"
                    if any(streak.mapped("reached"))
                    else "training_crm.lost_reason_unreachable"
                )
                reasons[reason] |= lead
        for xmlid, leads in reasons.items():
            reason = self.env.ref(xmlid)
            leads.action_set_lost(lost_reason_id=reason.id)
            for lead in leads:
                lead._notify_invalidated(reason)

    def _notify_invalidated(self, reason):
        partners = (self.user_id | self._get_training_supervisors()).partner_id
        self.message_post(
            body=self.env._(
                "This lead is now an invalid customer (%(reason)s) and has left the "
                "pipeline. Nothing was deleted: restore it to work on it again.",
                reason=reason.name,
            ),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_note",
        )

    def _get_training_supervisors(self):
        """Who supervises this lead: its team's leader, else every supervisor."""
        leader = self.team_id.user_id
        if leader:
            return leader
        return (
            self.env.ref("training_crm.group_supervisor")
            .sudo()
            .users.filtered(
                lambda user: (
                    not user.share and (not self.company_id or self.company_id in user.company_ids)
                )
            )
        )

    @api.model
    def _invalid_after_attempts(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("training_crm.invalid_after_attempts", "3")
        )
        try:
            return max(int(value), 0)
        except ValueError:
            _logger.warning(
                "training_crm.invalid_after_attempts=%r is not a number; using 3", value
            )
            return 3

import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2.errors import LockNotAvailable

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
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
    "claim_date",
    "collision_lead_id",
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
    intent_grade_code = fields.Char(
        compute="_compute_intent_grade_code",
        inverse="_inverse_intent_grade_code",
        string="Grade Code",
        help="The grade's code (S, A, B…): set the grade by code in imports and integrations.",
    )
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
    claim_date = fields.Datetime(
        readonly=True, copy=False, help="When the salesperson claimed the lead from the pool."
    )
    collision_lead_id = fields.Many2one(
        "crm.lead",
        string="Person Already Followed In",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="An open lead of the same person (same phone or e-mail) owned by another "
        "consultant when this one was created (撞单). A supervisor merges or clears it.",
    )
    collision_user_id = fields.Many2one(
        related="collision_lead_id.user_id", string="Person Owned By"
    )
    dispute_ids = fields.Many2many(
        "training.crm.dispute",
        "training_crm_dispute_lead_rel",
        "lead_id",
        "dispute_id",
        string="Disputes",
        copy=False,
    )
    # compute_sudo: the owner of a disputed lead may not be a side of the dispute.
    in_dispute = fields.Boolean(
        compute="_compute_in_dispute", search="_search_in_dispute", compute_sudo=True
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

    @api.depends("intent_grade_id.code")
    def _compute_intent_grade_code(self):
        for lead in self:
            lead.intent_grade_code = lead.intent_grade_id.code

    def _inverse_intent_grade_code(self):
        codes = {(lead.intent_grade_code or "").strip().upper() for lead in self} - {""}
        grades = self.env["training.crm.grade"].search([("code", "in", list(codes))])
        by_code = {grade.code: grade for grade in grades}
        unknown = codes - set(by_code)
        if unknown:
            raise ValidationError(
                self.env._(
                    "Unknown grade code(s): %(codes)s. Known codes: %(known)s.",
                    codes=", ".join(sorted(unknown)),
                    known=", ".join(
                        self.env["training.crm.grade"].search([], limit=50).mapped("code")
                    ),
                )
            )
        for lead in self:
            code = (lead.intent_grade_code or "").strip().upper()
            lead.intent_grade_id = by_code.get(code, False)
        self.invalidate_recordset(["intent_grade_code"])  # show "S", not what was typed

    @api.depends("dispute_ids.state")
    def _compute_in_dispute(self):
        for lead in self:
            lead.in_dispute = "open" in lead.dispute_ids.mapped("state")

    def _search_in_dispute(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on disputes."))
        domain = [("dispute_ids.state", "=", "open")]
        return domain if (operator == "=") == value else ["!", *domain]

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
            # The last follow-up plans the next one; without any, keep what was set by hand.
            lead.next_followup_date = last.next_date if last else lead.next_followup_date

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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_log_fields(vals_list)
        if self.env.context.get("import_file") or self.env.user.share:
            # Imports and web forms fill the team's pool, not the importer's pipeline.
            for vals in vals_list:
                vals.setdefault("user_id", False)
        leads = super().create(vals_list)
        leads._check_collisions()
        return leads

    def write(self, vals):
        if not self.env.su:
            self._check_log_fields([vals])
            if "user_id" in vals:
                self._check_may_reassign(vals["user_id"])
        reason = self.env.context.get("training_crm_reassign_reason")
        if reason and "user_id" in vals:
            changed = self.filtered(lambda lead: lead.user_id.id != vals["user_id"])
        res = super().write(vals)
        if reason and "user_id" in vals and changed:
            changed._message_log_batch(
                {
                    lead.id: self.env._(
                        "Salesperson changed by %(user)s. Reason: %(reason)s",
                        user=self.env.user.name,
                        reason=reason,
                    )
                    for lead in changed
                }
            )
        return res

    def _merge_dependences(self, opportunities):
        """Merged leads are deleted: their follow-ups and disputes move to the
        master lead first, so that nothing of the log is lost."""
        res = super()._merge_dependences(opportunities)
        followups = opportunities.sudo().followup_ids
        if followups:
            followups.write({"lead_id": self.id})
        for dispute in opportunities.sudo().dispute_ids:
            dispute.write({"lead_ids": [Command.link(self.id)]})
            if dispute.lead_id in opportunities:
                dispute.lead_id = self
        sides = (
            self.env["training.crm.dispute.side"]
            .sudo()
            .search([("lead_id", "in", opportunities.ids)])
        )
        if sides:
            sides.write({"lead_id": self.id})
        return res

    def _check_log_fields(self, vals_list):
        if any(fname in vals for vals in vals_list for fname in LOG_FIELDS):
            raise AccessError(
                self.env._(
                    "First contact, claims, collisions and follow-up counters come from "
                    "the follow-up log and cannot be changed by hand."
                )
            )

    def _check_may_reassign(self, user_id):
        """Owners are decided by first contact, claims and supervisors (no 恶意争抢):
        a consultant may only hand their own lead back to the pool. Salespeople
        outside the Training CRM roles keep stock CRM's behaviour."""
        user = self.env.user
        if self._is_training_supervisor() or not user.has_group("training_crm.group_consultant"):
            return
        for lead in self:
            if lead.user_id.id == user_id or (lead.user_id == self.env.user and not user_id):
                continue
            if lead.user_id:
                raise UserError(
                    self.env._(
                        "%(lead)s belongs to %(owner)s: only a supervisor can reassign it.",
                        lead=lead.display_name,
                        owner=lead.user_id.name,
                    )
                )
            raise UserError(
                self.env._("%(lead)s is in the pool: use Claim to take it.", lead=lead.display_name)
            )

    def _is_training_supervisor(self):
        user = self.env.user
        return user.has_group("training_crm.group_supervisor") or user.has_group(
            "sales_team.group_sale_salesman_all_leads"
        )

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

    def action_claim(self):
        """Take an unowned lead of one's team's pool (公海)."""
        self.ensure_one()
        if not self.env.user.has_group("training_crm.group_consultant"):
            raise AccessError(self.env._("Only consultants can claim leads."))
        self._lock_for_ownership()
        lead = self.sudo()  # a lead taken meanwhile is no longer readable: say by whom
        if lead.user_id:
            raise UserError(
                self.env._(
                    "%(lead)s already belongs to %(owner)s.",
                    lead=lead.display_name,
                    owner=lead.user_id.name,
                )
            )
        self.check_access("read")  # the pool of one's own teams only
        if not lead.active:
            raise UserError(
                self.env._("%(lead)s is lost: it cannot be claimed.", lead=lead.display_name)
            )
        if lead.stage_id.is_won:
            raise UserError(
                self.env._("%(lead)s is won: it cannot be claimed.", lead=lead.display_name)
            )
        owner = lead.collision_lead_id.user_id
        if owner and owner != self.env.user:
            raise UserError(
                self.env._(
                    "%(owner)s already follows this person: %(lead)s is theirs to merge.",
                    owner=owner.name,
                    lead=lead.display_name,
                )
            )
        self._check_claim_limit()
        self._claim_for(self.env.user)
        return True

    def action_open_dispute(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contest Ownership"),
            "res_model": "training.crm.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id, "default_origin": "manual"},
        }

    def action_reassign(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign"),
            "res_model": "training.crm.lead.reassign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }

    def _check_claim_limit(self):
        limit = self._get_int_param("training_crm.claim_daily_limit", 0)
        if not limit:
            return
        day_start = fields.Datetime.to_datetime(fields.Date.context_today(self))
        claimed = self.sudo().search_count(
            [("user_id", "=", self.env.uid), ("claim_date", ">=", day_start)]
        )
        if claimed >= limit:
            raise UserError(
                self.env._(
                    "You have claimed %(count)s leads today, the daily limit: "
                    "follow up on them first.",
                    count=claimed,
                )
            )

    def _lock_for_ownership(self):
        """Lock the leads' rows and re-read their owners as others committed them.

        NOWAIT: a consultant whose colleague takes the same lead at the same
        moment is told so at once instead of waiting; one owner results."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL("SELECT id FROM crm_lead WHERE id = ANY(%s) FOR UPDATE NOWAIT", self.ids)
                )
        except LockNotAvailable:
            raise UserError(
                self.env._(
                    "Someone else is taking %(lead)s right now. Try again in a moment.",
                    lead=", ".join(self.sudo()[:3].mapped("display_name")),
                )
            ) from None
        self.invalidate_recordset(["user_id", "active", "probability", "first_contact_date"])

    def _claim_for(self, user):
        self.sudo().write({"user_id": user.id, "claim_date": fields.Datetime.now()})
        self._message_log(body=self.env._("Claimed from the pool by %(user)s.", user=user.name))

    def _record_first_contacts(self, followup_by_lead):
        """Record each lead's first contact once and decide who owns an unowned
        lead (判客). One lock and one person lookup for the whole batch.

        The first consultant to reach the person owns it. If another consultant
        reached the same person (same phone or e-mail) within the tie window, a
        dispute goes to a supervisor; if the person is already owned elsewhere,
        the lead joins that owner."""
        self._lock_for_ownership()
        leads = self.filtered(lambda lead: not lead.first_contact_date)
        person_leads = leads.filtered(lambda lead: not lead.user_id)._get_person_leads_by_lead()
        window = timedelta(minutes=self._get_int_param("training_crm.tie_window_minutes", 10))
        for lead in leads:
            followup = followup_by_lead[lead]
            user, date = followup.user_id, followup.date
            vals = {"first_contact_date": date, "first_contact_user_id": user.id}
            if lead.user_id:
                lead.sudo().write(vals)
                continue
            rivals = person_leads[lead].filtered(
                lambda other, u=user: other.user_id and other.user_id != u
            )
            tied = rivals.filtered(
                lambda other, u=user, d=date: (
                    other.first_contact_date
                    and other.first_contact_user_id != u
                    and abs(other.first_contact_date - d) <= window
                )
            )
            if rivals and not tied:
                owner_lead = rivals.sorted(
                    lambda other: other.first_contact_date or other.create_date
                )[0]
                vals.update(user_id=owner_lead.user_id.id, collision_lead_id=owner_lead.id)
            else:
                vals["user_id"] = user.id
            lead.sudo().write(vals)
            if tied:
                lead._open_tie_dispute(tied)
            elif rivals:
                # The consultant may no longer see the lead: post as them, with rights.
                lead.sudo().message_post(
                    body=self.env._(
                        "%(user)s reached this person, who is already followed by %(owner)s: "
                        "the lead goes to %(owner)s.",
                        user=user.name,
                        owner=lead.user_id.name,
                    ),
                    partner_ids=(user | lead.user_id).partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                )

    def _open_tie_dispute(self, tied):
        leads = self | tied
        if leads.dispute_ids.filtered(lambda d: d.state == "open"):
            return
        self.env["training.crm.dispute"].sudo().create(
            {
                "lead_id": self.id,
                "lead_ids": [Command.set(leads.ids)],
                "origin": "tie",
                "reason": self.env._(
                    "%(users)s reached the same person within the tie window.",
                    users=", ".join(leads.first_contact_user_id.mapped("name")),
                ),
            }
        )

    def _get_person_leads(self):
        """Other open leads of the same person: same normalised phone or e-mail."""
        self.ensure_one()
        return self._get_person_leads_by_lead()[self]

    def _get_person_leads_by_lead(self):
        """For each lead, the other open leads of its person; one query for all."""
        phones = {lead.phone_sanitized for lead in self} - {False}
        emails = {lead.email_normalized for lead in self} - {False}
        found = self.browse()
        if phones or emails:
            found = self.sudo().search(
                [
                    ("probability", "<", 100),
                    "|",
                    ("phone_sanitized", "in", list(phones)),
                    ("email_normalized", "in", list(emails)),
                ]
            )
        return {
            lead: found.filtered(
                lambda other, lead=lead: (
                    other.id != lead._origin.id
                    and (
                        (lead.phone_sanitized and other.phone_sanitized == lead.phone_sanitized)
                        or (
                            lead.email_normalized
                            and other.email_normalized == lead.email_normalized
                        )
                    )
                )
            )
            for lead in self
        }

    def _check_collisions(self):
        """撞单: a new lead of a person that another consultant's open lead already
        holds does not change who owns the person. It is kept apart, flagged for
        a supervisor to merge, and its creator is told who owns the person;
        nobody else can claim it. One query a batch."""
        leads = self.filtered(lambda lead: lead.phone_sanitized or lead.email_normalized)
        if not leads:
            return
        phones = list({lead.phone_sanitized for lead in leads} - {False})
        emails = list({lead.email_normalized for lead in leads} - {False})
        self.flush_model(
            ["user_id", "phone_sanitized", "email_normalized", "active", "probability"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT id, user_id, phone_sanitized, email_normalized
                  FROM crm_lead
                 WHERE active AND user_id IS NOT NULL AND probability < 100
                   AND (phone_sanitized = ANY(%s) OR email_normalized = ANY(%s))
                   AND id != ALL(%s)
              ORDER BY id
                """,
                phones,
                emails,
                self.ids,
            )
        )
        owned = {}
        for lead_id, user_id, phone, email in self.env.cr.fetchall():
            for key in (phone, email):
                if key:
                    owned.setdefault(key, (lead_id, user_id))
        flagged = defaultdict(list)
        for lead in leads:
            match = owned.get(lead.phone_sanitized) or owned.get(lead.email_normalized)
            if match and match[1] != lead.user_id.id:
                flagged[match[0]].append(lead.id)
        if not flagged:
            return
        leads_sudo = self.sudo()
        for match_id, lead_ids in flagged.items():
            leads_sudo.browse(lead_ids).write({"collision_lead_id": match_id})
        collided = leads_sudo.filtered("collision_lead_id")
        collided._message_log_batch(
            {
                lead.id: self.env._(
                    "This person is already followed by %(owner)s in “%(lead)s” (撞单). "
                    "Ownership stays with %(owner)s; a supervisor merges the leads.",
                    owner=lead.collision_lead_id.user_id.name,
                    lead=lead.collision_lead_id.name,
                )
                for lead in collided
            }
        )

    @api.onchange("phone", "mobile", "email_from", "country_id")
    def _onchange_training_collision(self):
        """Warn the consultant typing in a person someone else already follows."""
        if self._origin.id:
            return None
        match = self._get_person_leads().filtered(
            lambda lead: lead.active and lead.user_id and lead.user_id != self.user_id
        )[:1]
        if not match:
            return None
        return {
            "warning": {
                "type": "notification",  # a toast: informs without stopping the typing
                "title": self.env._("Already followed (撞单)"),
                "message": self.env._(
                    "%(owner)s already follows this person in “%(lead)s”. Ownership stays "
                    "with %(owner)s; saving keeps your lead apart for a supervisor to merge.",
                    owner=match.user_id.name,
                    lead=match.name,
                ),
            }
        }

    @api.model
    def _cron_release_idle_leads(self, batch_size=1000, commit=True):
        """Protection (保护期): an owner who logs no follow-up within the grade's
        protection period loses the lead back to the team's pool. Batches are
        committed one by one (tests pass commit=False), so 100k leads never hold
        one transaction."""
        now = fields.Datetime.now()
        for grade in self.env["training.crm.grade"].search([("protection_days", ">", 0)]):
            limit = now - timedelta(days=grade.protection_days)
            domain = [
                ("intent_grade_id", "=", grade.id),
                ("user_id", "!=", False),
                ("probability", "<", 100),
                "|",
                ("last_followup_date", "=", False),
                ("last_followup_date", "<", limit),
                "|",
                ("date_open", "<", limit),
                "&",
                ("date_open", "=", False),
                ("create_date", "<", limit),
            ]
            while leads := self.search(domain, limit=batch_size, order="id"):
                leads._release_to_pool(grade)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit

    def _release_to_pool(self, grade):
        bodies = {
            lead.id: self.env._(
                "Back to the pool: %(owner)s logged no follow-up within the %(days)s-day "
                "protection period of grade %(grade)s.",
                owner=lead.user_id.name,
                days=grade.protection_days,
                grade=grade.code,
            )
            for lead in self
        }
        activity_type = self.env.ref("training_crm.mail_activity_type_followup")
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).unlink()
        self.write({"user_id": False})
        self._message_log_batch(bodies)

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
        return self._get_int_param("training_crm.invalid_after_attempts", 3)

    @api.model
    def _get_int_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key, default)
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            _logger.warning("%s=%r is not a number; using %s", key, value, default)
            return default

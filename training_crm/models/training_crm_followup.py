from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date, format_datetime, plaintext2html

CHANNELS = [
    ("phone", "Phone"),
    ("wechat", "WeChat"),
    ("sms", "SMS"),
    ("email", "E-mail"),
    ("visit", "Visit"),
    ("trial_class", "Trial Class"),
    ("online", "Online"),
]
OUTCOMES = [
    ("reached", "Reached: interested or undecided"),
    ("not_interested", "Reached: not interested"),
    ("competitor", "Signed with a competitor"),
    ("no_answer", "No answer"),
    ("unreachable", "Unreachable (wrong or dead number)"),
]
# Outcomes where the consultant actually spoke with the person (first contact).
REACHED_OUTCOMES = ("reached", "not_interested", "competitor")
# Failed attempts: the unreachable streak (联系方式无效). Any outcome that reached
# the person ends it; a refusal counts towards "no need" instead (seed 000 四.4).
FAILED_OUTCOMES = ("no_answer", "unreachable")
# Invalidation cases (无效客户) and their lost reasons.
INVALID_REASONS = {
    "unreachable": "training_crm.lost_reason_unreachable",
    "no_need": "training_crm.lost_reason_no_need",
    "competitor": "training_crm.lost_reason_competitor",
}
# Outcomes that did not reach the person: the next attempt comes soon.
RETRY_OUTCOMES = ("no_answer", "unreachable")
DEFAULT_GAP_DAYS = 7
# Clocks of phones and servers differ: a follow-up a minute "ahead" is not in the future.
CLOCK_SKEW = timedelta(minutes=1)


class TrainingCrmFollowup(models.Model):
    """One contact attempt with a prospective student (跟进记录).

    The log is the evidence for ownership, invalidation and commissions: the
    lead's counters derive from it, so consultants add to it but only
    supervisors correct or delete entries, traceably: a correction is tracked
    in the follow-up's own chatter, a deletion is noted on the lead's."""

    _name = "training.crm.followup"
    _inherit = ["mail.thread"]
    _description = "Lead Follow-up"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one(
        "crm.lead", required=True, index=True, ondelete="cascade", tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now, tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    outcome = fields.Selection(OUTCOMES, required=True, tracking=True)
    note = fields.Text(
        required=True, tracking=True, help="What was said: needs, objections, promises."
    )
    next_date = fields.Date(
        string="Next Follow-up",
        compute="_compute_next_date",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Planned date of the next contact. Left empty, it follows the grade's "
        "longest gap between follow-ups.",
    )
    grade_id = fields.Many2one(
        "training.crm.grade",
        string="New Grade",
        tracking=True,
        help="Regrade the lead with what this contact taught you.",
    )
    reached = fields.Boolean(
        compute="_compute_reached",
        store=True,
        precompute=True,
        help="The consultant spoke with the person.",
    )
    failed = fields.Boolean(
        compute="_compute_reached",
        store=True,
        precompute=True,
        help="Counts towards the consecutive failed attempts that invalidate a lead.",
    )
    # Not on user_id.tz: moving a consultant to another time zone must not rewrite the log.
    local_date = fields.Date(
        string="Local Day",
        compute="_compute_local_date",
        store=True,
        precompute=True,
        index=True,
        help="The day of the contact in the consultant's time zone (else the company's): "
        "attempts on the same local day count once towards invalidation.",
    )
    competitor_contract_end = fields.Date(
        string="Competitor Contract Ends",
        compute="_compute_competitor_contract_end",
        store=True,
        readonly=False,
        precompute=True,
        help="When the contract signed with the competitor ends, if the person said so: "
        "on that day the lead comes back to be contacted again.",
    )
    # The lead's team and company when the contact was made: history, and no
    # recomputation of the log each time a lead changes team.
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_lead_context",
        store=True,
        precompute=True,
        index="btree_not_null",
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_lead_context", store=True, precompute=True
    )

    @api.depends("lead_id")
    def _compute_lead_context(self):
        for followup in self:
            followup.team_id = followup.lead_id.team_id
            followup.company_id = followup.lead_id.company_id

    # Not on lead_id.intent_grade_id: regrading a lead later must not rewrite the log.
    @api.depends("local_date", "grade_id", "outcome")
    def _compute_next_date(self):
        # A failed attempt is retried soon (the next day by default), not after the grade's gap.
        retry_days = self.env["crm.lead"]._get_int_param("training_crm.retry_delay_days", 1)
        for followup in self:
            if followup.outcome == "competitor" or not followup.date:
                followup.next_date = False
                continue
            grade = followup.grade_id or followup.lead_id.intent_grade_id
            gap = grade.followup_gap_days or DEFAULT_GAP_DAYS
            if followup.outcome in RETRY_OUTCOMES:
                gap = min(gap, retry_days)
            # The consultant's day, as failed attempts count it.
            followup.next_date = followup.local_date + timedelta(days=gap)

    @api.depends("date", "user_id")
    def _compute_local_date(self):
        self.user_id.partner_id.mapped("tz")  # one read for the batch's consultants
        for followup in self:
            if not followup.date:
                followup.local_date = False
                continue
            company = followup.company_id or followup.lead_id.company_id or self.env.company
            tz = (followup.user_id or self.env.user)._get_training_tz(company)
            followup.local_date = pytz.utc.localize(followup.date).astimezone(tz).date()

    @api.depends("outcome")
    def _compute_competitor_contract_end(self):
        for followup in self:
            if followup.outcome != "competitor":
                followup.competitor_contract_end = False

    @api.depends("outcome")
    def _compute_reached(self):
        for followup in self:
            followup.reached = followup.outcome in REACHED_OUTCOMES
            followup.failed = followup.outcome in FAILED_OUTCOMES

    @api.constrains("date", "next_date")
    def _check_dates(self):
        now = fields.Datetime.now()
        for followup in self:
            if followup.date > now + CLOCK_SKEW:
                raise ValidationError(
                    self.env._(
                        "A follow-up cannot be dated in the future (%(date)s): "
                        "log it once the contact has happened.",
                        date=format_datetime(self.env, followup.date),
                    )
                )
            if followup.next_date and followup.next_date < followup.date.date():
                raise ValidationError(
                    self.env._("The next follow-up cannot be planned before this one.")
                )

    @api.constrains("competitor_contract_end", "local_date", "outcome")
    def _check_competitor_contract_end(self):
        for followup in self:
            end = followup.competitor_contract_end
            if end and followup.outcome != "competitor":
                raise ValidationError(
                    self.env._(
                        "Only a person who signed with a competitor has a competitor's "
                        "contract end date."
                    )
                )
            if end and end <= followup.local_date:
                raise ValidationError(
                    self.env._(
                        "The competitor's contract must end after the follow-up "
                        "(%(date)s): leave the date empty if it is not known.",
                        date=format_date(self.env, followup.local_date),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")  # an auditor hears "no access", not a business rule
        for vals in vals_list:
            self._check_values(vals, creating=True)
        self._check_log_rights(vals_list)
        # The entry is its own record of creation (and the lead's chatter shows
        # it): no creation message, follower or tracking on the follow-up itself.
        followups = super(
            TrainingCrmFollowup,
            self.with_context(
                tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
            ),
        ).create(vals_list)
        followups = followups.with_env(self.env)
        followups._apply_to_leads()
        return followups

    def write(self, vals):
        self._check_values(vals)
        return super().write(vals)

    def unlink(self):
        """A deleted entry leaves its trace on the lead: what it said, and who
        deleted it (the note's author), for auditors to read."""
        self.check_access("unlink")
        # In the language of the lead's owner, as the other notes on the lead;
        # one translation lookup a language, not one an entry.
        body_by_lang = {}
        bodies = defaultdict(list)
        for followup in self.sudo():
            lead = followup.lead_id
            lang = lead._get_training_lang(lead.user_id)
            followup = followup.with_context(lang=lang)
            if lang not in body_by_lang:
                body_by_lang[lang] = followup.env._(
                    "Follow-up of %(date)s by %(user)s deleted by %(by)s.\n%(summary)s"
                )
            bodies[lead.id].append(
                body_by_lang[lang]
                % {
                    "date": format_datetime(followup.env, followup.date),
                    "user": followup.user_id.name,
                    "by": self.env.user.name,
                    "summary": followup._summary(),
                }
            )
        leads = self.env["crm.lead"].sudo().browse(list(bodies))
        res = super().unlink()
        if leads:
            leads._message_log_event(
                {lead_id: "\n\n".join(texts) for lead_id, texts in bodies.items()},
                "training_crm.mt_lead_followup_deleted",
            )
        return res

    @api.model
    def _check_values(self, vals, creating=False):
        """Refuse what the database or the selection would reject with a bare error."""
        for fname in ("channel", "outcome"):
            value = vals.get(fname)
            if value and value not in dict(self._fields[fname].selection):
                raise ValidationError(
                    self.env._(
                        "%(value)r is not a valid %(field)s. Choose one of: %(choices)s.",
                        value=value,
                        field=self._fields[fname]._description_string(self.env),
                        choices=", ".join(dict(self._fields[fname].selection)),
                    )
                )
        if (creating or "note" in vals) and not (vals.get("note") or "").strip():
            raise ValidationError(self.env._("Write down what was said: a follow-up needs a note."))

    # ------------------------------------------------------------
    # RIGHTS
    # ------------------------------------------------------------

    @api.model
    def _check_log_rights(self, vals_list):
        """Logging is how ownership is won: nobody logs on a lost lead, on a
        lead owned by someone else, or in someone else's name, unless a
        supervisor does it. Checked before anything is written."""
        if self.env.su or self.env.user._is_training_supervisor():
            return
        lead_ids = list({vals.get("lead_id") for vals in vals_list} - {None})
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("id", "in", lead_ids)], ["name", "user_id", "active", "probability"])
        )
        lead_by_id = {lead.id: lead for lead in leads}
        # Errors name a lead and its owner only for a reader of that lead.
        readable = leads.with_env(self.env)._training_filtered_readable()
        for vals in vals_list:
            lead = lead_by_id.get(vals.get("lead_id"), leads.browse())
            user = self.env["res.users"].browse(vals.get("user_id") or self.env.uid)
            if user != self.env.user:
                raise AccessError(
                    self.env._(
                        "You can only log your own follow-ups, not %(user)s's.",
                        user=user.sudo().name,
                    )
                )
            if not lead:
                continue  # the required lead_id error comes from the ORM
            if lead not in readable:
                raise AccessError(
                    self.env._(
                        "You can log follow-ups only on your own leads and on your teams' pool."
                    )
                )
            if lead._is_lost():
                raise UserError(
                    self.env._(
                        "%(lead)s is lost: restore it before logging a follow-up.",
                        lead=lead.display_name,
                    )
                )
            if lead.user_id and lead.user_id != user:
                raise AccessError(
                    self.env._(
                        "%(lead)s belongs to %(owner)s: only they or a supervisor may "
                        "log follow-ups on it.",
                        lead=lead.display_name,
                        owner=lead.user_id.name,
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS: what a logged follow-up does to its lead
    # ------------------------------------------------------------

    def _apply_to_leads(self):
        """Regrade, win first contact, close the due follow-up activity and
        plan the next one, then invalidate leads that failed too often.

        Checked by _check_log_rights, this runs with rights but in the consultant's
        name: first contact may give the lead to the person's owner, whose chatter
        and activities the consultant then no longer sees."""
        # The follow-up plans the lead's next contact: the writes below (first
        # contact, regrade) do not plan it again (crm.lead._plan_followups).
        followups = (
            self.sudo()
            .with_context(training_crm_followup_planned=True)
            .sorted(lambda f: (f.date, f.id))
        )
        latest = followups.browse({f.lead_id: f.id for f in followups}.values())
        tracked = followups._regrade_leads()
        tracked |= followups.filtered("reached")._record_first_contacts()
        latest._close_followup_activities(tracked)
        latest._schedule_next_followup()
        latest._invalidate_leads()

    def _regrade_leads(self):
        """The newest follow-up that gives a grade sets the lead's (tracked).
        Returns the leads whose grade changed."""
        grade_by_lead = {f.lead_id: f.grade_id for f in self.filtered("grade_id")}
        leads_by_grade = defaultdict(lambda: self.env["crm.lead"])
        for lead, grade in grade_by_lead.items():
            if lead.intent_grade_id != grade:
                leads_by_grade[grade] |= lead
        for grade, leads in leads_by_grade.items():
            leads.write({"intent_grade_id": grade.id})
        return self.env["crm.lead"].union(*leads_by_grade.values())

    def _record_first_contacts(self):
        """Record each lead's first contact once and decide who owns an unowned
        lead (判客). One lock and one person lookup for the whole batch.

        The first consultant to reach the person owns it. If another consultant
        reached the same person (same phone or e-mail) within the tie window, a
        dispute goes to a supervisor; if the person is already owned elsewhere,
        the lead joins that owner. Returns the leads whose first contact it recorded."""
        first_by_lead = {}
        for followup in self:
            if not followup.lead_id.first_contact_date:
                first_by_lead.setdefault(followup.lead_id, followup)
        if not first_by_lead:
            return self.env["crm.lead"]
        leads = self.env["crm.lead"].sudo().union(*first_by_lead)
        leads._lock_for_ownership(wait=True)
        leads = leads.filtered(lambda lead: not lead.first_contact_date)
        person_leads = leads.filtered(lambda lead: not lead.user_id)._get_person_leads_by_lead()
        window = timedelta(minutes=leads._get_int_param("training_crm.tie_window_minutes", 10))
        held = {}  # open leads each consultant holds, counted once a cap applies to them
        bypassed = {}  # claim guards supervisors went through, to log
        for lead in leads:
            followup = first_by_lead[lead]
            user, date = followup.user_id, followup.date
            vals = {"first_contact_date": date, "first_contact_user_id": user.id}
            if lead.user_id:
                lead.write(vals)
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
            elif guard := lead._get_training_claim_guard(user):
                if not user._is_training_supervisor():
                    # The log is evidence: the contact is recorded, the lead stays in the pool.
                    lead.write(vals)
                    lead._message_log(body=lead._get_training_guard_log(user, *guard))
                    continue
                # Supervisors hold no cap: the lead is theirs, and the bypass is logged.
                vals["user_id"] = user.id
                bypassed[lead.id] = (user, *guard)
            elif cap := lead.team_id._get_training_holding_cap(user):
                if user not in held:
                    held[user] = leads._get_training_holding_counts(user).get(user, 0)
                if held[user] >= cap:
                    # The log is evidence: the contact is recorded, the lead stays in the pool.
                    lead.write(vals)
                    lead._message_log(
                        body=self.with_context(lang=lead._get_training_lang(user)).env._(
                            "%(user)s reached this person but holds %(count)s open leads, their "
                            "cap: the lead stays in the pool.",
                            user=user.name,
                            count=held[user],
                        )
                    )
                    continue
                vals["user_id"] = user.id
                held[user] += 1
            else:
                vals["user_id"] = user.id
            lead.write(vals)
            if tied:
                lead._open_tie_dispute(tied)
            elif rivals:
                # The consultant may no longer see the lead: post as them, with rights.
                told = user | lead.user_id
                lead.message_post(
                    body=self.with_context(lang=lead._get_training_lang(told)).env._(
                        "%(user)s reached this person, who is already followed by %(owner)s: "
                        "the lead goes to %(owner)s.",
                        user=user.name,
                        owner=lead.user_id.name,
                    ),
                    partner_ids=told.partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                )
        if bypassed:
            leads.browse(bypassed)._log_training_guard_bypass(bypassed)
        return leads

    def _close_followup_activities(self, tracked_leads):
        """Mark each lead's due Follow-up activities done, with the follow-up as
        feedback (those scheduled by hand too). Without one, the summary is the
        body of the lead's tracking message when the follow-up changed tracked
        fields (`tracked_leads`), else a note: one chatter message a follow-up."""
        activities = self.lead_id._get_followup_activities(warnings=True)
        warning_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "training_crm.mail_activity_type_pool_return"
        )
        warnings = activities.filtered(lambda a: a.activity_type_id.id == warning_type_id)
        if warnings:
            self.lead_id._cancel_pool_return_warnings(warnings)
            activities -= warnings
        activities_by_lead = defaultdict(lambda: self.env["mail.activity"])
        for activity in activities:
            activities_by_lead[activity.res_id] |= activity
        notes = {}
        for followup in self:
            lead = followup.lead_id
            summary = followup._summary()
            if activities_by_lead[lead.id]:
                activities_by_lead[lead.id]._action_done(feedback=summary)
            elif lead in tracked_leads:
                lead._track_set_log_message(plaintext2html(summary))
            else:
                notes[lead.id] = plaintext2html(summary)
        if notes:
            self.lead_id.browse(notes)._message_log_batch(notes)

    def _schedule_next_followup(self):
        """One Follow-up activity per open lead, on its owner, at the planned date."""
        groups = defaultdict(lambda: self.env["crm.lead"])
        for followup in self:
            lead = followup.lead_id
            if lead.active and followup.next_date and followup.outcome != "competitor":
                groups[(followup.next_date, lead.user_id or followup.user_id)] |= lead
        for (date, user), leads in groups.items():
            # The summary (the activity type's) in the owner's language.
            leads.with_context(lang=leads._get_training_lang(user)).activity_schedule(
                "training_crm.mail_activity_type_followup",
                date_deadline=date,
                user_id=user.id,
            )

    def _invalidate_leads(self):
        """The three invalid-customer cases (无效客户, seed 000 四.4); each makes
        the lead lost with its own reason, archived (never deleted), and is
        recorded so that reports still count it after a restore:

        - unreachable: N failed attempts in a row (counted by local day unless
          configured otherwise; optionally over at least two channels);
        - no need: "not interested" once N follow-ups since the last restore
          reached the person, this one included;
        - competitor: at once.

        N is ``training_crm.invalid_after_attempts`` (0: only competitors)."""
        limit = self._get_invalid_after_attempts()
        two_channels = self.env["crm.lead"]._get_bool_param(
            "training_crm.invalid_require_two_channels", False
        )
        triggers = []
        for followup in self.filtered("lead_id.active"):
            lead = followup.lead_id
            if followup.outcome == "competitor":
                triggers.append((followup, "competitor"))
            elif not limit:
                continue
            elif followup.outcome == "not_interested":
                if len(lead._get_followups_since_restore().filtered("reached")) >= limit:
                    triggers.append((followup, "no_need"))
            elif lead.failed_attempt_count >= limit:
                streak = lead._get_failed_streak()
                if not two_channels or len(set(streak.mapped("channel"))) >= 2:
                    triggers.append((followup, "unreachable"))
        if not triggers:
            return
        reasons = {case: self.env.ref(xmlid) for case, xmlid in INVALID_REASONS.items()}
        self.env["training.crm.invalidation"].sudo().create(
            [
                {
                    "lead_id": followup.lead_id.id,
                    "date": followup.date,
                    "reason": case,
                    "lost_reason_id": reasons[case].id,
                    "user_id": followup.lead_id.user_id.id,
                    "team_id": followup.lead_id.team_id.id,
                    "company_id": followup.lead_id.company_id.id,
                    "followup_id": followup.id,
                    "competitor_contract_end": followup.competitor_contract_end,
                }
                for followup, case in triggers
            ]
        )
        leads_by_case = defaultdict(lambda: self.env["crm.lead"])
        for followup, case in triggers:
            leads_by_case[case] |= followup.lead_id
        for case, leads in leads_by_case.items():
            leads.action_set_lost(lost_reason_id=reasons[case].id)
            for lead in leads:
                self._notify_invalidated(lead, reasons[case])

    @api.model
    def _notify_invalidated(self, lead, reason):
        partners = (lead.user_id | lead._get_training_supervisors()).partner_id
        lang = lead._get_training_lang(partners)
        lead.message_post(
            body=self.with_context(lang=lang).env._(
                "This lead is now an invalid customer (%(reason)s) and has left the "
                "pipeline. Nothing was deleted: restore it to work on it again.",
                reason=reason.with_context(lang=lang).name,
            ),
            partner_ids=partners.ids,
            subtype_xmlid="training_crm.mt_lead_invalidated",
        )

    @api.model
    def _get_invalid_after_attempts(self):
        return self.env["crm.lead"]._get_int_param("training_crm.invalid_after_attempts", 3)

    def _summary(self):
        """What the chatter shows: channel, outcome, what was said, what next."""
        self.ensure_one()
        channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
        outcome = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        lines = [
            self.env._("Follow-up by %(channel)s: %(outcome)s", channel=channel, outcome=outcome),
            self.note,
        ]
        if self.grade_id:
            lines.append(self.env._("Grade: %(grade)s", grade=self.grade_id.display_name))
        if self.competitor_contract_end:
            lines.append(
                self.env._(
                    "The competitor's contract ends on %(date)s.",
                    date=format_date(self.env, self.competitor_contract_end),
                )
            )
        if self.next_date:
            lines.append(
                self.env._("Next follow-up: %(date)s", date=format_date(self.env, self.next_date))
            )
        return "\n".join(lines)

import logging
import threading
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from psycopg2.errors import LockNotAvailable

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_date, format_datetime, plaintext2html
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)

# Fields only the follow-up log, claims and collision checks write (as superuser):
# they decide ownership and invalidation, so nobody sets them by hand.
LOG_FIELDS = (
    "first_contact_date",
    "first_contact_user_id",
    "followup_count",
    "last_followup_date",
    "failed_attempt_count",
    "failed_attempt_reset_date",
    "claim_date",
    "collision_lead_id",
    "has_collision",
)
# Leads the protection cron releases per batch; a call commits each batch
# (outside tests) and stays well inside a prefork server's cron time limit.
RELEASE_BATCH_SIZE = 1000
RELEASE_BATCHES_PER_CALL = 10
# Leads the competitor cron brings back per batch (each restore recomputes
# probabilities and posts a note: heavier than a release).
RETURN_BATCH_SIZE = 200
# Leads the follow-up activity cron handles per batch, and batches per call.
ACTIVITY_BATCH_SIZE = 1000
ACTIVITY_BATCHES_PER_CALL = 10
# The reclaim clocks (回收规则) of a grade: what returns an owned lead to the pool.
POOL_RETURN_RULES = [
    ("no_followup", "No follow-up in time"),
    ("not_enrolled", "Not enrolled in time"),
]
# Fields the reclaim keeps (as superuser): the clocks are nobody's to set by hand.
POOL_CLOCK_FIELDS = (
    "owner_date",
    "pool_trial_date",
    "pool_return_date",
    "pool_return_rule",
    "pool_return_reason",
    "pool_entry_date",
    "pool_previous_user_id",
)
# Seconds a follow-up waits for a lead another request is taking.
OWNERSHIP_LOCK_WAIT = 5
# A supervisor's lock against reclaim.
POOL_LOCK_FIELDS = ("pool_protected", "pool_protected_reason", "pool_protected_until")


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["training.crm.mail.mixin", "crm.lead"]

    # Grade
    intent_grade_id = fields.Many2one(
        "training.crm.grade",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        help="How soon the person is expected to enrol (S: within 7 days … D: just looking).",
    )
    intent_grade_color = fields.Integer(related="intent_grade_id.color", string="Grade Colour")
    intent_grade_code = fields.Char(
        compute="_compute_intent_grade_code",
        inverse="_inverse_intent_grade_code",
        string="Grade Code",
        help="The grade's code (S, A, B…): set the grade by code in imports and integrations.",
    )

    # First contact and ownership (判客)
    first_contact_date = fields.Datetime(
        readonly=True,
        copy=False,
        index="btree_not_null",
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
    phone_other_sanitized = fields.Char(
        compute="_compute_phone_other_sanitized",
        compute_sudo=True,
        store=True,
        index="btree_not_null",
        string="Other Sanitized Number",
        help="The lead's second number, normalised: phone_sanitized holds only the first one.",
    )
    # WeChat (微信): how Chinese families are reached; a person key like numbers and e-mails.
    training_wechat = fields.Char(
        string="WeChat ID", tracking=True, help="The person's WeChat ID (微信号)."
    )
    training_wechat_normalized = fields.Char(
        string="Normalized WeChat ID",
        compute="_compute_training_wechat_normalized",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The WeChat ID trimmed and lowercased: what finds the same person.",
    )
    collision_lead_id = fields.Many2one(
        "crm.lead",
        string="Person Already Followed In",
        readonly=True,
        copy=False,
        index="btree_not_null",
        # The other consultant's lead: its name and content are not the creator's
        # to read (many2one names are read as superuser). Consultants see who owns
        # the person through collision_user_id.
        groups="training_crm.group_supervisor,training_crm.group_auditor",
        help="An open lead of the same person (same phone or e-mail) owned by another "
        "consultant when this one was created (撞单). A supervisor merges or clears it.",
    )
    # Not a related field: that would search the leads flagged against a lead
    # each time any lead changes salesperson.
    collision_user_id = fields.Many2one(
        "res.users",
        compute="_compute_collision_user_id",
        compute_sudo=True,
        search="_search_collision_user_id",
        string="Person Owned By",
    )
    # Stored, from the lead's own column: cards show the 撞单 badge with their
    # own query, where collision_user_id would cost a read of collision_lead_id.
    has_collision = fields.Boolean(
        compute="_compute_has_collision",
        store=True,
        precompute=True,
        compute_sudo=True,
        string="Collision",
        help="The person was already followed by another consultant when this lead was created.",
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
    # Stored: cards and lists show it without reading the disputes of each page.
    in_dispute = fields.Boolean(
        compute="_compute_in_dispute", store=True, precompute=True, compute_sudo=True
    )

    # Follow-up log, cadence and invalidation
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
        help="Consecutive attempts that did not reach the person (no answer, unreachable) "
        "since the last restore; attempts on the same local day count once unless "
        "configured otherwise. At the configured number, the lead becomes invalid (lost).",
    )
    failed_attempt_dots = fields.Char(
        compute="_compute_failed_attempt_dots",
        string="Failed Attempts",
        help="Failed attempts in a row out of those that make the lead invalid: "
        "●●○ is two of three.",
    )
    invalidation_ids = fields.One2many(
        "training.crm.invalidation", "lead_id", string="Invalidations", readonly=True
    )
    failed_attempt_reset_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="Attempts before this moment no longer count (set when a lost lead is restored).",
    )
    # Not tracked: the follow-up that plans it says so in its own chatter message.
    next_followup_date = fields.Date(
        compute="_compute_next_followup_date",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        string="Next Follow-up",
        help="Planned date of the next contact; past it, the lead is overdue.",
    )
    followup_overdue = fields.Boolean(
        compute="_compute_followup_overdue",
        search="_search_followup_overdue",
        string="Follow-up Overdue",
    )
    followup_due_today = fields.Boolean(
        compute="_compute_followup_overdue",
        search="_search_followup_due_today",
        string="Follow-up Due Today",
    )
    intent_grade_is_top = fields.Boolean(
        compute="_compute_intent_grade_is_top",
        search="_search_intent_grade_is_top",
        string="Top Grade",
        help="Graded with the first of the grades (S as shipped), whatever the school calls it.",
    )

    # What the current user may do, for the views
    # One compute each: a kanban card asks for two of them, on every card.
    can_claim = fields.Boolean(compute="_compute_can_claim")
    can_reassign = fields.Boolean(compute="_compute_can_reassign")
    can_hand_back = fields.Boolean(compute="_compute_can_hand_back")
    can_edit_salesperson = fields.Boolean(compute="_compute_can_edit_salesperson")
    can_protect = fields.Boolean(compute="_compute_can_protect")
    # Courses of interest, proposed on a new quotation
    course_ids = fields.Many2many(
        "training.course",
        "crm_lead_training_course_rel",
        "lead_id",
        "course_id",
        string="Courses of Interest",
        help="Courses the consultant recommends (usually 2-3); a new quotation from the "
        "lead proposes them as order lines.",
    )
    # Enrolments, from its confirmed orders
    training_enrollment_ids = fields.One2many("training.enrollment", "lead_id", string="Enrolments")
    training_enrollment_count = fields.Integer(
        compute="_compute_training_enrollment_count", string="Enrolments Count"
    )
    # Trial classes (免费试听)
    training_trial_ids = fields.One2many("training.trial", "lead_id", string="Trial Classes")
    training_trial_count = fields.Integer(
        compute="_compute_training_trial_count", string="Trial Classes Count"
    )
    # Reclaim (回收): when the pool takes the lead back, what holds it, and why it went
    owner_date = fields.Datetime(
        string="Owned Since",
        compute="_compute_owner_date",
        store=True,
        precompute=True,
        copy=False,
        help="When the current salesperson took the lead (claim, first contact or "
        "assignment): the enrolment limit of the lead's grade counts from here.",
    )
    pool_trial_date = fields.Datetime(
        string="Trial Booked For",
        compute="_compute_pool_trial_date",
        store=True,
        compute_sudo=True,
        help="The latest booked trial class: the lead does not return to the pool before it.",
    )
    pool_protected = fields.Boolean(
        string="Protected from Reclaim",
        copy=False,
        tracking=True,
        help="A supervisor's lock: the lead does not return to the pool before the end date.",
    )
    pool_protected_reason = fields.Char(string="Protection Reason", copy=False, tracking=True)
    pool_protected_until = fields.Date(
        string="Protected Until",
        copy=False,
        tracking=True,
        help="The lock ends on this day (UTC): the next reclaim run may return the lead.",
    )
    pool_return_date = fields.Datetime(
        string="Returns to Pool On",
        compute="_compute_pool_return_date",
        store=True,
        compute_sudo=True,
        index="btree_not_null",
        help="When the owned open lead returns to the pool under its grade's rules: the "
        "earlier of its two clocks, not before a booked trial or the end of a supervisor's "
        "lock. Empty when no rule applies, in dispute, unowned, won or lost.",
    )
    pool_return_rule = fields.Selection(
        POOL_RETURN_RULES,
        string="Would Return By",
        compute="_compute_pool_return_date",
        store=True,
        compute_sudo=True,
        help="The rule that returns the lead to the pool on its return date.",
    )
    pool_return_reason = fields.Selection(
        POOL_RETURN_RULES,
        string="Last Returned By",
        readonly=True,
        copy=False,
        help="The rule that last returned the lead to the pool.",
    )
    pool_days_left = fields.Integer(
        string="Days Left (剩余归属天数)",
        compute="_compute_pool_days_left",
        help="Days before the lead returns to the pool, on the school's calendar.",
    )
    pool_returning_soon = fields.Boolean(
        string="Returning Soon",
        compute="_compute_pool_days_left",
        search="_search_pool_returning_soon",
        help="The lead returns to the pool within the warning period (Settings).",
    )
    # Claim guards (领取限制): when the lead entered the pool, and from whom
    pool_entry_date = fields.Datetime(
        string="In Pool Since",
        compute="_compute_pool_entry_date",
        store=True,
        precompute=True,
        copy=False,
        index="btree_not_null",
        help="When the lead last entered the pool: created without a salesperson, "
        "reclaimed, handed back or released. The new-in-pool wait and the previous "
        "owner's cool-down count from here. Empty while the lead is owned.",
    )
    pool_previous_user_id = fields.Many2one(
        "res.users",
        string="Previous Salesperson",
        readonly=True,
        copy=False,
        help="Who held the lead before it last returned to the pool: they wait out the "
        "claim cool-down before taking it again.",
    )
    pool_claimable_date = fields.Datetime(
        string="Claimable From",
        compute="_compute_pool_claimable_date",
        search="_search_pool_claimable_date",
        help="When you can take this pool lead: the end of its new-in-pool wait, or of "
        "your cool-down if you held it before. Empty: now.",
    )

    def _auto_init(self):
        """Leads owned before the reclaim clocks existed were taken when they
        were assigned: fill Owned Since from crm's assignment date in SQL before
        the ORM would compute it as "now" (new databases and updates alike)."""
        if not column_exists(self.env.cr, self._table, "owner_date"):
            create_column(self.env.cr, self._table, "owner_date", "timestamp")
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET owner_date = COALESCE(date_open, create_date) "
                    "WHERE user_id IS NOT NULL"
                )
            )
        if not column_exists(self.env.cr, self._table, "pool_entry_date"):
            # Leads already in the pool entered it at the latest when they were
            # created: nobody finds them held back by a guard switched on later.
            create_column(self.env.cr, self._table, "pool_entry_date", "timestamp")
            self.env.cr.execute(
                SQL("UPDATE crm_lead SET pool_entry_date = create_date WHERE user_id IS NULL")
            )
        return super()._auto_init()

    def init(self):
        res = super().init()
        # crm indexes email_normalized with trigrams only, for its ilike searches;
        # PostgreSQL then answers equality (the same-person lookup) by walking the
        # posting lists of trigrams every address shares ("com", "@qq").
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS crm_lead_email_normalized_btree_index "
                "ON crm_lead (email_normalized) WHERE email_normalized IS NOT NULL"
            )
        )
        return res

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

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
        # One write a grade, not one a lead: an import of thousands of rows stays
        # a handful of updates and grade history creates.
        leads_by_grade = defaultdict(lambda: self.browse())
        for lead in self:
            grade = by_code.get((lead.intent_grade_code or "").strip().upper(), grades.browse())
            if lead.intent_grade_id != grade:
                leads_by_grade[grade] |= lead
        for grade, leads in leads_by_grade.items():
            leads.intent_grade_id = grade
        self.invalidate_recordset(["intent_grade_code"])  # show "S", not what was typed

    @api.depends(lambda self: self._phone_get_sanitize_triggers())
    def _compute_phone_other_sanitized(self):
        for lead in self:
            numbers = [lead._phone_format(fname=fname) for fname in self._phone_get_number_fields()]
            numbers = [number for number in numbers if number and number != lead.phone_sanitized]
            lead.phone_other_sanitized = numbers[0] if numbers else False

    @api.depends("collision_lead_id", "user_id")
    def _compute_collision_user_id(self):
        """Nobody collides with themselves: once both leads have the same owner
        (a reassignment, a decision), the lead is no longer kept apart."""
        for lead in self:
            owner = lead.collision_lead_id.user_id
            lead.collision_user_id = owner if owner != lead.user_id else False

    @api.depends("training_wechat")
    def _compute_training_wechat_normalized(self):
        for lead in self:
            lead.training_wechat_normalized = (lead.training_wechat or "").strip().lower() or False

    @api.depends("collision_lead_id")
    def _compute_has_collision(self):
        for lead in self:
            lead.has_collision = bool(lead.collision_lead_id)

    def _search_collision_user_id(self, operator, value):
        if operator in ("=", "!=") and not value:
            # Set or not set: among the leads still kept apart, those whose owner is known.
            query = self._search_collisions([("collision_lead_id.user_id", "!=", False)])
            return [("id", "in" if operator == "!=" else "not in", query)]
        return [
            ("id", "in", self._search_collisions([("collision_lead_id.user_id", operator, value)]))
        ]

    @api.model
    def _search_collisions(self, domain):
        """The leads matching `domain` still kept apart from their person's
        lead: its owner is not theirs. collision_lead_id is for supervisors:
        filter by it as superuser, the leads found still go through the user's
        own rules."""
        query = self.sudo().with_context(active_test=False)._search(domain)
        query.add_where(
            SQL(
                "%s IS DISTINCT FROM (SELECT other.user_id FROM crm_lead other "
                "WHERE other.id = %s)",
                SQL.identifier(query.table, "user_id"),
                SQL.identifier(query.table, "collision_lead_id"),
            )
        )
        return query

    @api.depends("dispute_ids.state")
    def _compute_in_dispute(self):
        for lead in self:
            lead.in_dispute = "open" in lead.dispute_ids.mapped("state")

    @api.depends(
        "followup_ids.date",
        "followup_ids.outcome",
        "followup_ids.local_date",
        "failed_attempt_reset_date",
    )
    def _compute_followup_stats(self):
        count_days = self._get_bool_param("training_crm.failed_attempts_count_days", True)
        for lead in self:
            followups = lead.followup_ids.sorted(lambda f: (f.date, f.id or 0), reverse=True)
            lead.followup_count = len(followups)
            lead.last_followup_date = followups[:1].date
            streak = lead._get_failed_streak()
            # Three missed calls in ten minutes are one attempt (seed 000: 多次沟通).
            lead.failed_attempt_count = (
                len(set(streak.mapped("local_date"))) if count_days else len(streak)
            )

    @api.depends("failed_attempt_count")
    def _compute_failed_attempt_dots(self):
        """A card's gauge of failed attempts: one dot an attempt, hollow ones
        for those left before the lead becomes invalid (none when no limit)."""
        limit = self.env["training.crm.followup"]._get_invalid_after_attempts()
        self.failed_attempt_dots = False
        for lead in self.filtered(lambda lead: lead.failed_attempt_count > 0):
            count = lead.failed_attempt_count
            lead.failed_attempt_dots = "●" * count + "○" * max(limit - count, 0)

    @api.depends("followup_ids.date", "followup_ids.next_date")
    def _compute_next_followup_date(self):
        """The last follow-up plans the next one. A new lead is due at once
        (every open lead is due somewhere): its first follow-up, or its grade's
        cadence when sooner. Precomputed, so creating leads costs no query more.

        Assigning, claiming, restoring and regrading an existing lead are
        planned by write (_plan_followups), which knows what changed."""
        for lead in self:
            last = lead.followup_ids.sorted(lambda f: (f.date, f.id or 0))[-1:]
            if last:
                lead.next_followup_date = last.next_date
            elif not lead._origin.id and not lead.next_followup_date and lead.active:
                grade = lead.intent_grade_id
                lead.next_followup_date = self._get_due_date(
                    self._get_first_followup_delay(),
                    grade.followup_gap_days if grade else None,
                )
            else:
                # Without any follow-up, keep what was set by hand.
                lead.next_followup_date = lead.next_followup_date

    @api.onchange("intent_grade_id")
    def _onchange_intent_grade_id_cadence(self):
        """Show on the form what saving the grade plans (see _plan_followups)."""
        if self.intent_grade_id and self.active:
            due = self._get_due_date(self.intent_grade_id.followup_gap_days)
            if not self.next_followup_date or self.next_followup_date > due:
                self.next_followup_date = due

    @api.depends("next_followup_date", "probability", "active")
    @api.depends_context("tz", "uid")
    def _compute_followup_overdue(self):
        today = self._get_training_today()
        for lead in self:
            planned = lead._is_open() and lead.next_followup_date
            lead.followup_overdue = bool(planned and planned < today)
            lead.followup_due_today = bool(planned and planned == today)

    @api.depends_context("uid")
    def _compute_training_enrollment_count(self):
        counts = self.env["training.enrollment"]._count_open_by("lead_id", self)
        for lead in self:
            lead.training_enrollment_count = counts.get(lead, 0)

    @api.depends_context("uid")
    def _compute_training_trial_count(self):
        counts = dict(
            self.env["training.trial"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.training_trial_count = counts.get(lead._origin, 0)

    @api.depends("intent_grade_id")
    def _compute_intent_grade_is_top(self):
        top = self.env["training.crm.grade"]._get_top_grade()
        for lead in self:
            lead.intent_grade_is_top = bool(top and lead.intent_grade_id == top)

    def _search_intent_grade_is_top(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on the top grade."))
        # A subquery, not a query now: My Day's list costs no query more.
        Grade = self.env["training.crm.grade"]
        top = Grade._search([], limit=1, order=Grade._order)
        positive = (operator == "=") == value
        return [("intent_grade_id", "in" if positive else "not in", top)]

    def _search_followup_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on overdue follow-ups."))
        overdue = expression.AND(
            [
                self._get_open_domain(),
                [("next_followup_date", "<", self._get_training_today())],
            ]
        )
        return overdue if (operator == "=") == value else ["!", *overdue]

    def _search_followup_due_today(self, operator, value):
        """Due on the acting user's local today (see _get_training_today)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on follow-ups due today."))
        due = expression.AND(
            [
                self._get_open_domain(),
                [("next_followup_date", "=", self._get_training_today())],
            ]
        )
        return due if (operator == "=") == value else ["!", *due]

    # The rights flags below are set in batch (records.field = value): the
    # kanban computes them for every card it shows.

    @api.depends("user_id", "active")
    @api.depends_context("uid")
    def _compute_can_claim(self):
        self.can_claim = False
        if self.env.user.has_group("training_crm.group_consultant"):
            pool = self.filtered(lambda lead: lead.id and lead.active and not lead.user_id)
            pool.can_claim = True

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_can_reassign(self):
        self.can_reassign = False
        if self.env.user._is_training_supervisor():
            self.filtered("id").can_reassign = True

    @api.depends("user_id", "active", "probability")
    @api.depends_context("uid")
    def _compute_can_hand_back(self):
        self.can_hand_back = False
        if self.env.user._is_training_supervisor():
            owners = self.env["res.users"]
        elif self.env.user.has_group("training_crm.group_consultant"):
            owners = self.env.user
        else:
            return
        self.filtered(
            lambda lead: (
                lead.id
                and lead.user_id
                and lead.active
                and lead.probability < 100
                and (not owners or lead.user_id == owners)
            )
        ).can_hand_back = True

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_can_edit_salesperson(self):
        # Sales Administrators and sales users without a Training CRM role keep
        # stock CRM's Salesperson field; supervisors pick the first owner of a
        # new lead, after which owners change only through the acts' doors.
        self.can_edit_salesperson = self._is_salesperson_stock()
        if not self._is_salesperson_stock() and self.env.user._is_training_supervisor():
            self.filtered(lambda lead: not lead.id).can_edit_salesperson = True

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_log_fields(vals_list)
            self._check_pool_fields(vals_list)
        if self.env.context.get("import_file") or self.env.user.share:
            # Imports and web forms fill the team's pool, not the importer's pipeline.
            for vals in vals_list:
                vals.setdefault("user_id", False)
        self._prepare_referral_vals_list(vals_list)
        leads = super().create(vals_list)
        leads._flag_collisions()
        graded = leads.filtered("intent_grade_id")
        if graded:
            graded._log_grade_changes({})
        return leads

    def write(self, vals):
        if not self.env.su:
            self._check_log_fields([vals])
            self._check_pool_fields([vals])
            if "user_id" in vals:
                self._check_reassign_rights(vals["user_id"])
                self._check_training_holding_cap(self.env["res.users"].browse(vals["user_id"]))
                self._log_direct_salesperson_change(vals["user_id"])
        released = None
        if "user_id" in vals and not vals["user_id"]:
            # Back in the pool, the lead is nobody's claim: the next owner's
            # claim starts afresh (and counts towards their daily cap), and
            # the former owner's Follow-up to-do goes, however it got there.
            released = self.filtered("user_id")
            previous_owners = {lead.id: lead.user_id.id for lead in released}
            if "claim_date" not in vals:
                vals = dict(vals, claim_date=False)
        old_grades = (
            {lead.id: lead.intent_grade_id for lead in self} if "intent_grade_id" in vals else None
        )
        if vals.get("referred_by_id") and not self.env.su:
            self.env["res.partner"].browse(vals["referred_by_id"]).check_access("read")
        bypassed = (
            self._get_training_claim_guards_bypassed(vals["user_id"])
            if vals.get("user_id") and not self.env.su
            else {}
        )
        res = super().write(vals)
        if released:
            released._set_pool_previous_owners(previous_owners)
        if bypassed:
            self.browse(bypassed)._log_training_guard_bypass(bypassed)
        if vals.get("referred_by_id") and "source_id" not in vals:
            self._set_referral_source()
        if released:
            released._get_followup_activities().unlink()
        if "team_id" in vals or "company_id" in vals:
            self._recompute_phone_keys()
        if old_grades is not None:
            self._log_grade_changes(old_grades)
        if "next_followup_date" not in vals:
            self._plan_followups(vals)
        return res

    def _merge_dependences(self, opportunities):
        """Merged leads are deleted: their follow-ups, trial classes and disputes
        move to the master lead first, so that nothing of the log is lost."""
        res = super()._merge_dependences(opportunities)
        followups = opportunities.sudo().followup_ids
        if followups:
            followups.write({"lead_id": self.id})
        trials = opportunities.sudo().training_trial_ids
        if trials:
            trials.write({"lead_id": self.id})
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
        # Only a lead lost now or restored once can have been invalidated: no
        # lookup for the others (stock crm locks the query count of mass merges).
        invalidated = opportunities.filtered(
            lambda lead: not lead.active or lead.failed_attempt_reset_date
        )
        if invalidated:
            self.env["training.crm.invalidation"].sudo().search(
                [("lead_id", "in", invalidated.ids)]
            ).write({"lead_id": self.id})
        # A lead refers from one referrer and makes one reward due: the master
        # keeps the reward of a merged lead when it has none of its own.
        referred = opportunities.filtered("referred_by_id")
        if referred:
            rewards = (
                self.env["training.referral.reward"]
                .sudo()
                .search([("lead_id", "in", (self | referred).ids)], order="id")
            )
            if len(rewards) > 1:
                raise UserError(
                    self.env._(
                        "Several of these leads made a referral reward due: they cannot be "
                        "merged, as a lead keeps one reward."
                    )
                )
            if rewards and rewards.lead_id != self:
                rewards.write({"lead_id": self.id})
        grade_changes = (
            self.env["training.crm.grade.history"]
            .sudo()
            .search([("lead_id", "in", opportunities.ids)])
        )
        if grade_changes:
            grade_changes.write({"lead_id": self.id})
        return res

    def _merge_get_fields(self):
        return [*super()._merge_get_fields(), "training_wechat", "referred_by_id"]

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        """The contact created from a lead keeps the person's WeChat ID."""
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        if self.training_wechat and not is_company:
            values["training_wechat"] = self.training_wechat
        return values

    def _merge_get_fields_specific(self):
        fields_info = super()._merge_get_fields_specific()
        # The courses any of the merged leads was interested in.
        fields_info["course_ids"] = lambda fname, leads: [Command.set(leads.course_ids.ids)]
        return fields_info

    def _prepare_opportunity_quotation_context(self):
        """Stock *New Quotation* shares the lead's values as defaults; the
        lead's active courses of interest become the quotation's lines."""
        quotation_context = super()._prepare_opportunity_quotation_context()
        if self.course_ids:
            quotation_context["default_order_line"] = [
                Command.create({"product_id": course.product_id.id, "product_uom_qty": 1})
                for course in self.course_ids
            ]
        return quotation_context

    def _sort_by_confidence_level(self, reverse=False):
        """A decided dispute merges the person's leads into the winner's lead
        (training.crm.dispute._merge_person_leads): that lead heads the merge,
        whatever its confidence level."""
        leads = super()._sort_by_confidence_level(reverse=reverse)
        master_id = self.env.context.get("training_merge_master_id")
        master = leads.filtered(lambda lead: lead._origin.id == master_id) if master_id else None
        if master:
            rest = leads - master
            leads = master + rest if reverse else rest + master
        return leads

    def toggle_active(self):
        """Restoring a lost lead gives it a fresh start: past failures no longer
        count, and its invalidations are closed (they stay counted in reports)."""
        res = super().toggle_active()
        restored = self.filtered("active")
        if restored:
            now = fields.Datetime.now()
            restored.sudo().failed_attempt_reset_date = now
            self.env["training.crm.invalidation"].sudo().search(
                [("lead_id", "in", restored.ids), ("restored_date", "=", False)]
            ).write({"restored_date": now})
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_training_enrollments(self):
        self.ensure_one()
        return self.env["training.enrollment"]._action_view_for("lead_id", self)

    def action_book_trial(self):
        """The quick booking form: the lead's course of interest and its owner."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Book Trial Class"),
            "res_model": "training.trial",
            "view_mode": "form",
            "views": [(self.env.ref("training_crm.training_trial_view_form_quick").id, "form")],
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_course_id": self.course_ids[:1].id,
            },
        }

    def action_view_training_trials(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("training_crm.training_trial_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        return action

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

    def action_view_grade_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_crm_grade_history_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        return action

    def action_claim(self):
        """Take an unowned lead of one's team's pool (公海).

        Readability first: whatever the answer, a lead the consultant may not
        read is neither named nor described (no enumerating other customers)."""
        self.ensure_one()
        self._check_claim_rights()
        if not self._training_filtered_readable():
            raise AccessError(self.env._("This lead is not yours to claim."))
        self._lock_for_ownership()
        lead = self.sudo()
        if lead.user_id:
            if not self._training_filtered_readable():
                # Taken meanwhile by a colleague: no longer the consultant's to read.
                raise UserError(self.env._("Another consultant has just claimed this lead."))
            raise UserError(
                self.env._(
                    "%(lead)s already belongs to %(owner)s.",
                    lead=lead.display_name,
                    owner=lead.user_id.name,
                )
            )
        if not lead.active:
            raise UserError(
                self.env._("%(lead)s is lost: it cannot be claimed.", lead=lead.display_name)
            )
        if lead._is_won():
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
        guards = self._check_training_claim_guards(self.env.user)
        self._check_claim_limit()
        self._check_training_holding_cap(self.env.user)
        self._claim_for(self.env.user)
        if guards:
            self._log_training_guard_bypass(guards)
        # Claimed from a card as from the form: say so, and show the lead as now owned.
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("%(lead)s is yours now.", lead=lead.display_name),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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

    def action_hand_back(self):
        self._check_hand_back_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Back to Pool"),
            "res_model": "training.crm.lead.hand.back",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }

    def action_reassign(self):
        self._check_reassign_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign"),
            "res_model": "training.crm.lead.reassign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }

    # ------------------------------------------------------------
    # RIGHTS
    # ------------------------------------------------------------

    def _check_log_fields(self, vals_list):
        if any(fname in vals for vals in vals_list for fname in LOG_FIELDS):
            raise AccessError(
                self.env._(
                    "First contact, claims, collisions and follow-up counters come from "
                    "the follow-up log and cannot be changed by hand."
                )
            )

    def _check_claim_rights(self):
        if not self.env.user.has_group("training_crm.group_consultant"):
            raise AccessError(self.env._("Only consultants can claim leads."))

    def _check_reassign_rights(self, user_id=None):
        """Owners are decided by first contact, claims and supervisors (no 恶意争抢):
        a consultant may only hand their own lead back to the pool. Salespeople
        outside the Training CRM roles keep stock CRM's behaviour.

        Without `user_id`, the act is reassigning through the wizard: supervisors only."""
        user = self.env.user
        if user._is_training_supervisor():
            return
        if user_id is None:
            raise AccessError(self.env._("Only a supervisor can reassign leads."))
        if not user.has_group("training_crm.group_consultant"):
            return
        readable = self._training_filtered_readable()
        for lead in self:
            if lead.user_id.id == user_id or (lead.user_id == user and not user_id):
                continue
            if lead not in readable:
                raise AccessError(
                    self.env._("Only a supervisor can reassign a lead that is not yours.")
                )
            if lead.user_id:
                raise AccessError(
                    self.env._(
                        "%(lead)s belongs to %(owner)s: only a supervisor can reassign it.",
                        lead=lead.display_name,
                        owner=lead.user_id.name,
                    )
                )
            raise AccessError(
                self.env._("%(lead)s is in the pool: use Claim to take it.", lead=lead.display_name)
            )

    def _check_hand_back_rights(self):
        """A consultant hands back their own leads, a supervisor any owned lead."""
        user = self.env.user
        if not user._is_training_supervisor() and (
            not user.has_group("training_crm.group_consultant")
            or any(lead.user_id != user for lead in self)
        ):
            raise AccessError(self.env._("You can only hand back your own leads."))
        if not all(lead._is_open() for lead in self):
            # Won or lost: nobody could claim it from the pool.
            raise UserError(self.env._("Only open leads go back to the pool."))

    @api.model
    def _is_salesperson_stock(self):
        """Does the current user keep stock CRM's Salesperson field? Sales
        Administrators, and sales users without a Training CRM role, do."""
        user = self.env.user
        return user.has_group("sales_team.group_sale_manager") or not (
            user.has_group("training_crm.group_consultant")
            or user.has_group("training_crm.group_auditor")
        )

    def _log_direct_salesperson_change(self, user_id):
        """Owners change through Claim, Reassign, Hand Back and decisions, each
        saying why (they set `training_crm_owner_door`). Any other write of the
        salesperson, a Sales Administrator's form or an RPC call, says it was
        made without a reason, on the message that tracks the change: no message
        of its own. In the former and new owners' language, as the wizard's reason."""
        if self.env.context.get("training_crm_owner_door") or self.env.context.get(
            "tracking_disable"
        ):
            return
        owners = self.user_id | self.env["res.users"].browse(user_id or [])
        self._track_set_log_message(
            self.with_context(lang=self._get_training_lang(owners)).env._(
                "Salesperson changed directly by %(user)s, without a reason.",
                user=self.env.user.name,
            )
        )

    def _check_claim_limit(self):
        limit = self._get_int_param("training_crm.claim_daily_limit", 0)
        if not limit:
            return
        # The consultant's local day: in Shanghai it starts at 16:00 UTC the day before.
        tz = self._get_training_tz()
        day_start = (
            tz.localize(datetime.combine(self._get_training_today(), time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        # Won leads never count: a claim that ends in an enrolment frees its place.
        claimed = self.sudo().search_count(
            [
                ("user_id", "=", self.env.uid),
                ("claim_date", ">=", day_start),
                ("probability", "<", 100),
            ]
        )
        if claimed >= limit:
            raise UserError(
                self.env._(
                    "You have claimed %(count)s leads today, the daily limit: "
                    "follow up on them first.",
                    count=claimed,
                )
            )

    @api.model
    def _get_training_holding_counts(self, users):
        """{user: open leads they own}, all teams: one grouped query. Won and
        lost leads are not held (私海库容 counts the leads still to win)."""
        if not users:
            return {}
        domain = expression.AND([self._get_open_domain(), [("user_id", "in", users.ids)]])
        return dict(self.sudo()._read_group(domain, ["user_id"], ["__count"]))

    def _check_training_holding_cap(self, user):
        """Refuse to give `user` these leads past their holding cap (私海库容),
        saying how many they hold. Leads they own already, and won or lost
        ones, take no room."""
        taken = self.filtered(lambda lead: lead.user_id != user and lead._is_open())
        if not taken or not user:
            return
        caps = [team._get_training_holding_cap(user) for team in taken.sudo().team_id]
        if any(not lead.team_id for lead in taken.sudo()):
            caps.append(self.env["crm.team"]._get_training_holding_cap(user))
        cap = min((cap for cap in caps if cap), default=0)
        if not cap:
            return
        held = self._get_training_holding_counts(user).get(user, 0)
        if held + len(taken) <= cap:
            return
        if user == self.env.user:
            message = self.env._(
                "You hold %(count)s open leads and your cap is %(cap)s: win, hand back or "
                "let go of some before taking more.",
                count=held,
                cap=cap,
            )
        else:
            message = self.env._(
                "%(user)s holds %(count)s open leads and their cap is %(cap)s: they cannot "
                "take %(more)s more.",
                user=user.name,
                count=held,
                cap=cap,
                more=len(taken),
            )
        raise UserError(message)

    # ------------------------------------------------------------
    # BUSINESS: the lead's state
    # ------------------------------------------------------------

    @api.model
    def _get_open_domain(self):
        """Open: in the pipeline, neither won nor lost."""
        return [("active", "=", True), ("probability", "<", 100)]

    def _is_open(self):
        self.ensure_one()
        return self.active and self.probability < 100

    def _is_won(self):
        self.ensure_one()
        return self.active and self.probability >= 100

    def _is_lost(self):
        """Lost (and so archived) with no chance left, as crm's action_set_lost leaves it."""
        self.ensure_one()
        return not self.active and self.probability == 0

    def _get_followups_since_restore(self):
        """The follow-ups that count towards invalidation: those after the last
        restore (a restored lead starts afresh), newest first."""
        self.ensure_one()
        reset = self.failed_attempt_reset_date
        return self.followup_ids.filtered(lambda f: not reset or f.date > reset).sorted(
            lambda f: (f.date, f.id or 0), reverse=True
        )

    def _get_failed_streak(self):
        """The current run of failed attempts (no answer, unreachable), newest
        first: any contact that reached the person ends it."""
        streak = self.env["training.crm.followup"]
        for followup in self._get_followups_since_restore():
            if not followup.failed:
                break
            streak |= followup
        return streak

    def _get_training_supervisors(self):
        """Who supervises this lead: its team's leader, else every supervisor."""
        return self.team_id.user_id or self.env["res.users"]._get_training_supervisors_of(
            self.company_id
        )

    # ------------------------------------------------------------
    # BUSINESS: the person behind a lead
    # ------------------------------------------------------------

    def _phone_get_country(self):
        """Consultants type national numbers (135 9376 3778) and leads seldom
        carry a country. After the lead's own country and its customer's (stock),
        normalise with its team's company's country, then its own company's,
        rather than the acting user's company: the same number must give the
        same key whoever types it, or collisions (撞单) are missed.

        Called per record by _phone_format: no query of its own per lead, the
        teams and companies are read once for the whole prefetched batch."""
        country_by_record = super()._phone_get_country()
        for lead in self:
            if lead.id in country_by_record:
                continue
            country = lead.team_id.company_id.country_id or lead.company_id.country_id
            if country:
                country_by_record[lead.id] = country
        return country_by_record

    def _recompute_phone_keys(self):
        """The fallback country follows the team and the company: renormalise
        the numbers of leads moved to another one. Not a dependency of the
        computes: every salesperson change recomputes team and company, and
        would re-read the countries on the hot paths (assignment, first contact)."""
        for fname in ("phone_sanitized", "phone_other_sanitized"):
            self.env.add_to_compute(self._fields[fname], self)

    def _get_person_keys(self):
        """What identifies the leads' people: their normalised numbers and
        e-mails, as (kind, value) pairs."""
        keys = set()
        for lead in self:
            for number in (lead.phone_sanitized, lead.phone_other_sanitized):
                if number:
                    keys.add(("phone", number))
            if lead.email_normalized:
                keys.add(("email", lead.email_normalized))
            if lead.training_wechat_normalized:
                keys.add(("wechat", lead.training_wechat_normalized))
        return keys

    @api.model
    def _get_person_domain(self, keys):
        """Leads with any of these keys: one lookup over indexed columns."""
        phones = [value for kind, value in keys if kind == "phone"]
        emails = [value for kind, value in keys if kind == "email"]
        domains = []
        if phones:
            domains += [
                [("phone_sanitized", "in", phones)],
                [("phone_other_sanitized", "in", phones)],
            ]
        if emails:
            domains.append([("email_normalized", "in", emails)])
        wechats = [value for kind, value in keys if kind == "wechat"]
        if wechats:
            domains.append([("training_wechat_normalized", "in", wechats)])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def _get_person_leads(self):
        """Other open leads of the same person."""
        self.ensure_one()
        return self._get_person_leads_by_lead()[self]

    def _get_person_leads_by_lead(self, domain=None):
        """For each lead, the other open leads of its person; one query for all."""
        keys_by_lead = {lead: lead._get_person_keys() for lead in self}
        keys = set().union(*keys_by_lead.values())
        if not keys:
            return {lead: self.browse() for lead in self}
        found = self.sudo().search(
            expression.AND([self._get_open_domain(), domain or [], self._get_person_domain(keys)])
        )
        ids_by_key = defaultdict(set)
        for other in found:
            for key in other._get_person_keys():
                ids_by_key[key].add(other.id)
        result = {}
        for lead, lead_keys in keys_by_lead.items():
            ids = set().union(*(ids_by_key[key] for key in lead_keys))
            ids.discard(lead._origin.id)
            result[lead] = found.filtered(lambda other, ids=ids: other.id in ids)
        return result

    # ------------------------------------------------------------
    # BUSINESS: ownership (判客)
    # ------------------------------------------------------------

    def _flag_collisions(self):
        """撞单: a new lead of a person that another consultant's open lead already
        holds does not change who owns the person. It is kept apart, flagged for
        a supervisor to merge, and its creator is told who owns the person;
        nobody else can claim it. One query a batch."""
        owned = self._get_person_leads_by_lead(domain=[("user_id", "!=", False)])
        flagged = defaultdict(lambda: self.browse())
        for lead in self:
            if not owned[lead]:
                continue
            match = owned[lead].filtered(lambda other: other not in self).sorted("id")[:1]
            if match and match.user_id != lead.user_id:
                flagged[match] |= lead
        if not flagged:
            return
        for match, collided in flagged.items():
            collided.sudo().write({"collision_lead_id": match.id})
        collided = self.browse().union(*flagged.values()).sudo()
        # Told to each lead's owner, in their language: one translation lookup a language.
        # The other consultant's lead is not named: only who owns the person.
        body_by_lang, bodies = {}, {}
        for lead in collided:
            lang = lead._get_training_lang(lead.user_id)
            if lang not in body_by_lang:
                body_by_lang[lang] = self.with_context(lang=lang).env._(
                    "This person is already followed by %(owner)s (撞单). "
                    "Ownership stays with %(owner)s; a supervisor merges the leads."
                )
            bodies[lead.id] = body_by_lang[lang] % {
                "owner": lead.collision_lead_id.user_id.name,
            }
        collided._message_log_batch(bodies)

    @api.onchange("phone", "mobile", "email_from", "training_wechat", "country_id", "team_id")
    def _onchange_training_collision(self):
        """Warn the consultant typing in a person someone else already follows."""
        if self._origin.id:
            return None
        match = self._get_person_leads().filtered(
            lambda lead: lead.user_id and lead.user_id != self.user_id
        )[:1]
        if not match:
            return None
        return {
            "warning": {
                "type": "notification",  # a toast: informs without stopping the typing
                "title": self.env._("Already followed (撞单)"),
                "message": self.env._(
                    "%(owner)s already follows this person. Ownership stays with "
                    "%(owner)s; saving keeps your lead apart for a supervisor to merge.",
                    owner=match.user_id.name,
                ),
            }
        }

    def _lock_for_ownership(self, wait=False):
        """Lock the leads' rows and re-read their owners as others committed them.

        NOWAIT: a consultant whose colleague takes the same lead at the same
        moment is told so at once instead of waiting; one owner results. No
        savepoint: the refusal ends the request, and its transaction with it.

        `wait`: a few seconds' wait first, for follow-ups: the same consultant
        logging twice at once (a double submit) gets the second logged, not a
        refusal. Once the first commits, PostgreSQL refuses the second's
        snapshot (a serialization failure) and Odoo replays the request, which
        then finds the first contact made."""
        if wait:
            query = SQL(
                "SET LOCAL lock_timeout = %s; "
                "SELECT id FROM crm_lead WHERE id = ANY(%s) FOR UPDATE; "
                "SET LOCAL lock_timeout TO DEFAULT",
                f"{OWNERSHIP_LOCK_WAIT}s",
                self.ids,
            )
        else:
            query = SQL("SELECT id FROM crm_lead WHERE id = ANY(%s) FOR UPDATE NOWAIT", self.ids)
        try:
            self.env.cr.execute(query, log_exceptions=False)
        except LockNotAvailable:
            # Named only when readable: the lock is also taken on leads logged
            # as supervisor-checked, whose names the user may not read.
            readable = self[:3].with_env(self.env(su=False))._training_filtered_readable()
            if readable:
                raise UserError(
                    self.env._(
                        "Someone else is taking %(lead)s right now. Try again in a moment.",
                        lead=", ".join(readable.mapped("display_name")),
                    )
                ) from None
            raise UserError(
                self.env._("Someone else is taking this lead right now. Try again in a moment.")
            ) from None
        self.invalidate_recordset(["user_id", "active", "probability", "first_contact_date"])

    def _claim_for(self, user):
        """One chatter message says who claimed the lead: the salesperson change
        is not tracked on top of it."""
        self.sudo().with_context(tracking_disable=True).write(
            {"user_id": user.id, "claim_date": fields.Datetime.now()}
        )
        body = self.with_context(lang=self._get_training_lang(user)).env._(
            "Claimed from the pool by %(user)s.", user=user.name
        )
        self._message_log_event(
            dict.fromkeys(self.ids, body),
            "training_crm.mt_lead_claimed",
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
                # Read by the supervisor and both sides: in the company's language.
                "reason": self.with_context(lang=self._get_training_lang()).env._(
                    "%(users)s reached the same person within the tie window.",
                    users=", ".join(leads.first_contact_user_id.mapped("name")),
                ),
            }
        )

    # ------------------------------------------------------------
    # BUSINESS: grades and the follow-up cadence
    # ------------------------------------------------------------

    def _log_grade_changes(self, old_grades):
        """Keep each grade change as a row reports can aggregate, one create for
        the batch. `old_grades`: each lead's grade before the change, by id."""
        rows = [
            {
                "lead_id": lead.id,
                "old_grade_id": old_grades.get(lead.id, lead.intent_grade_id.browse()).id,
                "new_grade_id": lead.intent_grade_id.id,
                "user_id": self.env.uid,
                "team_id": lead.team_id.id,
                "company_id": lead.company_id.id,
            }
            for lead in self
            if old_grades.get(lead.id, lead.intent_grade_id.browse()) != lead.intent_grade_id
        ]
        if rows:
            self.env["training.crm.grade.history"].sudo().create(rows)

    def _plan_followups(self, vals):
        """Every open lead is due somewhere: a lead assigned, claimed or restored
        is due after the first follow-up delay, a lead (re)graded after its
        grade's longest gap, unless something sooner is planned already.

        A logged follow-up plans the next contact itself (its own date, its
        retry or its grade): its writes say so in the context."""
        if self.env.context.get("training_crm_followup_planned"):
            return
        first_delay = (
            self._get_first_followup_delay() if vals.get("user_id") or vals.get("active") else None
        )
        gap = None
        if vals.get("intent_grade_id"):
            gap = self.env["training.crm.grade"].browse(vals["intent_grade_id"]).followup_gap_days
        if first_delay is None and gap is None:
            return
        due = self._get_due_date(first_delay, gap)
        # Not probability: it may wait for recomputation, and reading it would
        # recompute crm's scores once a write instead of once a flush.
        late = self.filtered(
            lambda lead: (
                lead.active and (not lead.next_followup_date or lead.next_followup_date > due)
            )
        )
        if late:
            late.write({"next_followup_date": due})

    @api.model
    def _cron_schedule_followup_activities(self, batch_size=ACTIVITY_BATCH_SIZE):
        """The due Follow-up activity of each open lead a consultant owns and
        that has none yet (new, assigned, claimed, restored or graded leads):
        the consultant's to-do list shows every lead they must follow up.

        Sales Administrators keep stock CRM's activities. Activities are created
        in batches, without the assignment e-mail; a call looks the leads up
        once, commits each batch outside tests and reports its progress."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        undated_left = self._plan_undated_leads(batch_size, auto_commit)
        self._pull_in_followup_activities()
        lead_ids = self._get_followup_activity_lead_ids()
        done = 0
        for start in range(0, batch_size * ACTIVITY_BATCHES_PER_CALL, batch_size):
            batch = self.browse(lead_ids[start : start + batch_size])
            if not batch:
                break
            batch._create_followup_activities()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(lead_ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=len(lead_ids) - done + undated_left
        )

    @api.model
    def _get_activity_consultants(self):
        """Whose leads get Follow-up activities: consultants and supervisors who
        are not Sales Administrators (those keep stock CRM's behaviour)."""
        return (
            self.env.ref("training_crm.group_consultant")
            .sudo()
            .users.filtered(lambda user: not user.share)
            - self.env.ref("sales_team.group_sale_manager").sudo().users
        )

    @api.model
    def _get_followup_activity_lead_ids(self):
        """Ids of the open leads, owned by consultants who are not Sales
        Administrators, with a next follow-up date and no Follow-up activity."""
        consultants = self._get_activity_consultants()
        if not consultants:
            return []
        activity_type_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "training_crm.mail_activity_type_followup"
        )
        domain = expression.AND(
            [
                self._get_open_domain(),
                [
                    ("user_id", "in", consultants.ids),
                    ("next_followup_date", "!=", False),
                    ("activity_ids", "not any", [("activity_type_id", "=", activity_type_id)]),
                ],
            ]
        )
        return self.sudo().search(domain, order="id").ids

    @api.model
    def _plan_undated_leads(self, batch_size, auto_commit):
        """Open leads without a date (from before the rule, or cleared by hand)
        are due after the first follow-up delay, like a new lead. As many
        batches a call as the activities get; returns how many leads are left."""
        undated_ids = (
            self.sudo()
            .search(
                expression.AND([self._get_open_domain(), [("next_followup_date", "=", False)]]),
                order="id",
            )
            .ids
        )
        if not undated_ids:
            return 0
        due = self._get_due_date(self._get_first_followup_delay())
        budget = batch_size * ACTIVITY_BATCHES_PER_CALL
        for start in range(0, min(len(undated_ids), budget), batch_size):
            self.browse(undated_ids[start : start + batch_size]).sudo().with_context(
                tracking_disable=True
            ).write({"next_followup_date": due})
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return max(len(undated_ids) - budget, 0)

    @api.model
    def _pull_in_followup_activities(self):
        """A regrade, an assignment or a restore planned a lead sooner than its
        Follow-up activity: the activity moves in to the lead's date, so that
        the owner's to-do list says the same as the lead. One query finds them
        all, one write a new deadline."""
        consultants = self._get_activity_consultants()
        if not consultants:
            return
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "activity_type_id", "date_deadline"]
        )
        self.flush_model(["next_followup_date", "active", "probability", "user_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT lead.next_followup_date, array_agg(activity.id)
                  FROM mail_activity activity
                  JOIN crm_lead lead ON lead.id = activity.res_id
                 WHERE activity.res_model = %(model)s
                   AND activity.activity_type_id = %(activity_type)s
                   AND lead.active AND lead.probability < 100
                   AND lead.user_id = ANY(%(users)s)
                   AND lead.next_followup_date < activity.date_deadline
                 GROUP BY lead.next_followup_date
                """,
                model=self._name,
                activity_type=self.env["ir.model.data"]._xmlid_to_res_id(
                    "training_crm.mail_activity_type_followup"
                ),
                users=consultants.ids,
            )
        )
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        for date, activity_ids in self.env.cr.fetchall():
            Activity.browse(activity_ids).write({"date_deadline": date})

    def _create_followup_activities(self):
        """One Follow-up activity per lead, on its owner, at its next follow-up
        date: one create, no notification e-mail (owners may have no address)."""
        activity_type = self.env.ref("training_crm.mail_activity_type_followup").sudo()
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary,
                    "note": activity_type.default_note,
                    "automated": True,
                    "date_deadline": lead.next_followup_date,
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "user_id": lead.user_id.id,
                }
                for lead in self.sudo()
            ]
        )

    # ------------------------------------------------------------
    # BUSINESS: the pool's reclaim clocks (保护期, 回收)
    # ------------------------------------------------------------

    @api.depends("user_id")
    def _compute_owner_date(self):
        """Any change of salesperson restarts the owner's time: claims, first
        contacts, assignments and reassignments alike (claim_date is claims only)."""
        now = fields.Datetime.now()
        for lead in self:
            lead.owner_date = now if lead.user_id else False

    @api.depends("training_trial_ids.state", "training_trial_ids.date")
    def _compute_pool_trial_date(self):
        for lead in self:
            dates = [trial.date for trial in lead.training_trial_ids if trial.state == "booked"]
            lead.pool_trial_date = max(dates, default=False)

    # Stored, from the lead's own row and its grade: logging a follow-up, the
    # hot path, recomputes it from what is already in the cache.
    @api.depends(
        "user_id",
        "owner_date",
        "active",
        "probability",
        "last_followup_date",
        "in_dispute",
        "pool_trial_date",
        "pool_protected",
        "pool_protected_until",
        "intent_grade_id.protection_days",
        "intent_grade_id.enrol_days",
    )
    def _compute_pool_return_date(self):
        for lead in self:
            lead.pool_return_date, lead.pool_return_rule = lead._get_pool_return()

    @api.depends("pool_return_date")
    @api.depends_context("tz", "uid")
    def _compute_pool_days_left(self):
        today = self._get_training_today()
        tz = self._get_training_tz()
        soon = fields.Datetime.now() + timedelta(days=self._get_pool_soon_days())
        for lead in self:
            date = lead.pool_return_date
            lead.pool_days_left = (
                (pytz.utc.localize(date).astimezone(tz).date() - today).days if date else 0
            )
            lead.pool_returning_soon = bool(date and date <= soon)

    def _search_pool_returning_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search returning-soon leads with = True or = False."))
        soon = fields.Datetime.now() + timedelta(days=self._get_pool_soon_days())
        if (operator == "=") == value:
            return [("pool_return_date", "!=", False), ("pool_return_date", "<=", soon)]
        return ["|", ("pool_return_date", "=", False), ("pool_return_date", ">", soon)]

    @api.depends_context("uid")
    def _compute_can_protect(self):
        self.can_protect = self.env.user._is_training_supervisor()

    @api.constrains("pool_protected", "pool_protected_reason", "pool_protected_until")
    def _check_pool_protected(self):
        for lead in self:
            complete = lead.pool_protected_until and lead.pool_protected_reason
            if lead.pool_protected and not complete:
                raise ValidationError(
                    self.env._(
                        "A lead protected from reclaim needs a reason and the day the "
                        "protection ends."
                    )
                )

    def _get_pool_return(self):
        """(when, rule): when the owned open lead returns to the pool, by which
        clock. The earlier clock wins (on a tie, the follow-up's); a booked trial
        or a supervisor's lock only postpones it, an open dispute suspends it."""
        self.ensure_one()
        grade = self.intent_grade_id
        if not (self.user_id and grade and self.active) or self.probability >= 100:
            return False, False
        if self.in_dispute or not (grade.protection_days or grade.enrol_days):
            return False, False
        owned = self.owner_date or self.date_open or self.create_date or fields.Datetime.now()
        clocks = []
        if grade.protection_days:
            since = max(owned, self.last_followup_date or owned)
            clocks.append((since + timedelta(days=grade.protection_days), "no_followup"))
        if grade.enrol_days:
            clocks.append((owned + timedelta(days=grade.enrol_days), "not_enrolled"))
        date, rule = min(clocks)
        holds = [self.pool_trial_date]
        if self.pool_protected and self.pool_protected_until:
            holds.append(datetime.combine(self.pool_protected_until, time.min))
        hold = max(filter(None, holds), default=None)
        return max(date, hold) if hold else date, rule

    def _check_pool_fields(self, vals_list):
        """The clocks are the reclaim's; the lock is a supervisor's."""
        if any(fname in vals for vals in vals_list for fname in POOL_CLOCK_FIELDS):
            raise AccessError(
                self.env._("The reclaim dates and reasons are kept by the pool's rules.")
            )
        if (
            any(fname in vals for vals in vals_list for fname in POOL_LOCK_FIELDS)
            and not self.env.user._is_training_supervisor()
        ):
            raise AccessError(self.env._("Only a supervisor can protect a lead from reclaim."))

    @api.model
    def _cron_release_idle_leads(self, batch_size=RELEASE_BATCH_SIZE):
        """Reclaim (回收): an owned open lead returns to its team's pool on its
        return date (see _get_pool_return); then the owners of leads about to
        return are warned. One scheduled action for both.

        One call looks the due leads up once and returns them by batches of
        ids, each committed outside tests; it reports its progress so that the
        cron runner calls it again while leads remain."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        self._expire_pool_locks()
        idle_ids = self._get_idle_lead_ids()
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        done = 0
        for start in range(0, batch_size * RELEASE_BATCHES_PER_CALL, batch_size):
            batch = self.browse(idle_ids[start : start + batch_size])
            if not batch:
                break
            batch._lock_due_for_pool()._release_to_pool()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(idle_ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()  # a chain's worth of leads never sits in the cache
        if done == len(idle_ids):
            # Once a run, when no lead is left to return: warning leads about to
            # be returned by the next call would be wasted.
            self._update_pool_return_warnings(auto_commit)
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(idle_ids) - done)

    @api.model
    def _get_pool_due_domain(self):
        """Owned open leads whose return date has come."""
        return [
            ("pool_return_date", "<=", fields.Datetime.to_string(fields.Datetime.now())),
            ("user_id", "!=", False),
        ]

    @api.model
    def _get_idle_lead_ids(self):
        """Ids of the leads due back in the pool, in order."""
        return self.sudo().search(self._get_pool_due_domain(), order="id").ids

    def _lock_due_for_pool(self):
        """The leads still due once locked, as the first statement of a batch's
        transaction: its snapshot then sees every change committed before the
        lock, and no one can change a locked lead until the batch commits.
        Leads a consultant is writing right now are skipped for the next run:
        waiting for them would end in a serialization failure of the batch."""
        self.flush_model(["pool_return_date", "user_id", "active"])
        query = self.sudo()._search(
            expression.AND([self._get_pool_due_domain(), [("id", "in", self.ids)]]), order="id"
        )
        self.env.cr.execute(
            SQL("%s FOR UPDATE OF %s SKIP LOCKED", query.select(), SQL.identifier(query.table))
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        if len(locked) < len(self):
            _logger.info(
                "Reclaim: %s of %s leads changed or in use since the lookup: left for the next run",
                len(self) - len(locked),
                len(self),
            )
        return locked

    @api.model
    def _expire_pool_locks(self):
        """A supervisor's lock ends on its end date (UTC): the flag goes, the
        reason and the date stay as a trace."""
        expired = self.sudo().search(
            [("pool_protected", "=", True), ("pool_protected_until", "<=", fields.Date.today())]
        )
        if expired:
            expired.write({"pool_protected": False})

    @api.model
    def action_pool_reclaim_preview(self):
        """What the next reclaim run would return, and why, without returning
        anything: for supervisors tuning the grades' clocks."""
        if not self.env.user._is_training_supervisor():
            raise AccessError(self.env._("Only a supervisor can preview the reclaim."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.crm_lead_action_pool_reclaim_preview"
        )
        action["domain"] = self._get_pool_due_domain()
        return action

    def _hand_back(self, reason):
        """Back to the pool at its owner's or a supervisor's request: one note
        per lead, in the former owner's language, says who and why; the
        salesperson change is not tracked on top of it, and the claim is over."""
        leads = self.sudo().filtered("user_id")
        body_by_lang, bodies = {}, {}
        for lead in leads:
            lang = lead._get_training_lang(lead.user_id)
            if lang not in body_by_lang:
                env = self.with_context(lang=lang).env
                body_by_lang[lang] = (
                    env._("Handed back to the pool by %(user)s. Reason: %(reason)s")
                    if reason
                    else env._("Handed back to the pool by %(user)s.")
                )
            bodies[lead.id] = body_by_lang[lang] % {"user": self.env.user.name, "reason": reason}
        if not leads:
            return
        leads.with_context(tracking_disable=True).write({"user_id": False})
        leads._message_log_event(bodies, "training_crm.mt_lead_released")

    def _release_to_pool(self):
        """Back to the pool, one chatter message per lead that says which rule
        returned it; the salesperson change is not tracked on top of it, and the
        lead keeps its log (follow-ups, messages)."""
        leads = self.sudo()
        # Told to the owner, in their language: one translation lookup a language,
        # a rule and a batch, not one a lead.
        body_by_key, bodies = {}, {}
        leads_by_rule = defaultdict(lambda: self.sudo().browse())
        for lead in leads:
            rule = lead.pool_return_rule or "no_followup"
            leads_by_rule[rule] |= lead
            lang = lead._get_training_lang(lead.user_id)
            if (lang, rule) not in body_by_key:
                env = self.with_context(lang=lang).env
                body_by_key[lang, rule] = (
                    env._(
                        "Back to the pool: %(owner)s did not enrol the person within %(days)s "
                        "days of taking the lead (grade %(grade)s)."
                    )
                    if rule == "not_enrolled"
                    else env._(
                        "Back to the pool: %(owner)s logged no follow-up within the %(days)s-day "
                        "protection period of grade %(grade)s."
                    )
                )
            grade = lead.intent_grade_id
            bodies[lead.id] = body_by_key[lang, rule] % {
                "owner": lead.user_id.name,
                "days": grade.enrol_days if rule == "not_enrolled" else grade.protection_days,
                "grade": grade.code,
            }
        # Nothing crm computes from the salesperson changes when a lead loses one
        # (team, company, stage, opening date and scores stay): spare a chain's
        # worth of leads those recomputations. The reclaim's own clocks do change.
        unchanged = [
            field
            for field in self.pool.get_dependent_fields(self._fields["user_id"])
            if field.model_name == self._name
            and field.store
            and field.name not in POOL_CLOCK_FIELDS
        ]
        with self.env.protecting(unchanged, leads):
            for rule, rule_leads in leads_by_rule.items():
                rule_leads.with_context(tracking_disable=True).write(
                    {"user_id": False, "pool_return_reason": rule}
                )
        leads._message_log_event(bodies, "training_crm.mt_lead_released")

    @api.model
    def _get_pool_warning_days(self):
        return self._get_int_param("training_crm.pool_warning_days", 2)

    @api.model
    def _get_pool_soon_days(self):
        """The "returning soon" filter's horizon: the warning's, else its default."""
        return self._get_pool_warning_days() or 2

    @api.model
    def _update_pool_return_warnings(self, auto_commit=False):
        """Warn owners before their leads return: one "returns to the pool on …"
        activity per lead (unique by lead and type: a rerun adds none), due on
        the return date, created in batches without e-mails. Warnings that no
        longer hold (followed up in time, returned, reassigned, won, lost, or
        the date moved) go in one unlink. Two queries find all of them."""
        activity_type = self.env.ref(
            "training_crm.mail_activity_type_pool_return", raise_if_not_found=False
        )
        if not activity_type:
            return
        now = fields.Datetime.now()
        limit = now + timedelta(days=self._get_pool_warning_days())
        tz = self._get_training_tz()
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "activity_type_id", "user_id", "date_deadline"]
        )
        self.flush_model(["pool_return_date", "user_id", "active"])
        self.env.cr.execute(
            SQL(
                """
                SELECT activity.id
                  FROM mail_activity activity
             LEFT JOIN crm_lead lead ON lead.id = activity.res_id
                 WHERE activity.res_model = %(model)s
                   AND activity.activity_type_id = %(activity_type)s
                   AND (lead.id IS NULL OR NOT lead.active
                        OR lead.pool_return_date IS NULL
                        OR lead.pool_return_date > %(limit)s
                        OR lead.user_id IS DISTINCT FROM activity.user_id
                        OR activity.date_deadline != (lead.pool_return_date
                           AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date)
                """,
                model=self._name,
                activity_type=activity_type.id,
                limit=limit,
                tz=tz.zone,
            )
        )
        stale_ids = [row[0] for row in self.env.cr.fetchall()]
        if stale_ids:
            self.env["mail.activity"].sudo().browse(stale_ids).unlink()
        if limit <= now:
            return
        self.env["mail.activity"].flush_model(["res_model", "res_id", "activity_type_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT lead.id
                  FROM crm_lead lead
                 WHERE lead.pool_return_date > %(now)s
                   AND lead.pool_return_date <= %(limit)s
                   AND lead.user_id IS NOT NULL
                   AND lead.active
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_activity activity
                        WHERE activity.res_model = %(model)s
                          AND activity.res_id = lead.id
                          AND activity.activity_type_id = %(activity_type)s)
                 ORDER BY lead.user_id, lead.id
                """,
                now=now,
                limit=limit,
                model=self._name,
                activity_type=activity_type.id,
            )
        )
        # By owner: mail.activity's create subscribes each owner to their leads
        # once a batch, so a batch of a few owners costs a few subscriptions.
        lead_ids = [row[0] for row in self.env.cr.fetchall()]
        for start in range(0, len(lead_ids), ACTIVITY_BATCH_SIZE):
            self.browse(lead_ids[start : start + ACTIVITY_BATCH_SIZE])._create_pool_warnings(
                activity_type, tz
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()

    def _create_pool_warnings(self, activity_type, tz):
        """One warning per lead, on its owner, in the owner's language: one
        create, no notification e-mail (owners may have no address). The date
        is in the summary: no note to sanitise tens of thousands of times."""
        model_id = self.env["ir.model"]._get_id(self._name)
        summaries = {}
        vals_list = []
        for lead in self.sudo():
            day = pytz.utc.localize(lead.pool_return_date).astimezone(tz).date()
            lang = lead._get_training_lang(lead.user_id)
            if (lang, day) not in summaries:
                env = self.with_context(lang=lang).env
                summaries[lang, day] = env._(
                    "Returns to the pool on %(date)s", date=format_date(env, day, lang_code=lang)
                )
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": summaries[lang, day],
                    "automated": True,
                    "date_deadline": day,
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "user_id": lead.user_id.id,
                }
            )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            vals_list
        )

    # ------------------------------------------------------------
    # BUSINESS: back from a competitor (合同有效期)
    # ------------------------------------------------------------

    @api.model
    def _cron_return_competitor_leads(self, batch_size=RETURN_BATCH_SIZE):
        """A person who signed with a competitor comes back as an open lead on
        the day the competitor's contract ends, to be contacted again.

        Batched like _cron_release_idle_leads: the invalidations due are looked
        up once, processed by batches committed outside tests, with progress
        reported so that the runner calls again while some remain."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        due_ids = self._get_competitor_return_ids()
        done = 0
        for start in range(0, batch_size * RELEASE_BATCHES_PER_CALL, batch_size):
            batch = self.env["training.crm.invalidation"].browse(
                due_ids[start : start + batch_size]
            )
            if not batch:
                break
            batch.sudo()._return_leads()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(due_ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(due_ids) - done)

    @api.model
    def _get_competitor_return_ids(self):
        """Competitor invalidations whose contract has ended and whose lead was
        neither restored since (restoring closes them) nor returned already, nor
        won meanwhile: it is still lost."""
        return (
            self.env["training.crm.invalidation"]
            .sudo()
            .search(
                [
                    ("reason", "=", "competitor"),
                    ("competitor_contract_end", "<=", fields.Date.context_today(self)),
                    ("restored_date", "=", False),
                    ("lead_id.active", "=", False),
                    ("lead_id.probability", "=", 0),
                ],
                order="id",
            )
            .ids
        )

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _training_filtered_readable(self):
        """The leads the current user may read, archived ones included: an error
        message names a lead only when its reader could open it anyway."""
        return self.with_context(active_test=False)._filtered_access("read").with_env(self.env)

    def _get_followup_activities(self, warnings=False):
        """The leads' Follow-up activities, those a consultant scheduled by hand
        included (activity_search sees only automated ones); with `warnings`,
        their warnings before reclaim too, in the same query."""
        xmlids = ["training_crm.mail_activity_type_followup"]
        if warnings:
            xmlids.append("training_crm.mail_activity_type_pool_return")
        IrModelData = self.env["ir.model.data"]
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "in", [IrModelData._xmlid_to_res_id(x) for x in xmlids]),
            ]
        )

    def _cancel_pool_return_warnings(self, warnings):
        """A follow-up in time moves the return date past the warning period:
        its lead's warning goes at once, not at the next reclaim run."""
        limit = fields.Datetime.now() + timedelta(days=self._get_pool_warning_days())
        leads = self.browse(warnings.mapped("res_id"))
        moved = {
            lead.id for lead in leads if not lead.pool_return_date or lead.pool_return_date > limit
        }
        warnings.filtered(lambda warning: warning.res_id in moved).sudo().unlink()

    def _message_log_event(self, bodies, subtype_xmlid):
        """One chatter note per lead for an ownership event, under the event's
        subtype (to filter and follow); nobody is notified and the author needs
        no e-mail address, as with _message_log_batch.

        One INSERT for the batch: the protection cron logs tens of thousands of
        releases at once, and mail.message's create (sanitising each body,
        keeping caches in step) would take most of its time."""
        now = fields.Datetime.now()
        author = self.env.user.partner_id
        ids = list(bodies)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (model, res_id, body, message_type, subtype_id,
                       is_internal, author_id, email_from, date, message_id,
                       email_add_signature, create_uid, create_date, write_uid, write_date)
                SELECT %(model)s, log.res_id, log.body, 'notification', %(subtype)s,
                       TRUE, %(author)s, %(email_from)s, %(now)s, %(message_id)s,
                       FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS log(res_id, body)
                """,
                model=self._name,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid),
                author=author.id,
                email_from=author.email_formatted or None,
                now=now,
                message_id=generate_tracking_message_id("message-notify"),
                uid=self.env.uid,
                ids=ids,
                bodies=[str(plaintext2html(bodies[res_id])) for res_id in ids],
            )
        )
        self.browse(ids).invalidate_recordset(["message_ids"])

    @api.model
    def _get_bool_param(self, key, default):
        """A switch stored as a system parameter ("True"/"False"; missing: default)."""
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        if value in (None, False, ""):
            return default
        return str(value).strip().lower() in ("1", "true", "yes", "on")

    @api.model
    def _get_training_tz(self):
        """The acting user's time zone: the client's, else res.users' definition."""
        name = self.env.context.get("tz")
        if name in pytz.all_timezones_set:
            return pytz.timezone(name)
        return self.env.user._get_training_tz(self.env.company)

    @api.model
    def _get_training_today(self):
        """The acting user's local today (see _get_training_tz)."""
        return fields.Datetime.context_timestamp(
            self.with_context(tz=self._get_training_tz().zone), fields.Datetime.now()
        ).date()

    @api.model
    def _get_first_followup_delay(self):
        return self._get_int_param("training_crm.first_followup_delay_days", 1)

    @api.model
    def _get_due_date(self, *days):
        """Local today plus the shortest of the given delays (None: not given)."""
        days = [day for day in days if day is not None]
        return self._get_training_today() + timedelta(days=min(days)) if days else False

    @api.model
    def _get_int_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key, default)
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            _logger.warning("%s=%r is not a number; using %s", key, value, default)
            return default

    # ------------------------------------------------------------
    # REFERRALS (转介绍): who referred the lead
    # ------------------------------------------------------------

    referred_by_id = fields.Many2one(
        "res.partner",
        string="Referrer",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        help="The contact who referred this person (转介绍), e.g. a former student: when the "
        "person enrols, the referrer's reward becomes due.",
    )
    training_referral_reward_ids = fields.One2many(
        "training.referral.reward", "lead_id", string="Referral Rewards"
    )

    @api.constrains("referred_by_id", "partner_id")
    def _check_referred_by_id(self):
        for lead in self:
            if lead.referred_by_id and lead.referred_by_id == lead.partner_id:
                raise ValidationError(self.env._("A customer cannot be their own referrer."))

    @api.onchange("referred_by_id")
    def _onchange_referred_by_id(self):
        if self.referred_by_id and not self.source_id:
            self.source_id = self._get_referral_source()

    @api.model
    def _get_referral_source(self):
        """The UTM source of referred leads (转介绍), unless the school removed it."""
        return self.env.ref("training_crm.utm_source_referral", raise_if_not_found=False)

    def _prepare_referral_vals_list(self, vals_list):
        """A referred lead without a source comes from referrals. A referrer is
        a contact the user may read: setting an id one may not would show its
        name through the lead (supervisors read every contact)."""
        referrer_ids = {vals["referred_by_id"] for vals in vals_list if vals.get("referred_by_id")}
        if not referrer_ids:
            return
        if not self.env.su:
            self.env["res.partner"].browse(referrer_ids).check_access("read")
        source = self._get_referral_source()
        if source:
            for vals in vals_list:
                if vals.get("referred_by_id") and not vals.get("source_id"):
                    vals["source_id"] = source.id

    def _set_referral_source(self):
        unsourced = self.filtered(lambda lead: not lead.source_id)
        source = self._get_referral_source() if unsourced else None
        if source:
            unsourced.write({"source_id": source.id})

    def action_view_training_referral_rewards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_referral_reward_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # VALUE GRADE: the customer value grade of a known family
    # ------------------------------------------------------------

    training_value_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
        string="Family Value Grade",
        compute="_compute_training_value_grade",
        help="Customer value grade of the lead's contact or of their guardians, for a family "
        "the school already knows (empty for a new one).",
    )

    @api.depends("partner_id.training_value_grade")
    def _compute_training_value_grade(self):
        grades = self.partner_id.sudo()._get_training_family_value_grades()
        for lead in self:
            lead.training_value_grade = grades.get(lead.partner_id.id, False)

    # ------------------------------------------------------------
    # FAMILY: what the school already knows of the lead's family
    # ------------------------------------------------------------

    training_family_known = fields.Boolean(
        string="Known Family", compute="_compute_training_family"
    )
    training_family_child_ids = fields.Many2many(
        "res.partner", string="Children", compute="_compute_training_family"
    )
    training_family_enrollment_ids = fields.Many2many(
        "training.enrollment", string="Family History", compute="_compute_training_family"
    )
    training_family_enrollment_count = fields.Integer(
        string="Family Enrolments", compute="_compute_training_family"
    )

    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_training_family(self):
        """A new lead of a known parent (or student) shows the family's
        enrolments, those the user may read; read only when displayed."""
        for lead in self:
            partner = lead.partner_id
            known = partner.training_is_guardian or partner.training_is_student
            lead.training_family_known = known
            # Only the children the user may read: a pool lead's family may be
            # another consultant's.
            children = partner.sudo().training_child_ids.student_id.with_env(self.env)
            lead.training_family_child_ids = children._filtered_access("read") if known else False
            enrollments = partner.training_family_enrollment_ids if known else False
            lead.training_family_enrollment_ids = enrollments
            lead.training_family_enrollment_count = len(enrollments) if enrollments else 0

    def action_view_training_family_enrollments(self):
        self.ensure_one()
        return self.partner_id.action_view_training_family_enrollments()

    # ------------------------------------------------------------
    # CLAIM GUARDS (领取限制): the previous owner's cool-down, the new-in-pool wait
    # ------------------------------------------------------------

    @api.depends("user_id")
    def _compute_pool_entry_date(self):
        """A lead enters the pool when it loses its salesperson or is created
        without one; a pool lead written unowned again keeps its date (no
        restarting the wait by hand)."""
        now = fields.Datetime.now()
        for lead in self:
            if lead.user_id:
                lead.pool_entry_date = False
            elif not lead.pool_entry_date:
                lead.pool_entry_date = now

    @api.depends("user_id", "team_id", "pool_entry_date", "pool_previous_user_id")
    @api.depends_context("uid")
    def _compute_pool_claimable_date(self):
        user = self.env.user
        exempt = user._is_training_supervisor()
        for lead in self:
            guard = not exempt and lead.id and lead._get_training_claim_guard(user)
            lead.pool_claimable_date = guard[2] if guard else False

    def _search_pool_claimable_date(self, operator, value):
        """Only "claimable now" (= False) and its opposite: the pool leads a
        claim guard holds back from the current user are found in SQL, by
        team (each team's own values, else Settings')."""
        if operator not in ("=", "!=") or value is not False:
            raise UserError(self.env._("Search claimable leads with = False or != False."))
        held = self._get_training_held_domain(self.env.user)
        if held == expression.FALSE_DOMAIN:
            return held if operator == "!=" else expression.TRUE_DOMAIN
        held_leads = self.sudo().with_context(active_test=False)._search(held)
        return [("id", "in" if operator == "!=" else "not in", held_leads)]

    @api.model
    def _get_training_held_domain(self, user):
        """The pool leads a claim guard keeps from `user` now (see
        _get_training_claim_guard): one query for the teams with values of their own."""
        if not user.has_group("training_crm.group_consultant") or user._is_training_supervisor():
            return expression.FALSE_DOMAIN
        now = fields.Datetime.now()
        Team = self.env["crm.team"].sudo().with_context(active_test=False)
        guards = [
            ("training_pool_wait_hours", "training_crm.pool_wait_hours", "hours", []),
            (
                "training_claim_cooldown_days",
                "training_crm.claim_cooldown_days",
                "days",
                [("pool_previous_user_id", "=", user.id)],
            ),
        ]
        held = []
        for fname, key, unit, extra in guards:
            own = Team.search([(fname, ">", 0)])
            for team in own:
                cutoff = now - timedelta(**{unit: team[fname]})
                held.append([*extra, ("team_id", "=", team.id), ("pool_entry_date", ">", cutoff)])
            if default := self._get_int_param(key, 0):
                cutoff = now - timedelta(**{unit: default})
                held.append(
                    [*extra, ("team_id", "not in", own.ids), ("pool_entry_date", ">", cutoff)]
                )
        if not held:
            return expression.FALSE_DOMAIN
        return expression.AND([[("user_id", "=", False)], expression.OR(held)])

    def _set_pool_previous_owners(self, owner_ids):
        """These leads were just released: they enter the pool now, and remember
        who held them (`owner_ids`: {lead id: user id}). Written in the cache
        like the salesperson they follow, so that all reach the database in one
        UPDATE (a reclaim batch mixes many owners), and dated at the release,
        not whenever the entry date would be recomputed."""
        leads = self.sudo()
        leads._fields["pool_entry_date"].write(leads, fields.Datetime.now())
        field = self._fields["pool_previous_user_id"]
        leads_by_owner = defaultdict(list)
        for lead_id, owner_id in owner_ids.items():
            leads_by_owner[owner_id].append(lead_id)
        for owner_id, lead_ids in leads_by_owner.items():
            field.write(leads.browse(lead_ids), owner_id)

    def _get_training_claim_guard(self, user):
        """(guard, entered, until) of the claim guard that keeps `user`, a
        consultant, from taking this pool lead now, the later-ending if both
        do, else None. Guards: "cooldown" (`user` held the lead before it
        returned to the pool on `entered`) and "new" (it entered the pool on
        `entered`). Supervisors are not exempt here: their callers let them
        through and log it."""
        self.ensure_one()
        if not user or not user.has_group("training_crm.group_consultant"):
            return None
        lead = self.sudo()
        if lead.user_id or not lead.pool_entry_date:
            return None
        now = fields.Datetime.now()
        entered = lead.pool_entry_date
        ends = []
        days = lead.team_id._get_training_claim_cooldown_days()
        if days and lead.pool_previous_user_id == user:
            ends.append((entered + timedelta(days=days), "cooldown"))
        hours = lead.team_id._get_training_pool_wait_hours()
        if hours:
            ends.append((entered + timedelta(hours=hours), "new"))
        until, guard = max(((end, g) for end, g in ends if end > now), default=(None, None))
        return (guard, entered, until) if guard else None

    def _check_training_claim_guards(self, user):
        """Refuse `user` this pool lead while a claim guard holds it, saying
        until when in their time zone. Supervisors pass: returns {lead id:
        (user, guard, entered, until)} of the guard they bypass, to log."""
        guard = self._get_training_claim_guard(user)
        if not guard:
            return {}
        if user._is_training_supervisor():
            return {self.id: (user, *guard)}
        guard, entered, until = guard
        tz = self._get_training_tz()
        if guard == "cooldown":
            raise UserError(
                self.env._(
                    "This lead returned to the pool from you on %(date)s: you can take it "
                    "again from %(until)s.",
                    date=self._format_training_datetime(entered, tz),
                    until=self._format_training_datetime(until, tz),
                )
            )
        raise UserError(
            self.env._(
                "This lead is new to the pool: consultants can take it from %(until)s.",
                until=self._format_training_datetime(until, tz),
            )
        )

    def _get_training_claim_guards_bypassed(self, user_id):
        """Before a supervisor gives these leads to `user_id`: {lead id: (user,
        guard, entered, until)} of the pool leads a claim guard would have kept
        from that user, to log once they are given."""
        user = self.env["res.users"].browse(user_id)
        if not self.env.user._is_training_supervisor() or not user.has_group(
            "training_crm.group_consultant"
        ):
            return {}
        guards = {}
        for lead in self:
            guard = lead._get_training_claim_guard(user)
            if guard:
                guards[lead.id] = (user, *guard)
        return guards

    def _get_training_guard_log(self, user, guard, entered, until):
        """Why `user`'s first contact leaves this pool lead in the pool, in their
        language and time zone."""
        env = self.with_context(lang=self._get_training_lang(user)).env
        tz = user._get_training_tz(self.company_id or self.env.company)
        if guard == "cooldown":
            return env._(
                "%(user)s reached this person, but the lead returned to the pool from them on "
                "%(date)s and they can take it again from %(until)s: the lead stays in the pool.",
                user=user.name,
                date=self.with_env(env)._format_training_datetime(entered, tz),
                until=self.with_env(env)._format_training_datetime(until, tz),
            )
        return env._(
            "%(user)s reached this person, but the lead is new to the pool and consultants "
            "can take it from %(until)s: the lead stays in the pool.",
            user=user.name,
            until=self.with_env(env)._format_training_datetime(until, tz),
        )

    def _log_training_guard_bypass(self, guards):
        """Say on each lead which claim guard a supervisor let through, and for
        whom (`guards`: {lead id: (user, guard, entered, until)}), in that
        user's language and time zone."""
        bodies = {}
        for lead in self.sudo():
            user, guard, entered, until = guards[lead.id]
            env = self.with_context(lang=lead._get_training_lang(user)).env
            tz = user._get_training_tz(lead.company_id or self.env.company)
            lead_env = lead.with_env(env)
            if guard == "cooldown":
                bodies[lead.id] = env._(
                    "Claim guard bypassed by supervisor %(supervisor)s: %(user)s took this lead "
                    "during their cool-down (it returned to the pool from them on %(date)s; "
                    "they could take it again from %(until)s).",
                    supervisor=self.env.user.name,
                    user=user.name,
                    date=lead_env._format_training_datetime(entered, tz),
                    until=lead_env._format_training_datetime(until, tz),
                )
            else:
                bodies[lead.id] = env._(
                    "Claim guard bypassed by supervisor %(supervisor)s: %(user)s took this lead "
                    "during its new-in-pool wait (consultants could take it from %(until)s).",
                    supervisor=self.env.user.name,
                    user=user.name,
                    until=lead_env._format_training_datetime(until, tz),
                )
        if bodies:
            self._message_log_event(bodies, "mail.mt_note")

    @api.model
    def _format_training_datetime(self, value, tz):
        """A stored (UTC) moment as the reader reads it: in `tz`, their language."""
        return format_datetime(self.env, value, tz=tz.zone, dt_format="short")

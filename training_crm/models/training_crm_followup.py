from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, format_datetime

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
# Outcomes that count towards invalidation; `reached` breaks the streak.
FAILED_OUTCOMES = ("no_answer", "unreachable", "not_interested")
DEFAULT_GAP_DAYS = 7
# Clocks of phones and servers differ: a follow-up a minute "ahead" is not in the future.
CLOCK_SKEW = timedelta(minutes=1)


class TrainingCrmFollowup(models.Model):
    """One contact attempt with a prospective student (跟进记录).

    The log is the evidence for ownership, invalidation and commissions: the
    lead's counters derive from it, so consultants add to it but only
    supervisors correct or delete entries."""

    _name = "training.crm.followup"
    _description = "Lead Follow-up"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    outcome = fields.Selection(OUTCOMES, required=True)
    note = fields.Text(required=True, help="What was said: needs, objections, promises.")
    next_date = fields.Date(
        string="Next Follow-up",
        compute="_compute_next_date",
        store=True,
        readonly=False,
        precompute=True,
        help="Planned date of the next contact. Left empty, it follows the grade's "
        "longest gap between follow-ups.",
    )
    grade_id = fields.Many2one(
        "training.crm.grade",
        string="New Grade",
        help="Regrade the lead with what this contact taught you.",
    )
    reached = fields.Boolean(
        compute="_compute_reached", store=True, help="The consultant spoke with the person."
    )
    failed = fields.Boolean(
        compute="_compute_reached",
        store=True,
        help="Counts towards the consecutive failed attempts that invalidate a lead.",
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
    @api.depends("date", "grade_id", "outcome")
    def _compute_next_date(self):
        for followup in self:
            if followup.outcome == "competitor" or not followup.date:
                followup.next_date = False
                continue
            grade = followup.grade_id or followup.lead_id.intent_grade_id
            gap = grade.followup_gap_days or DEFAULT_GAP_DAYS
            day = fields.Datetime.context_timestamp(followup, followup.date).date()
            followup.next_date = day + timedelta(days=gap)

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

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")  # an auditor hears "no access", not a business rule
        for vals in vals_list:
            self._check_values(vals, creating=True)
        self._check_may_log(vals_list)
        followups = super().create(vals_list)
        followups._apply_to_leads()
        return followups

    def write(self, vals):
        self._check_values(vals)
        return super().write(vals)

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

    @api.model
    def _check_may_log(self, vals_list):
        """Logging is how ownership is won: nobody logs on a lost lead, on a
        lead owned by someone else, or in someone else's name, unless a
        supervisor does it. Checked before anything is written."""
        if self.env.su or self.env.user.has_group("training_crm.group_supervisor"):
            return
        leads = self.env["crm.lead"].browse({vals.get("lead_id") for vals in vals_list} - {None})
        leads = leads.with_context(active_test=False).exists()
        for vals in vals_list:
            lead = leads.browse(vals.get("lead_id"))
            user = self.env["res.users"].browse(vals.get("user_id") or self.env.uid)
            if user != self.env.user:
                raise UserError(
                    self.env._(
                        "You can only log your own follow-ups, not %(user)s's.",
                        user=user.sudo().name,
                    )
                )
            if not lead:
                continue  # the required lead_id error comes from the ORM
            lead_sudo = lead.sudo()
            if not lead_sudo.active and lead_sudo.probability == 0:
                raise UserError(
                    self.env._(
                        "%(lead)s is lost: restore it before logging a follow-up.",
                        lead=lead_sudo.display_name,
                    )
                )
            if lead_sudo.user_id and lead_sudo.user_id != user:
                raise UserError(
                    self.env._(
                        "%(lead)s belongs to %(owner)s: only they or a supervisor may "
                        "log follow-ups on it.",
                        lead=lead_sudo.display_name,
                        owner=lead_sudo.user_id.name,
                    )
                )

    def _apply_to_leads(self):
        """Regrade, win first contact, close the due follow-up activity and
        plan the next one, then invalidate leads that failed too often.

        Checked by _check_may_log, this runs with rights but in the consultant's
        name: first contact may give the lead to the person's owner, whose chatter
        and activities the consultant then no longer sees."""
        followups = self.sudo().sorted(lambda f: (f.date, f.id))
        last_by_lead = {f.lead_id: f for f in followups}
        leads = followups.lead_id

        regraded = {}
        for followup in followups.filtered("grade_id"):
            regraded[followup.lead_id] = followup.grade_id
        for grade in set(regraded.values()):
            leads.filtered(lambda lead, g=grade: regraded.get(lead) == g).write(
                {"intent_grade_id": grade.id}
            )

        first_contacts = {}
        for followup in followups.filtered("reached"):
            if not followup.lead_id.first_contact_date:
                first_contacts.setdefault(followup.lead_id, followup)
        if first_contacts:
            self.env["crm.lead"].sudo().union(*first_contacts)._record_first_contacts(
                first_contacts
            )

        leads._close_followup_activities(last_by_lead)
        leads._schedule_next_followup(last_by_lead)
        leads._invalidate_after_failed_attempts(last_by_lead)

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
        if self.next_date:
            lines.append(
                self.env._("Next follow-up: %(date)s", date=format_date(self.env, self.next_date))
            )
        return "\n".join(lines)

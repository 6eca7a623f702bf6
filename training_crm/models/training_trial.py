from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import clean_context, format_datetime

from .training_crm_followup import CLOCK_SKEW

STATES = [
    ("booked", "Booked"),
    ("attended", "Attended"),
    ("no_show", "No-show"),
    ("cancelled", "Cancelled"),
]
# What marking a trial logs in the lead's follow-up log (channel trial_class).
FOLLOWUP_OUTCOMES = {"attended": "reached", "no_show": "no_answer"}
# Calendar's "All Calendar Event for employees" rule, narrowed: a trial class's
# event is for its consultant (organiser or attendee), supervisors and auditors.
CALENDAR_EVENT_RULE = "calendar.calendar_event_rule_employee"
# Auditors read trial events through a read-only rule of their own
# (training_crm.calendar_event_rule_trial_auditor), never change them.
CALENDAR_EVENT_RULE_DOMAIN = (
    "[(1, '=', 1)] if user.has_group('training_crm.group_supervisor') "
    "else ['|', '|', ('res_model', '!=', 'training.trial'), ('user_id', '=', user.id), "
    "('partner_ids', 'in', user.partner_id.id)]"
)
# Trial fields whose change moves the calendar event.
EVENT_FIELDS = ("date", "duration", "user_id", "course_id", "class_id", "lead_id", "note")


class TrainingTrial(models.Model):
    """A free trial class (免费试听, seed 001; 预约演示, seed 003) booked for a lead.

    Booking puts a calendar event in the consultant's calendar only: the family
    is no attendee and gets no invitation. Marking it attended or no-show logs
    it in the lead's follow-up log, which plans the next contact."""

    _name = "training.trial"
    _inherit = ["mail.thread"]
    _description = "Trial Class"
    _order = "date desc, id desc"

    lead_id = fields.Many2one(
        "crm.lead", required=True, index=True, ondelete="cascade", tracking=True
    )
    # Not stored: a stored related field would be recomputed on every lead
    # whose customer changes (stock crm locks the query count of conversions).
    partner_id = fields.Many2one(
        related="lead_id.partner_id", string="Customer", help="The lead's customer."
    )
    # The lead's team and company when the trial was booked, as for follow-ups:
    # assigning a lead (which moves its team) does not look for its trials.
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_lead_context",
        store=True,
        precompute=True,
        index="btree_not_null",
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_lead_context", store=True, precompute=True, index=True
    )

    # What and when
    course_id = fields.Many2one("training.course", required=True, index=True, tracking=True)
    class_id = fields.Many2one(
        "training.class",
        domain="[('course_id', '=', course_id)]",
        tracking=True,
        help="The class the trial sits in, if any: one-to-one courses have none.",
    )
    date = fields.Datetime(required=True, index=True, tracking=True)
    duration = fields.Float(default=1.0, help="Length of the trial class, in hours.")
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        domain="[('share', '=', False)]",
        tracking=True,
        help="Who receives the family: the trial is in their calendar.",
    )
    note = fields.Text()
    state = fields.Selection(
        STATES, required=True, default="booked", index=True, tracking=True, copy=False
    )
    # The event points at the trial (res_model/res_id), as calendar links events
    # to documents: found in one search for a batch, and no second write at booking.
    event_id = fields.Many2one(
        "calendar.event", string="Calendar Event", compute="_compute_event_id", compute_sudo=True
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("lead_id")
    def _compute_lead_context(self):
        for trial in self:
            trial.team_id = trial.lead_id.team_id
            trial.company_id = trial.lead_id.company_id

    @api.depends("lead_id")
    def _compute_user_id(self):
        for trial in self:
            if not trial.user_id:
                trial.user_id = trial.lead_id.user_id or self.env.user

    def _compute_event_id(self):
        events = (
            self.env["calendar.event"]
            .with_context(active_test=False)
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)], order="id")
        )
        event_by_trial = {event.res_id: event for event in events}
        for trial in self:
            trial.event_id = event_by_trial.get(trial.id, False)

    @api.depends("course_id", "lead_id")
    def _compute_display_name(self):
        for trial in self:
            trial.display_name = self.env._(
                "Trial: %(course)s - %(lead)s",
                course=trial.course_id.name or "",
                lead=trial.lead_id.contact_name or trial.lead_id.name or "",
            )

    @api.onchange("course_id")
    def _onchange_course_id(self):
        if self.class_id and self.class_id.course_id != self.course_id:
            self.class_id = False

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("date", "state")
    def _check_date(self):
        limit = fields.Datetime.now() - CLOCK_SKEW
        for trial in self:
            if trial.state == "booked" and trial.date < limit:
                raise ValidationError(
                    self.env._(
                        "A trial class cannot be booked in the past (%(date)s): "
                        "choose a date and time to come.",
                        date=format_datetime(self.env, trial.date),
                    )
                )

    @api.constrains("class_id", "course_id")
    def _check_class(self):
        for trial in self:
            if trial.class_id and trial.class_id.course_id != trial.course_id:
                raise ValidationError(
                    self.env._("The class of a trial must be a class of its course.")
                )

    @api.constrains("duration")
    def _check_duration(self):
        for trial in self:
            if trial.duration <= 0:
                raise ValidationError(self.env._("A trial class must last some time."))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Only supervisors record past trials directly (history); others book.
        if not (self.env.su or self.env.user._is_training_supervisor()) and any(
            vals.get("state", "booked") != "booked" for vals in vals_list
        ):
            raise UserError(self._get_state_error())
        trials = super().create(vals_list)
        trials._check_consultant()
        trials.filtered(lambda trial: trial.state == "booked")._create_events()
        return trials

    def write(self, vals):
        # The state moves through the buttons, which log what they must.
        if "state" in vals and not (self.env.su or self.env.context.get("training_trial_state")):
            raise UserError(self._get_state_error())
        res = super().write(vals)
        if "user_id" in vals:
            self._check_consultant()
        if any(fname in vals for fname in EVENT_FIELDS):
            self.filtered(lambda trial: trial.state == "booked")._update_events()
        if vals.get("state") == "cancelled":
            self._archive_events()
        return res

    def unlink(self):
        events = self.sudo().event_id
        res = super().unlink()
        events.unlink()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_mark_attended(self):
        self._mark("attended")

    def action_mark_no_show(self):
        self._mark("no_show")

    def action_cancel(self):
        self.check_access("write")
        done = self.filtered(lambda trial: trial.state in ("attended", "no_show"))
        if done:
            raise UserError(self.env._("A trial class that took place cannot be cancelled."))
        self.filtered(lambda trial: trial.state == "booked").with_context(
            training_trial_state=True
        ).write({"state": "cancelled"})

    def action_view_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.event_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _narrow_calendar_event_rule(self):
        """Called from the security data at install and at each update."""
        rule = self.env.ref(CALENDAR_EVENT_RULE, raise_if_not_found=False)
        if rule and rule.domain_force != CALENDAR_EVENT_RULE_DOMAIN:
            rule.sudo().domain_force = CALENDAR_EVENT_RULE_DOMAIN

    def _get_state_error(self):
        return self.env._(
            "Use the Attended, No-show and Cancel Trial buttons to change a trial class's status."
        )

    def _check_consultant(self):
        """A consultant books trials in their own name; a supervisor for anyone."""
        if self.env.su or self.env.user._is_training_supervisor():
            return
        if self.filtered(lambda trial: trial.user_id != self.env.user):
            raise AccessError(self.env._("You can book trial classes only in your own name."))

    def _mark(self, state):
        """Attended or no-show: the trial took place (or should have) and the
        lead's follow-up log records it, which closes the due follow-up and
        plans the next one (a no-show is called back within a few days)."""
        self.check_access("write")
        if self.filtered(lambda trial: trial.state != "booked"):
            raise UserError(
                self.env._("Only a booked trial class can be marked attended or no-show.")
            )
        user = self.env.user
        supervisor = user._is_training_supervisor()
        if not supervisor and self.filtered(lambda trial: trial.lead_id.user_id != user):
            raise AccessError(
                self.env._("Only the lead's consultant or a supervisor may mark its trial classes.")
            )
        now = fields.Datetime.now()
        if self.filtered(lambda trial: trial.date > now + CLOCK_SKEW):
            raise UserError(
                self.env._("A trial class can be marked once it has started, not before.")
            )
        # State first: the ValidationError of a trial in the past concerns booked ones only.
        self.with_context(training_trial_state=True).write({"state": state})
        next_date = False
        if state == "no_show":
            days = self.env["crm.lead"]._get_int_param("training_crm.trial_no_show_days", 1)
            next_date = self.env["crm.lead"]._get_due_date(days)
        Followup = self.env["training.crm.followup"]
        note_by_lang = {}
        vals_list = []
        for trial in self:
            lang = trial.lead_id._get_training_lang(trial.lead_id.user_id)
            if lang not in note_by_lang:
                env = self.with_context(lang=lang).env
                note_by_lang[lang] = (
                    env._("Trial class of %(date)s (%(course)s): attended.")
                    if state == "attended"
                    else env._("Trial class of %(date)s (%(course)s): did not come.")
                )
            vals = {
                "lead_id": trial.lead_id.id,
                "user_id": (trial.user_id if supervisor else user).id,
                "date": now,
                "channel": "trial_class",
                "outcome": FOLLOWUP_OUTCOMES[state],
                "note": note_by_lang[lang]
                % {
                    "date": format_datetime(self.env, trial.date),
                    "course": trial.course_id.name,
                },
            }
            if next_date:
                vals["next_date"] = next_date
            vals_list.append(vals)
        return Followup.create(vals_list)

    def _get_event_values(self):
        self.ensure_one()
        return {
            "name": self.display_name,
            "start": self.date,
            "stop": self.date + timedelta(hours=self.duration),
            "duration": self.duration,
            "user_id": self.user_id.id,
            "partner_ids": [fields.Command.set(self.user_id.partner_id.ids)],
            "description": self.note or False,
            "location": self.class_id.room or False,
        }

    def _get_event_env(self):
        """Events are the trials' side effect, written with rights once the trial
        itself passed its own; never an e-mail, neither to the family (no
        attendee) nor to the consultant (it is their calendar)."""
        # Nor the lead form's context: calendar reads default_* and active_* keys
        # as the event's document and attendees.
        context = {
            key: value
            for key, value in clean_context(self.env.context).items()
            if not key.startswith("active_")
        }
        return (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                context,
                no_mail_to_attendees=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
        )

    def _create_events(self):
        if not self:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        self._get_event_env().create(
            [
                dict(trial._get_event_values(), res_model_id=model_id, res_id=trial.id)
                for trial in self
            ]
        )
        self.invalidate_recordset(["event_id"])

    def _update_events(self):
        Event = self._get_event_env()
        for trial in self:
            if trial.event_id:
                Event.browse(trial.event_id.id).write(trial._get_event_values())
        missing = self.filtered(lambda trial: not trial.event_id)
        missing._create_events()

    def _archive_events(self):
        events = self.sudo().event_id
        if events:
            self._get_event_env().browse(events.ids).write({"active": False})

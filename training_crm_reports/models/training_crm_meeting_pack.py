from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

PACK_KINDS = [("weekly", "Weekly Follow-up Meeting"), ("monthly", "Monthly Summary")]
LINK_ACTION = "training_crm_reports.action_meeting_pack_line_open"
# A pack is created to be sent: no creation note, its recipient no follower.
NO_LOG = {"mail_create_nolog": True, "mail_create_nosubscribe": True, "tracking_disable": True}


class TrainingCrmMeetingPack(models.Model):
    """The figures a supervisor runs the weekly follow-up meeting (周会) and the
    monthly summary on (seed 000): one pack per recipient, scope and period.

    The figures are counted as the recipient, so that a pack never shows more
    than its reader may see: a supervisor their company, a team leader their
    team. Each figure links to the records behind it. Sections come from
    `_get_training_pack_sections`, which bridges extend (the helpdesk adds
    complaints) without this addon depending on them."""

    _name = "training.crm.meeting.pack"
    _inherit = ["training.crm.mail.mixin"]
    _description = "Meeting Pack"
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(PACK_KINDS, required=True, readonly=True, default="weekly")
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Recipient",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        readonly=True,
        ondelete="cascade",
        help="The team a team leader's pack counts; empty: the whole company.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "training.crm.meeting.pack.line", "pack_id", string="Figures", readonly=True
    )

    @api.depends("kind", "date_from", "date_to", "team_id", "company_id")
    @api.depends_context("lang")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for pack in self:
            scope = pack.team_id.name or pack.company_id.name or ""
            pack.name = f"{kinds.get(pack.kind, '')} {pack.date_from} - {pack.date_to} ({scope})"

    # ------------------------------------------------------------
    # SECTIONS: what the pack counts (extended by bridges)
    # ------------------------------------------------------------

    def _get_training_pack_bounds(self):
        """The period as naive UTC datetimes [start, end), by the recipient's
        local days (their time zone, else their company's)."""
        self.ensure_one()
        tz = self.user_id._get_training_tz(self.company_id)

        def utc(day):
            start = tz.localize(datetime.combine(day, time.min))
            return start.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(self.date_from), utc(self.date_to + timedelta(days=1))

    def _get_training_pack_scope(self, team_field="team_id", company_field="company_id"):
        """The records of the pack's company, and of its team if it has one.
        Records without a company count in a database of one company only."""
        self.ensure_one()
        companies = [self.company_id.id]
        if self.env["res.company"].sudo().search_count([], limit=2) == 1:
            companies.append(False)  # one company: records without any are its own
        scope = [(company_field, "in", companies)]
        if self.team_id:
            scope.append((team_field, "=", self.team_id.id))
        return scope

    def _get_training_pack_sections(self):
        """The pack's sections, in order: dicts of `key`, `title`, `model`,
        `domain` and `breakdown` (a field the figure is also given by, or
        False). Domains are searched as the recipient. Override to add
        sections; keys are unique."""
        self.ensure_one()
        start, end = self._get_training_pack_bounds()
        scope = self._get_training_pack_scope()
        period = [("create_date", ">=", start), ("create_date", "<", end)]
        any_lead = [("active", "in", [True, False])]  # lost leads count too
        renewal_day = self.date_to + timedelta(days=1)
        renewal_days = self.env["crm.lead"]._get_int_param("training_crm.renewal_days", 14)
        return [
            {
                "key": "new_leads",
                "title": self.env._("New Leads"),
                "model": "crm.lead",
                "domain": [*scope, *any_lead, *period],
            },
            {
                "key": "first_contacts",
                "title": self.env._("First Contacts"),
                "model": "crm.lead",
                "domain": [
                    *scope,
                    *any_lead,
                    ("first_contact_date", ">=", start),
                    ("first_contact_date", "<", end),
                ],
            },
            {
                "key": "overdue",
                "title": self.env._("Overdue Follow-ups"),
                "model": "crm.lead",
                "domain": [*scope, ("followup_overdue", "=", True)],
                "breakdown": "user_id",
            },
            {
                "key": "regrades",
                "title": self.env._("Regrades"),
                "model": "training.crm.grade.history",
                "domain": [
                    *scope,
                    ("old_grade_id", "!=", False),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
            },
            {
                "key": "open_disputes",
                "title": self.env._("Open Disputes"),
                "model": "training.crm.dispute",
                "domain": [*scope, ("state", "=", "open")],
            },
            {
                "key": "invalidations",
                "title": self.env._("Invalidations"),
                "model": "training.crm.invalidation",
                "domain": [*scope, ("date", ">=", start), ("date", "<", end)],
            },
            {
                "key": "trials",
                "title": self.env._("Trial Classes"),
                "model": "training.trial",
                "domain": [
                    *scope,
                    ("state", "!=", "cancelled"),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
            },
            {
                "key": "enrollments",
                "title": self.env._("Enrolments"),
                "model": "training.enrollment",
                "domain": [*scope, ("state", "!=", "cancelled"), *period],
            },
            {
                "key": "renewals_due",
                "title": self.env._("Renewals Due"),
                "model": "training.enrollment",
                "domain": [
                    *scope,
                    ("state", "in", ("enrolled", "studying")),
                    ("end_date", ">=", renewal_day),
                    ("end_date", "<=", renewal_day + timedelta(days=renewal_days)),
                ],
            },
        ]

    def _get_training_pack_section(self, key):
        self.ensure_one()
        for section in self._get_training_pack_sections():
            if section["key"] == key:
                return section
        return None

    # ------------------------------------------------------------
    # FIGURES
    # ------------------------------------------------------------

    def _compute_training_pack_lines(self):
        """(Re)count the figures of these packs: one grouped query per section
        and pack, counted as the pack's recipient in the pack's company."""
        Line = self.env["training.crm.meeting.pack.line"]
        vals_list = []
        for pack in self:
            as_recipient = pack.with_user(pack.user_id).with_context(
                allowed_company_ids=[pack.company_id.id]
            )
            for sequence, section in enumerate(as_recipient._get_training_pack_sections()):
                Model = as_recipient.env[section["model"]]
                breakdown = section.get("breakdown")
                groups = Model._read_group(
                    section["domain"], [breakdown] if breakdown else [], ["__count"]
                )
                common = {"pack_id": pack.id, "sequence": sequence, "section": section["key"]}
                vals_list.append({**common, "count": sum(count for *_key, count in groups)})
                if breakdown:
                    vals_list.extend(
                        {**common, "detail": True, "consultant_id": user.id, "count": count}
                        for user, count in sorted(groups, key=lambda group: -group[1])
                    )
        self.line_ids.unlink()
        return Line.create(vals_list)

    def _get_training_pack_rows(self):
        """The pack's figures for printing: (title, total line, breakdown lines)."""
        self.ensure_one()
        sections = {section["key"]: section for section in self._get_training_pack_sections()}
        rows = []
        for line in self.line_ids.filtered(lambda line: not line.detail):
            section = sections.get(line.section)
            if not section:
                continue  # a section of an addon since uninstalled
            details = self.line_ids.filtered(
                lambda detail, line=line: detail.section == line.section and detail.detail
            )
            rows.append((section["title"], line, details))
        return rows

    # ------------------------------------------------------------
    # SCHEDULE
    # ------------------------------------------------------------

    @api.model
    def _get_training_pack_period(self, kind, day):
        """The last complete week (Monday to Sunday) or month before `day`."""
        if kind == "weekly":
            date_to = day - timedelta(days=day.weekday() + 1)
            return date_to - timedelta(days=6), date_to
        date_from = day.replace(day=1) - relativedelta(months=1)
        return date_from, date_from + relativedelta(months=1, days=-1)

    @api.model
    def _get_training_pack_recipients(self, company):
        """[(user, team)] who receive a pack of `company`: every supervisor the
        whole company's (team empty), each team leader their team's."""
        recipients = [
            (user, self.env["crm.team"])
            for user in self.env["res.users"]._get_training_supervisors_of(company)
        ]
        teams = self.env["crm.team"].search(
            [("company_id", "in", [company.id, False]), ("user_id", "!=", False)]
        )
        recipients.extend(
            (team.user_id, team)
            for team in teams
            if not team.user_id.share and company in team.user_id.company_ids
        )
        return recipients

    @api.model
    def _cron_send_weekly(self):
        self._send_training_packs("weekly")

    @api.model
    def _cron_send_monthly(self):
        self._send_training_packs("monthly")

    @api.model
    def _send_training_packs(self, kind):
        """Each recipient's pack of the last week or month, to their inbox
        (and by e-mail where they have an address). Once per period: a
        recipient who has theirs already is skipped, so a retried run sends
        no pack twice."""
        packs = self.browse()
        for company in self.env["res.company"].search([("active", "=", True)], order="id"):
            tz = pytz.timezone(company.partner_id.tz or "UTC")
            today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
            date_from, date_to = self._get_training_pack_period(kind, today)
            existing = self.search(
                [
                    ("kind", "=", kind),
                    ("date_from", "=", date_from),
                    ("company_id", "=", company.id),
                ]
            )
            sent = {(pack.user_id, pack.team_id) for pack in existing}
            vals_list = [
                {
                    "kind": kind,
                    "date_from": date_from,
                    "date_to": date_to,
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": company.id,
                }
                for user, team in self._get_training_pack_recipients(company)
                if (user, team) not in sent
            ]
            packs |= self.with_context(**NO_LOG).create(vals_list)
        packs._compute_training_pack_lines()
        for pack in packs:
            pack._send_training_pack()
        return packs

    def _send_training_pack(self):
        """Post the pack to its recipient, in their language."""
        self.ensure_one()
        lang = self.user_id.lang or self._get_training_lang()
        pack = self.with_context(lang=lang)
        body = self.env["ir.qweb"]._render(
            "training_crm_reports.meeting_pack_message",
            {"pack": pack, "base_url": pack.get_base_url(), "link_action": LINK_ACTION},
            lang=lang,
        )
        return pack.message_notify(
            partner_ids=self.user_id.partner_id.ids,
            subject=pack.name,
            body=body,
            subtype_xmlid="mail.mt_note",
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _notify_thread_by_email(self, message, recipients_data, msg_vals=False, **kwargs):
        """A pack e-mailed to a supervisor stays in their Odoo inbox too: the
        e-mail is a copy, not the only place it is (Odoo's digest is e-mail
        only). Recipients without an address are in the inbox already."""
        res = super()._notify_thread_by_email(message, recipients_data, msg_vals=msg_vals, **kwargs)
        emailed = [
            data["id"]
            for data in recipients_data
            if data["notif"] == "email" and data.get("uid") and not data.get("ushare")
        ]
        if emailed:
            self.env["mail.notification"].sudo().search(
                [("mail_message_id", "=", message.id), ("res_partner_id", "in", emailed)]
            ).is_read = False
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_print(self):
        self.ensure_one()
        return self.env.ref("training_crm_reports.action_report_meeting_pack").report_action(self)

    def action_recompute(self):
        """Count the figures again, as of now."""
        for pack in self:
            if pack.user_id != self.env.user:
                raise UserError(self.env._("Only its recipient can count a pack again."))
        self._compute_training_pack_lines()
        return True


class TrainingCrmMeetingPackLine(models.Model):
    """One figure of a pack: a section's total, or one consultant's share of
    it. Its link opens the records behind it (see action_open_records)."""

    _name = "training.crm.meeting.pack.line"
    _description = "Meeting Pack Figure"
    _order = "pack_id, sequence, consultant_id, id"

    pack_id = fields.Many2one(
        "training.crm.meeting.pack", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    section = fields.Char(required=True)
    name = fields.Char(string="Figure", compute="_compute_name")
    detail = fields.Boolean(help="One consultant's share of the section's figure.")
    consultant_id = fields.Many2one("res.users")
    count = fields.Integer()

    @api.depends("section")
    @api.depends_context("lang")
    def _compute_name(self):
        for pack in self.pack_id:
            titles = {
                section["key"]: section["title"] for section in pack._get_training_pack_sections()
            }
            for line in self.filtered(lambda line, pack=pack: line.pack_id == pack):
                line.name = titles.get(line.section, line.section)

    def _get_training_url(self):
        """The link a pack prints for this figure: opens its records."""
        self.ensure_one()
        return f"{self.pack_id.get_base_url()}/odoo/{self.id}/action-{LINK_ACTION}"

    def action_open_records(self):
        """The records behind the figure, counted now, as the reader."""
        self.ensure_one()
        self.check_access("read")
        section = self.pack_id._get_training_pack_section(self.section)
        if not section:
            raise UserError(self.env._("This figure's section no longer exists."))
        domain = list(section["domain"])
        breakdown = section.get("breakdown")
        context = {"create": False}
        if breakdown and self.detail:
            domain.append((breakdown, "=", self.consultant_id.id))
        elif breakdown:
            context["group_by"] = [breakdown]
        return {
            "type": "ir.actions.act_window",
            "name": section["title"],
            "res_model": section["model"],
            "domain": domain,
            "views": [(False, "list"), (False, "form")],
            "context": context,
        }

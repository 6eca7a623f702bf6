from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date


class TrainingCrmDispute(models.Model):
    """Who owns a person when two consultants reached them at about the same
    time, or when a consultant contests an ownership (客户冲突判定). A
    supervisor decides from both sides' facts; the winner gets the person's
    leads and both sides are told."""

    _name = "training.crm.dispute"
    _description = "Ownership Dispute"
    _inherit = ["training.crm.mail.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "state desc, create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    lead_id = fields.Many2one(
        "crm.lead", required=True, index=True, ondelete="cascade", tracking=True
    )
    # The other side's leads are not a consultant's to read: supervisors decide on them.
    lead_ids = fields.Many2many(
        "crm.lead",
        "training_crm_dispute_lead_rel",
        "dispute_id",
        "lead_id",
        string="Leads of the Person",
        groups="training_crm.group_supervisor,training_crm.group_auditor",
        help="Every open lead of the person; the winner gets all of them.",
    )
    side_ids = fields.One2many("training.crm.dispute.side", "dispute_id", string="Sides")
    user_ids = fields.Many2many(
        "res.users",
        compute="_compute_user_ids",
        store=True,
        string="Consultants",
        relation="training_crm_dispute_user_rel",
    )
    origin = fields.Selection(
        [("tie", "First contacts within the tie window"), ("manual", "Opened by a consultant")],
        required=True,
        default="manual",
        readonly=True,
    )
    reason = fields.Text(help="Why the ownership is contested.")
    state = fields.Selection(
        [("open", "Open"), ("decided", "Decided")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    winner_user_id = fields.Many2one(
        "res.users", string="Winner", tracking=True, domain="[('id', 'in', user_ids)]"
    )
    decision_note = fields.Text(string="Decision", help="Why the winner was chosen.")
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_date = fields.Datetime(string="Decided On", readonly=True)
    team_id = fields.Many2one(
        "crm.team", compute="_compute_from_lead", store=True, precompute=True, string="Sales Team"
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_from_lead", store=True, precompute=True
    )
    can_decide = fields.Boolean(compute="_compute_can_decide")

    # From the lead when the dispute opens: later edits of the lead do not touch it.
    # Everyone concerned reads the name: it is in the company's language.
    @api.depends("lead_id")
    def _compute_name(self):
        name_by_lang = {}
        for dispute in self:
            lang = dispute.lead_id._get_training_lang()
            if lang not in name_by_lang:
                name_by_lang[lang] = self.with_context(lang=lang).env._("Dispute over %(person)s")
            lead = dispute.lead_id
            dispute.name = name_by_lang[lang] % {
                "person": lead.contact_name or lead.partner_name or lead.name or ""
            }

    @api.depends("lead_id")
    def _compute_from_lead(self):
        for dispute in self:
            dispute.team_id = dispute.lead_id.team_id
            dispute.company_id = dispute.lead_id.company_id

    @api.depends_context("uid")
    def _compute_can_decide(self):
        self.can_decide = self.env.user._is_training_supervisor()

    @api.depends("side_ids.user_id")
    def _compute_user_ids(self):
        for dispute in self:
            dispute.user_ids = dispute.side_ids.user_id

    @api.model_create_multi
    def create(self, vals_list):
        self._check_contest_rights(vals_list)
        disputes = super().create(vals_list)
        # The consultant opening a dispute may not see the other side's leads.
        for dispute in disputes.sudo():
            dispute.lead_ids |= dispute.lead_id | dispute.lead_id._get_person_leads()
            dispute._add_sides(dispute.lead_ids)
            if dispute.origin == "manual" and self.env.user not in dispute.side_ids.user_id:
                dispute.side_ids.create(
                    {
                        "dispute_id": dispute.id,
                        "user_id": self.env.uid,
                        "lead_id": dispute.lead_id.id,
                    }
                )
        disputes.sudo()._notify_supervisors()
        return disputes

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_decide(self):
        """The *Decide* dialog: the winner among the sides, the reason, and
        whether to merge the person's leads into the winner's."""
        self.ensure_one()
        self._check_decide_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide"),
            "res_model": "training.crm.dispute.decide",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_dispute_id": self.id},
        }

    def action_decide(self):
        """Give the person's leads to the winner, tell both sides."""
        self._check_decide_rights()
        self._check_decision()
        for dispute in self:
            dispute._decide()
        return True

    # ------------------------------------------------------------
    # RIGHTS
    # ------------------------------------------------------------

    def _check_decision(self):
        """An open dispute, a winner among its sides and a reason."""
        for dispute in self:
            if dispute.state != "open":
                raise UserError(
                    self.env._(
                        "%(dispute)s was already decided by %(user)s.",
                        dispute=dispute.name,
                        user=dispute.decided_by_id.name,
                    )
                )
            if not dispute.winner_user_id:
                raise UserError(self.env._("Choose the winner before deciding."))
            if not (dispute.decision_note or "").strip():
                raise UserError(
                    self.env._("Write down why: both consultants will read the decision.")
                )

    @api.model
    def _check_contest_rights(self, vals_list):
        """A consultant contests from a lead they can open: the dispute's name and
        lead would otherwise show them another consultant's customer."""
        if self.env.su or self.env.user._is_training_supervisor():
            return
        leads = self.env["crm.lead"].browse(
            {vals["lead_id"] for vals in vals_list if vals.get("lead_id")}
        )
        if leads != leads._training_filtered_readable():
            raise AccessError(
                self.env._("You can contest ownership only from a lead you can open.")
            )

    def _check_decide_rights(self):
        if not self.env.user._is_training_supervisor():
            raise AccessError(self.env._("Only a supervisor can decide a dispute."))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _decide(self):
        self.ensure_one()
        self.write(
            {
                "state": "decided",
                "decided_by_id": self.env.uid,
                "decided_date": fields.Datetime.now(),
            }
        )
        leads = self.lead_ids.filtered("active").sudo()
        # One message per lead says who keeps the person and why: no tracking on top.
        leads.with_context(tracking_disable=True).write({"user_id": self.winner_user_id.id})
        partners = (self.user_ids | self.winner_user_id).partner_id
        body = self.with_context(lang=self._get_training_lang(partners)).env._(
            "Dispute decided by %(supervisor)s: %(winner)s keeps %(person)s. Reason: %(reason)s",
            supervisor=self.env.user.name,
            winner=self.winner_user_id.name,
            person=self.lead_id.contact_name or self.lead_id.name,
            reason=self.decision_note,
        )
        self.message_post(
            body=body, partner_ids=partners.ids, subtype_xmlid="training_crm.mt_dispute_decided"
        )
        for lead in leads:
            lead.message_post(
                body=body, partner_ids=partners.ids, subtype_xmlid="training_crm.mt_lead_decided"
            )
        self.activity_ids.action_feedback(feedback=self.decision_note)

    def _get_winner_lead(self, leads):
        """The winner's lead among `leads`: her side's, else one she reached
        first or owns."""
        self.ensure_one()
        winner = self.winner_user_id
        side_lead = self.side_ids.filtered(lambda side: side.user_id == winner).lead_id
        return (
            (side_lead & leads)
            or leads.filtered(lambda lead: lead.first_contact_user_id == winner)
            or leads.filtered(lambda lead: lead.user_id == winner)
        )[:1]

    def _merge_person_leads(self):
        """Merge the person's open leads into the winner's lead, with the
        supervisor's rights. The winner's lead survives whatever stock merge
        would choose by confidence, with the winner's first contact: the
        result never reads "first contact by the loser, owned by the winner".
        Follow-ups, disputes, sides, invalidations and grade history move
        with the merge (crm.lead._merge_dependences)."""
        self.ensure_one()
        Lead = self.env["crm.lead"]
        leads = (self.lead_ids | self.lead_id._get_person_leads()).filtered_domain(
            Lead._get_open_domain()
        )
        if len(leads) < 2:
            return leads
        winner = self.winner_user_id
        master = self._get_winner_lead(leads)
        survivor = leads.with_context(
            training_merge_master_id=master.id,
            # The winner hears of it from the decision, in her inbox.
            mail_auto_subscribe_no_notify=True,
        )._merge_opportunity(user_id=winner.id, auto_unlink=True, max_length=None)
        if survivor.first_contact_user_id and survivor.first_contact_user_id != winner:
            first = (
                survivor.sudo()
                .followup_ids.filtered(
                    lambda followup: followup.user_id == winner and followup.reached
                )
                .sorted("date")[:1]
            )
            survivor.sudo().write(
                {"first_contact_date": first.date, "first_contact_user_id": first.user_id.id}
            )
        self.invalidate_recordset(["lead_ids", "lead_id"])
        return survivor

    def _add_sides(self, leads):
        """One side per consultant who reached the person (or owns one of its leads)."""
        sides, seen = [], set(self.side_ids.user_id.ids)
        for lead in leads:
            user = lead.first_contact_user_id or lead.user_id
            if user and user.id not in seen:
                seen.add(user.id)
                sides.append({"dispute_id": self.id, "user_id": user.id, "lead_id": lead.id})
        if sides:
            self.env["training.crm.dispute.side"].sudo().create(sides)

    def _notify_supervisors(self):
        for dispute in self:
            for supervisor in dispute.lead_id._get_training_supervisors():
                lang = dispute._get_training_lang(supervisor)
                dispute.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=supervisor.id,
                    summary=self.with_context(lang=lang).env._("Decide who owns this person"),
                )


class TrainingCrmDisputeSide(models.Model):
    """One consultant's case in a dispute: the facts Seed 000 says a supervisor weighs
    (how complete the customer information is, how sound the follow-up plan is)."""

    _name = "training.crm.dispute.side"
    _description = "Ownership Dispute Side"
    _order = "first_contact_date, id"

    dispute_id = fields.Many2one(
        "training.crm.dispute", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Consultant", required=True)
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    first_contact_date = fields.Datetime(related="lead_id.first_contact_date")
    followup_count = fields.Integer(related="lead_id.followup_count")
    last_followup_date = fields.Datetime(related="lead_id.last_followup_date")
    next_followup_date = fields.Date(related="lead_id.next_followup_date")
    intent_grade_id = fields.Many2one(related="lead_id.intent_grade_id")
    completeness = fields.Integer(
        compute="_compute_completeness",
        string="Information (%)",
        help="Share of name, phone, e-mail, grade and course interest filled in on the lead.",
    )
    plan = fields.Text(
        compute="_compute_plan",
        string="Follow-up Plan",
        help="The last follow-up note of this consultant on the lead.",
    )

    @api.depends(
        "user_id", "completeness", "intent_grade_id", "followup_count", "next_followup_date"
    )
    def _compute_display_name(self):
        """The consultant with her side's facts: the Decide dialog lists the
        candidates by it."""
        for side in self:
            # Not inside the call: the translation export evaluates its string arguments.
            completeness = f"{side.completeness}%"
            side.display_name = self.env._(
                "%(consultant)s — information %(completeness)s, grade %(grade)s, "
                "%(count)s follow-ups, next %(next)s",
                consultant=side.user_id.name,
                completeness=completeness,
                grade=side.intent_grade_id.display_name or "—",
                count=side.followup_count,
                next=format_date(self.env, side.next_followup_date) or "—",
            )

    @api.depends(
        "lead_id.contact_name",
        "lead_id.phone",
        "lead_id.mobile",
        "lead_id.email_from",
        "lead_id.intent_grade_id",
        "lead_id.name",
    )
    def _compute_completeness(self):
        for side in self:
            lead = side.lead_id
            filled = [
                bool(lead.contact_name or lead.partner_id),
                bool(lead.phone or lead.mobile),
                bool(lead.email_from),
                bool(lead.intent_grade_id),
                bool(lead.description or lead.tag_ids),
            ]
            side.completeness = round(100 * sum(filled) / len(filled))

    @api.depends("lead_id.followup_ids.note", "user_id")
    def _compute_plan(self):
        for side in self:
            mine = side.lead_id.followup_ids.filtered(lambda f, s=side: f.user_id == s.user_id)
            side.plan = mine[:1].note

import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, format_datetime

# Rewards the expiry cron expires per batch, and batches per call.
EXPIRE_BATCH_SIZE = 1000
EXPIRE_BATCHES_PER_CALL = 10
REWARD_KINDS = [("voucher", "Tuition Voucher"), ("gift", "Gift")]
# Fields only the reward's own acts (Mark Given, the expiry cron) write.
STATE_FIELDS = ("state", "date_given", "given_by_id")


class TrainingReferralReward(models.Model):
    """What the school owes a contact for a referral (转介绍, seed 001 七(三)):
    due when the person they referred enrols, given by a consultant or a
    supervisor (学费优惠 / 礼品赠送), or expired when not given in time.

    One reward per referred lead, made due by the lead's first enrolment; the
    kind, value and validity come from the Settings at that moment. A voucher
    is recorded here; applying it to an order is the cashier's act (a discount
    line), not something this record does."""

    _name = "training.referral.reward"
    _description = "Referral Reward"
    _inherit = ["mail.thread"]
    _order = "date_due desc, id desc"
    _rec_name = "referrer_id"

    _sql_constraints = [
        (
            "lead_unique",
            "UNIQUE(lead_id)",
            "A referred lead makes one referral reward due, not more.",
        ),
    ]

    # Who and why
    referrer_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The contact who referred the lead, and whom the school rewards.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Referred Lead",
        index=True,
        # A deleted lead leaves the reward (owed to the referrer) in place.
        ondelete="set null",
        help="The lead whose enrolment made the reward due.",
    )
    # Not stored: read as the lead's readers read it.
    partner_id = fields.Many2one(
        related="lead_id.partner_id", string="Referred Customer", help="The lead's customer."
    )
    enrollment_id = fields.Many2one(
        "training.enrollment",
        string="Enrolment",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The referred person's enrolment that made the reward due.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        index=True,
        readonly=True,
        help="The referred lead's consultant when the reward became due: referrals count for them.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # What
    kind = fields.Selection(REWARD_KINDS, required=True, default="voucher", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    value = fields.Monetary(tracking=True, help="The reward's value, in the company's currency.")
    description = fields.Char(help="What is given: the voucher's terms, the gift.")

    # State
    state = fields.Selection(
        [("due", "Due"), ("given", "Given"), ("expired", "Expired")],
        string="Status",
        required=True,
        default="due",
        index=True,
        tracking=True,
        copy=False,
        readonly=True,
    )
    date_due = fields.Date(
        string="Due Since",
        required=True,
        default=fields.Date.context_today,
        readonly=True,
        help="When the referred person enrolled.",
    )
    date_expiry = fields.Date(
        string="Expires On",
        index="btree_not_null",
        tracking=True,
        help="A reward not given by this day expires (empty: never).",
    )
    date_given = fields.Datetime(string="Given On", readonly=True, copy=False, tracking=True)
    given_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.depends("referrer_id", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for reward in self:
            reward.display_name = self.env._(
                "%(kind)s for %(referrer)s",
                kind=kinds.get(reward.kind, ""),
                referrer=reward.referrer_id.name or "",
            )

    def write(self, vals):
        # The state moves through Mark Given and the expiry cron, which say who and when.
        if not self.env.context.get("training_referral_state") and any(
            fname in vals for fname in STATE_FIELDS
        ):
            raise UserError(
                self.env._("Use the Mark Given button: a reward's state is not edited by hand.")
            )
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_mark_given(self):
        """Give the rewards (学费优惠 / 礼品赠送): the referred lead's consultant or a
        supervisor; auditors never. Due rewards only: a reward given already or
        expired is refused and nothing is written, whoever raced to give it."""
        self._check_give_rights()
        # Two clicks at once: the second waits here, then reads the first's state.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM training_referral_reward WHERE id = ANY(%s) FOR UPDATE",
                self.ids,
            )
        )
        self.invalidate_recordset(["state", "date_given", "given_by_id"])
        given = self.filtered(lambda reward: reward.state == "given")
        if given:
            reward = given[0]
            raise UserError(
                self.env._(
                    "This reward was already given by %(user)s on %(date)s: it is given once.",
                    user=reward.given_by_id.name,
                    date=format_datetime(self.env, reward.date_given),
                )
            )
        today = fields.Date.context_today(self)
        expired = self.filtered(
            lambda reward: (
                reward.state == "expired" or (reward.date_expiry and reward.date_expiry < today)
            )
        )
        if expired:
            raise UserError(
                self.env._(
                    "This reward expired on %(date)s: it can no longer be given.",
                    date=format_date(self.env, expired[0].date_expiry),
                )
            )
        self.sudo().with_context(training_referral_state=True).write(
            {"state": "given", "date_given": fields.Datetime.now(), "given_by_id": self.env.uid}
        )
        return True

    def _check_give_rights(self):
        self.check_access("read")
        user = self.env.user
        if user._is_training_supervisor():
            return
        if not user.has_group("training_crm.group_consultant") or any(
            reward.lead_id.user_id != user for reward in self
        ):
            raise AccessError(
                self.env._("Only the referred lead's consultant or a supervisor gives its reward.")
            )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _get_reward_settings(self):
        """Kind, value, description and validity (days, 0: never expires) from the Settings."""
        param = self.env["ir.config_parameter"].sudo().get_param
        kind = param("training_crm.referral_reward_kind") or "voucher"
        if kind not in dict(REWARD_KINDS):
            kind = "voucher"
        try:
            value = max(float(param("training_crm.referral_reward_value") or 0.0), 0.0)
        except ValueError:
            value = 0.0
        validity = self.env["crm.lead"]._get_int_param("training_crm.referral_validity_days", 90)
        description = param("training_crm.referral_reward_description") or False
        return kind, value, description, validity

    @api.model
    def _make_due_for_enrollments(self, enrollments):
        """The referrer's reward is due when the referred person enrols: one per
        referred lead, on the first enrolment made from it (those of one order,
        then later ones, find it already there). One lookup for the batch."""
        enrollments = enrollments.sudo().filtered(
            lambda enrollment: enrollment.state != "cancelled" and enrollment.lead_id.referred_by_id
        )
        if not enrollments:
            return self.browse()
        leads = enrollments.lead_id
        rewarded = {
            lead.id
            for [lead] in self.sudo()._read_group([("lead_id", "in", leads.ids)], ["lead_id"])
        }
        kind, value, description, validity = self._get_reward_settings()
        today = fields.Date.context_today(self)
        vals_list = []
        for enrollment in enrollments.sorted("id"):
            lead = enrollment.lead_id
            if lead.id in rewarded:
                continue
            rewarded.add(lead.id)
            vals_list.append(
                {
                    "referrer_id": lead.referred_by_id.id,
                    "lead_id": lead.id,
                    "enrollment_id": enrollment.id,
                    "user_id": (lead.user_id or enrollment.user_id).id,
                    "company_id": enrollment.company_id.id,
                    "kind": kind,
                    "value": value,
                    "description": description,
                    "date_due": today,
                    "date_expiry": today + timedelta(days=validity) if validity else False,
                }
            )
        return self.sudo().with_context(mail_create_nolog=True).create(vals_list)

    @api.model
    def _cron_expire(self, batch_size=EXPIRE_BATCH_SIZE):
        """Due rewards past their expiry date expire, by batches committed
        outside tests, with progress reported so that the runner calls again."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        due_ids = (
            self.sudo()
            .search(
                [("state", "=", "due"), ("date_expiry", "<", fields.Date.context_today(self))],
                order="id",
            )
            .ids
        )
        done = 0
        for start in range(0, batch_size * EXPIRE_BATCHES_PER_CALL, batch_size):
            batch = self.sudo().browse(due_ids[start : start + batch_size])
            if not batch:
                break
            batch.with_context(training_referral_state=True, tracking_disable=True).write(
                {"state": "expired"}
            )
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(due_ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(due_ids) - done)

from babel.dates import format_skeleton
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import date_utils
from odoo.tools.misc import babel_locale_parse, get_lang

from .training_crm_champion import PERIODS

# How a period is named, in the reader's language: "November 2026", "2026年11月".
PERIOD_SKELETONS = {"month": "yMMMM", "quarter": "yQQQ", "year": "y"}


class GamificationBadgeUser(models.Model):
    """An award (公开表彰, seed 000) is a badge granted for a period with its
    reason: who (the user), what (the badge's ranking), when (the period) and
    why (the comment). The consultant hears of it in their inbox, e-mail or
    not; everyone in the school can read it, as the champions' rankings."""

    _inherit = "gamification.badge.user"

    training_award_kind = fields.Selection(related="badge_id.training_award_kind")
    training_award_period = fields.Selection(PERIODS, string="Period")
    training_award_date = fields.Date(
        string="Period Start",
        index="btree_not_null",
        help="Any day of the period: the award keeps the period's first day.",
    )
    training_award_period_name = fields.Char(
        string="Awarded For", compute="_compute_training_award_period_name"
    )

    _sql_constraints = [
        (
            "training_award_unique",
            "UNIQUE(badge_id, user_id, training_award_period, training_award_date)",
            "This person already has this award for this period.",
        ),
    ]

    @api.depends("training_award_period", "training_award_date")
    @api.depends_context("lang")
    def _compute_training_award_period_name(self):
        locale = babel_locale_parse(get_lang(self.env).code)
        for award in self:
            period, date = award.training_award_period, award.training_award_date
            award.training_award_period_name = (
                format_skeleton(PERIOD_SKELETONS[period], date, locale=locale)
                if period and date
                else False
            )

    @api.constrains("badge_id", "training_award_period", "training_award_date", "comment")
    def _check_training_award(self):
        for award in self.filtered("badge_id.training_award_kind"):
            if not (award.training_award_period and award.training_award_date):
                raise ValidationError(self.env._("An award is for a month, a quarter or a year."))
            if not (award.comment or "").strip():
                raise ValidationError(self.env._("Say why the award is given."))
            if award.user_id.share or not award.user_id.has_group("training_crm.group_consultant"):
                raise ValidationError(self.env._("Awards go to consultants and supervisors."))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        award_badges = (
            self.env["gamification.badge"]
            .browse({vals["badge_id"] for vals in vals_list if vals.get("badge_id")})
            .filtered("training_award_kind")
        )
        for vals in vals_list:
            if vals.get("badge_id") in award_badges.ids and not self.env.su:
                vals["sender_id"] = self.env.uid  # who recorded it, whatever was sent
            if vals.get("training_award_date") and vals.get("training_award_period"):
                vals["training_award_date"] = date_utils.start_of(
                    fields.Date.to_date(vals["training_award_date"]), vals["training_award_period"]
                )
        awards = super().create(vals_list)
        awards.filtered("badge_id.training_award_kind")._notify_training_award()
        return awards

    def write(self, vals):
        res = super().write(vals)
        if {"training_award_date", "training_award_period"} & vals.keys():
            for award in self.filtered(lambda a: a.training_award_date and a.training_award_period):
                start = date_utils.start_of(award.training_award_date, award.training_award_period)
                if start != award.training_award_date:
                    super(GamificationBadgeUser, award).write({"training_award_date": start})
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    @api.model
    def action_training_award_new(self):
        if not self.env.user._is_training_supervisor():
            raise AccessError(self.env._("Only supervisors record awards."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Award"),
            "res_model": "gamification.badge.user",
            "view_mode": "form",
            "views": [(self.env.ref("training_crm_reports.training_award_view_form").id, "form")],
            "target": "new",
            "context": {"default_training_award_period": "month"},
        }

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    def _send_badge(self):
        """Awards are announced when recorded (`create`), in the inbox: the
        stock e-mail template cannot reach staff without an address."""
        others = self.filtered(lambda badge_user: not badge_user.badge_id.training_award_kind)
        return super(GamificationBadgeUser, others)._send_badge()

    def _notify_training_award(self):
        for award in self:
            lang = award.user_id.lang or award.badge_id._get_training_lang()
            award = award.with_context(lang=lang)
            badge = award.badge_id
            body = Markup("<p>%s</p><p>%s</p>") % (
                award.env._(
                    "%(supervisor)s recorded your %(award)s for %(period)s.",
                    supervisor=award.sender_id.name or award.env.user.name,
                    award=badge.name,
                    period=award.training_award_period_name,
                ),
                award.comment,
            )
            badge.message_notify(
                partner_ids=award.user_id.partner_id.ids,
                subject=award.env._(
                    "%(award)s: %(period)s",
                    award=badge.name,
                    period=award.training_award_period_name,
                ),
                body=body,
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )

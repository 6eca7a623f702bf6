from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    """The numbers the school's rules use, as global values (system parameters
    an admin never has to open)."""

    _inherit = "res.config.settings"

    # Invalidation (无效客户)
    training_invalid_after_attempts = fields.Integer(
        string="Attempts Before Invalid",
        config_parameter="training_crm.invalid_after_attempts",
        default=3,
        help="Failed attempts in a row after which a lead becomes an invalid customer "
        "(unreachable); also the contacts that must have reached the person before a "
        '"not interested" makes it one (no need). 0: only competitors invalidate.',
    )
    training_invalid_require_two_channels = fields.Boolean(
        string="Try Two Channels Before Unreachable",
        config_parameter="training_crm.invalid_require_two_channels",
        help="A lead becomes unreachable only once its failed attempts span at least two "
        "channels (e.g. phone and WeChat: 多种渠道尝试).",
    )
    # On by default: a config_parameter boolean cannot be switched off when its
    # default is True (unchecking deletes the parameter, which reads as the
    # default again), so this one is stored as "True"/"False" by get/set_values.
    training_failed_attempts_count_days = fields.Boolean(
        string="Count Failed Attempts by Day",
        default=True,
        help="Attempts on the same day (the consultant's time zone, else the company's) "
        "count once: three missed calls in ten minutes are one attempt. Unchecked, "
        "each attempt counts.",
    )

    # Ownership (判客) and the pool (公海)
    training_tie_window_minutes = fields.Integer(
        string="Tie Window (minutes)",
        config_parameter="training_crm.tie_window_minutes",
        default=10,
        help="Two consultants who reach the same person within this many minutes tie: "
        "a supervisor decides who owns the person.",
    )
    training_claim_daily_limit = fields.Integer(
        string="Daily Claim Cap",
        config_parameter="training_crm.claim_daily_limit",
        default=0,
        help="Leads a consultant may claim from the pool per day, counted on their own "
        "local day (0: no cap). Won leads do not count.",
    )
    training_holding_cap = fields.Integer(
        string="Holding Cap",
        config_parameter="training_crm.holding_cap",
        default=0,
        help="Open leads a consultant may hold (私海库容): claims, assignments and first "
        "contacts past it are refused; won leads do not count (0: no cap). Each team, and "
        "each team member, may have its own.",
    )
    training_claim_cooldown_days = fields.Integer(
        string="Claim Cool-down (days)",
        config_parameter="training_crm.claim_cooldown_days",
        default=0,
        help="A consultant whose lead returned to the pool (reclaimed or handed back) cannot "
        "take it again for this many days (前负责人领取限制; 0: no cool-down). Each team may "
        "have its own. Supervisors are not held back.",
    )
    training_pool_wait_hours = fields.Integer(
        string="New-in-Pool Wait (hours)",
        config_parameter="training_crm.pool_wait_hours",
        default=0,
        help="A lead that enters the pool waits this many hours before consultants can take "
        "it, so that the first to refresh does not take everything (0: no wait). Each team "
        "may have its own. Supervisors are not held back.",
    )
    training_pool_warning_days = fields.Integer(
        string="Warn Before Reclaim (days)",
        config_parameter="training_crm.pool_warning_days",
        default=2,
        help="This many days before a lead returns to the pool, its owner gets a "
        '"returns to the pool on …" activity (0: no warning).',
    )

    # Follow-up cadence
    training_first_followup_delay_days = fields.Integer(
        string="First Follow-up After (days)",
        config_parameter="training_crm.first_followup_delay_days",
        default=1,
        help="A new, assigned, claimed or restored lead is due this many days later at the "
        "latest (0: the same day).",
    )
    training_retry_delay_days = fields.Integer(
        string="Retry After (days)",
        config_parameter="training_crm.retry_delay_days",
        default=1,
        help="After a follow-up that did not reach the person (no answer, unreachable), "
        "the next attempt is planned this many days later (0: the same day).",
    )
    training_trial_no_show_days = fields.Integer(
        string="Call Back a No-show Within (days)",
        config_parameter="training_crm.trial_no_show_days",
        default=1,
        help="After a trial class the family missed, the next follow-up is planned this many "
        "days later (0: the same day).",
    )

    # Studying: lesson hours (消课) and class advisers (班主任)
    training_absence_keeps_hours = fields.Boolean(
        string="Absences Keep Hours",
        config_parameter="training_crm.absence_keeps_hours",
        help="Unchecked, an unexcused absence (旷课) consumes the session's lesson hours like "
        "a presence; checked, only presences and make-ups do. Excused absences never do.",
    )
    training_default_adviser_id = fields.Many2one(
        "res.users",
        string="Default Class Adviser",
        config_parameter="training_crm.default_adviser_id",
        domain="[('share', '=', False)]",
        help="Adviser of new enrolments whose class has none; empty: the consultant who sold.",
    )

    # Course follow-ups and renewals (seed 002)
    training_course_confirm_days = fields.Integer(
        string="Confirm Class Details (days before start)",
        config_parameter="training_crm.course_confirm_days",
        default=3,
        help="How many days before a class starts its students' families are called to "
        "confirm time, place and materials.",
    )
    training_return_visit_days = fields.Integer(
        string="Return Visit (days after end)",
        config_parameter="training_crm.return_visit_days",
        default=1,
        help="How many days after a course ends the family is called back (回访) for "
        "their satisfaction.",
    )
    training_renewal_days = fields.Integer(
        string="Renewal (days before end)",
        config_parameter="training_crm.renewal_days",
        default=14,
        help="How many days before an enrolment ends its renewal (续费) is followed up.",
    )
    training_renewal_hours = fields.Integer(
        string="Renewal (lesson hours left below)",
        config_parameter="training_crm.renewal_hours",
        default=4,
        help="An enrolment with fewer lesson hours left than this is followed up for its "
        "renewal, whatever its end date (0: only by date).",
    )

    training_birthday_days = fields.Integer(
        string="Birthday Reminder (days ahead)",
        config_parameter="training_crm.birthday_days",
        default=3,
        help="How many days before a student's birthday their class adviser (else their "
        "consultant) gets a reminder to send the family the school's wishes.",
    )

    training_survey_months_a = fields.Integer(
        string="Survey A Families Every (months)",
        config_parameter="training_crm.survey_months_a",
        default=3,
        help="How often the students of A families are asked for a satisfaction survey "
        "(seed 004); 0: never by schedule.",
    )
    training_survey_months_b = fields.Integer(
        string="Survey B Families Every (months)",
        config_parameter="training_crm.survey_months_b",
        default=6,
        help="How often the students of B families are asked for a satisfaction survey; "
        "0: never by schedule.",
    )

    # Minors' data (PIPL)
    training_consent_age = fields.Integer(
        string="Guardian Consent Under (age)",
        config_parameter="training_crm.consent_age",
        default=14,
        help="A student younger than this on the enrolment's start date needs a guardian's "
        "recorded consent before being enrolled (PIPL: 14). 0: never.",
    )

    # Referrals (转介绍): the referrer's reward when the referred person enrols
    training_referral_reward_kind = fields.Selection(
        [("voucher", "Tuition Voucher"), ("gift", "Gift")],
        string="Referral Reward",
        config_parameter="training_crm.referral_reward_kind",
        default="voucher",
        help="What a contact receives when a person they referred enrols: a tuition "
        "voucher (学费优惠) or a gift (礼品赠送).",
    )
    training_referral_reward_value = fields.Float(
        string="Reward Value",
        config_parameter="training_crm.referral_reward_value",
        digits=(16, 2),
        help="The reward's value in the company's currency: the voucher's amount off the "
        "tuition, or what the gift is worth.",
    )
    training_referral_reward_description = fields.Char(
        string="Reward Description",
        config_parameter="training_crm.referral_reward_description",
        help="What is given, as written on the reward (e.g. the gift, the voucher's terms).",
    )
    training_referral_validity_days = fields.Integer(
        string="Reward Valid For (days)",
        config_parameter="training_crm.referral_validity_days",
        default=90,
        help="A due reward not given within this many days expires (0: never).",
    )

    @api.constrains("training_referral_reward_value")
    def _check_training_referral_reward_value(self):
        for settings in self:
            if settings.training_referral_reward_value < 0:
                raise ValidationError(self.env._("The referral reward's value cannot be negative."))

    # Customer value grades (客户分级, seed 004): A, B and C thresholds; D is the rest.
    training_value_a_amount = fields.Integer(
        string="Grade A: Minimum Amount",
        config_parameter="training_crm.value_a_amount",
        default=30000,
        help="Total amount of the family's enrolments (not cancelled) a grade A contact has "
        "spent at least, in the company's currency.",
    )
    training_value_a_count = fields.Integer(
        string="Grade A: Minimum Enrolments",
        config_parameter="training_crm.value_a_count",
        default=3,
        help="Number of the family's enrolments (not cancelled) of a grade A contact.",
    )
    training_value_a_months = fields.Integer(
        string="Grade A: Minimum Tenure (months)",
        config_parameter="training_crm.value_a_months",
        default=24,
        help="Months since the family's first enrolment for a grade A contact.",
    )
    training_value_b_amount = fields.Integer(
        string="Grade B: Minimum Amount",
        config_parameter="training_crm.value_b_amount",
        default=10000,
        help="Total amount of the family's enrolments (not cancelled) a grade B contact has "
        "spent at least, in the company's currency.",
    )
    training_value_b_count = fields.Integer(
        string="Grade B: Minimum Enrolments",
        config_parameter="training_crm.value_b_count",
        default=2,
        help="Number of the family's enrolments (not cancelled) of a grade B contact.",
    )
    training_value_b_months = fields.Integer(
        string="Grade B: Minimum Tenure (months)",
        config_parameter="training_crm.value_b_months",
        default=12,
        help="Months since the family's first enrolment for a grade B contact.",
    )
    training_value_c_amount = fields.Integer(
        string="Grade C: Minimum Amount",
        config_parameter="training_crm.value_c_amount",
        default=1,
        help="Total amount of the family's enrolments (not cancelled) a grade C contact has "
        "spent at least, in the company's currency.",
    )
    training_value_c_count = fields.Integer(
        string="Grade C: Minimum Enrolments",
        config_parameter="training_crm.value_c_count",
        default=1,
        help="Number of the family's enrolments (not cancelled) of a grade C contact.",
    )
    training_value_c_months = fields.Integer(
        string="Grade C: Minimum Tenure (months)",
        config_parameter="training_crm.value_c_months",
        default=0,
        help="Months since the family's first enrolment for a grade C contact.",
    )

    # Number masking (号码脱敏)
    # On by default: a config_parameter boolean cannot be switched off when its
    # default is True (unchecking deletes the parameter, which reads as the
    # default again), so this one is stored as "True"/"False" by get/set_values.
    training_pool_masking = fields.Boolean(
        string="Mask Pool Numbers",
        default=True,
        help="Consultants read the phone numbers, WeChat ID and e-mail of leads in the pool "
        "masked (138****8000) until they claim a lead or reveal its numbers. Supervisors, "
        "auditors and owners always read them in full.",
    )
    training_reveal_daily_limit = fields.Integer(
        string="Daily Reveal Cap",
        config_parameter="training_crm.reveal_daily_limit",
        default=0,
        help="Pool leads whose numbers a consultant may reveal per day, counted on their own "
        "local day (0: no cap). Every reveal is logged.",
    )

    def get_values(self):
        res = super().get_values()
        res["training_failed_attempts_count_days"] = self.env["crm.lead"]._get_bool_param(
            "training_crm.failed_attempts_count_days", True
        )
        res["training_pool_masking"] = self.env["crm.lead"]._get_bool_param(
            "training_crm.pool_masking", True
        )
        return res

    def set_values(self):
        res = super().set_values()
        # Odoo stores a 0 as no parameter at all, which reads back as the
        # default: "0: never" (and the like) would silently not apply.
        ICP = self.env["ir.config_parameter"].sudo()
        for fname in self._get_training_number_fields():
            key = self._fields[fname].config_parameter
            if key and self[fname] == 0 and ICP.get_param(key) != "0":
                ICP.set_param(key, "0")
        key = "training_crm.failed_attempts_count_days"
        count_days = bool(self.training_failed_attempts_count_days)
        if self.env["crm.lead"]._get_bool_param(key, True) != count_days:
            self.env["ir.config_parameter"].sudo().set_param(key, str(count_days))
            self._recompute_failed_attempt_counts()
        key = "training_crm.pool_masking"
        masking = bool(self.training_pool_masking)
        if self.env["crm.lead"]._get_bool_param(key, True) != masking:
            self.env["ir.config_parameter"].sudo().set_param(key, str(masking))
        return res

    def _recompute_failed_attempt_counts(self):
        """Counting by day or by attempt changes only leads in a failed streak:
        recount them, so that lists show the rule in force."""
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        leads = Lead.search([("failed_attempt_count", ">", 0)])
        self.env.add_to_compute(Lead._fields["failed_attempt_count"], leads)
        leads.flush_recordset(["failed_attempt_count"])

    @api.constrains(lambda self: self._get_training_number_fields())
    def _check_training_numbers(self):
        for settings in self:
            for fname in self._get_training_number_fields():
                if settings[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s cannot be negative.",
                            setting=self._fields[fname]._description_string(self.env),
                        )
                    )

    @api.model
    def _get_training_number_fields(self):
        """The Training CRM numbers, none of which may be negative."""
        return [
            fname
            for fname, field in self._fields.items()
            if fname.startswith("training_") and field.type == "integer"
        ]

    @api.constrains(
        *(
            f"training_value_{grade}_{key}"
            for grade in "abc"
            for key in ("amount", "count", "months")
        )
    )
    def _check_training_value_thresholds(self):
        """A higher value grade must be at least as strict as the next lower
        one in every threshold: otherwise the grades overlap and a contact
        could meet a higher grade without meeting the lower one."""
        for settings in self:
            for higher, lower in (("a", "b"), ("b", "c")):
                for key in ("amount", "count", "months"):
                    high, low = f"training_value_{higher}_{key}", f"training_value_{lower}_{key}"
                    if settings[high] < settings[low]:
                        # Labels looked up outside the call: an f-string among
                        # its arguments stops the extraction of this file's terms.
                        high_label = self._fields[high]._description_string(self.env)
                        low_label = self._fields[low]._description_string(self.env)
                        raise ValidationError(
                            self.env._(
                                "Value grades overlap: %(higher)s must be at least %(lower)s.",
                                higher=high_label,
                                lower=low_label,
                            )
                        )

    def action_training_recompute_value_grades(self):
        """Settings' button: the thresholds are saved, then every grade recomputed."""
        return self.env["res.partner"].action_training_recompute_value_grades()

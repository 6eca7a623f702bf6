from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero


class TrainingCommissionPlan(models.Model):
    """How consultants are paid on what they sell (激励): rates by attainment
    of the period's target, applied marginally or to the whole amount, plus a
    bonus by the intent grade a lead had when it was won (seed 000: A-class
    conversions pay more). One plan of a company in force at a time."""

    _name = "training.commission.plan"
    _description = "Commission Plan"
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(string="Valid From", required=True)
    date_to = fields.Date(string="Valid Until", help="Empty: until a later plan replaces it.")
    tier_mode = fields.Selection(
        [("marginal", "Marginal"), ("whole", "Whole Amount")],
        string="Tiers Apply",
        required=True,
        default="marginal",
        help="Marginal: each part of the period's sales is paid at the rate of the tier it "
        "falls in (an enrolment straddling a boundary is split). Whole amount: the whole "
        "period is paid at the rate of the tier its final attainment reaches.",
    )
    basis = fields.Selection(
        [("confirmed", "Confirmed Enrolments"), ("cash", "Cash Received")],
        string="Commission Basis",
        required=True,
        default="confirmed",
        help="Confirmed enrolments: an enrolment counts in the period it was sold, less its "
        "refunds (credit notes) and cancellation in the periods they happen. Cash received "
        "(实收): the payments received in the period count, less the money paid back.",
    )
    tier_ids = fields.One2many(
        "training.commission.plan.tier", "plan_id", string="Attainment Tiers", copy=True
    )
    grade_bonus_ids = fields.One2many(
        "training.commission.plan.grade", "plan_id", string="Grade Bonuses", copy=True
    )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("tier_ids")
    def _check_tiers(self):
        for plan in self:
            bounds = plan.tier_ids.mapped("attainment_from")
            if not bounds:
                raise ValidationError(self.env._("A commission plan needs at least one tier."))
            if min(bounds) != 0:
                raise ValidationError(
                    self.env._("The first tier of a commission plan starts at 0% attainment.")
                )
            if len(set(bounds)) != len(bounds):
                raise ValidationError(
                    self.env._("Two tiers of a commission plan start at the same attainment.")
                )

    @api.constrains("date_from", "date_to", "company_id", "active")
    def _check_validity(self):
        for plan in self:
            if plan.date_to and plan.date_to < plan.date_from:
                raise ValidationError(self.env._("A commission plan ends after it starts."))
            domain = [
                ("id", "!=", plan.id),
                ("company_id", "=", plan.company_id.id),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", plan.date_from),
            ]
            if plan.date_to:
                domain.append(("date_from", "<=", plan.date_to))
            if self.search_count(domain, limit=1):
                raise ValidationError(
                    self.env._("Another commission plan of this company is in force then.")
                )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _get_plan(self, company, day):
        """The company's plan in force on `day`, if any."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("date_from", "<=", day),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", day),
            ],
            limit=1,
        )

    def _split_by_tiers(self, target, amounts):
        """Each amount (in the order sold) as [(tier, part)]: marginally, the
        part of the period's running total each tier covers (tier bounds are
        attainments of `target`, lower bounds inclusive); as a whole, all of it
        at the tier the period's total reaches. No target: the first tier."""
        self.ensure_one()
        tiers = self.tier_ids.sorted("attainment_from")
        rounding = self.company_id.currency_id.rounding
        if not target:
            return [[(tiers[0], amount)] for amount in amounts]
        bounds = [target * tier.attainment_from / 100.0 for tier in tiers]
        if self.tier_mode == "whole":
            total = sum(amounts)
            reached = tiers[0]
            for tier, bound in zip(tiers, bounds, strict=True):
                if float_compare(total, bound, precision_rounding=rounding) >= 0:
                    reached = tier
            return [[(reached, amount)] for amount in amounts]
        result, running = [], 0.0
        for amount in amounts:
            parts, start, end = [], running, running + amount
            for index, tier in enumerate(tiers):
                low = bounds[index]
                high = bounds[index + 1] if index + 1 < len(tiers) else None
                part = (min(end, high) if high is not None else end) - max(start, low)
                if part > 0 and not float_is_zero(part, precision_rounding=rounding):
                    parts.append((tier, part))
            result.append(parts)
            running = end
        return result

    def _get_base_rate(self):
        """The first tier's rate (%): with the grade's bonus, what a colleague
        credited after their statement was confirmed is paid."""
        self.ensure_one()
        return self.tier_ids.sorted("attainment_from")[:1].rate

    def _get_grade_bonus_rates(self):
        """{intent grade at winning: bonus rate (%)}, for a whole statement run."""
        self.ensure_one()
        return {bonus.grade_id: bonus.rate for bonus in self.grade_bonus_ids}

    def _get_grade_bonus_rate(self, grade):
        """The bonus rate (%) on an enrolment won at `grade`."""
        return self._get_grade_bonus_rates().get(grade, 0.0)


class TrainingCommissionPlanTier(models.Model):
    _name = "training.commission.plan.tier"
    _description = "Commission Plan Tier"
    _order = "plan_id, attainment_from"

    plan_id = fields.Many2one(
        "training.commission.plan", required=True, index=True, ondelete="cascade"
    )
    attainment_from = fields.Float(
        string="From Attainment (%)",
        required=True,
        help="The tier applies from this share of the target (inclusive) up to the next tier's.",
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 2))

    @api.constrains("attainment_from", "rate")
    def _check_numbers(self):
        for tier in self:
            if tier.attainment_from < 0 or not 0 <= tier.rate <= 100:
                raise ValidationError(
                    self.env._("A tier starts at 0% attainment or more and pays 0 to 100%.")
                )


class TrainingCommissionPlanGrade(models.Model):
    _name = "training.commission.plan.grade"
    _description = "Commission Plan Grade Bonus"
    _order = "plan_id, grade_id"

    plan_id = fields.Many2one(
        "training.commission.plan", required=True, index=True, ondelete="cascade"
    )
    grade_id = fields.Many2one(
        "training.crm.grade",
        string="Intent Grade at Winning",
        required=True,
        ondelete="restrict",
    )
    rate = fields.Float(
        string="Bonus Rate (%)",
        required=True,
        digits=(16, 2),
        help="Paid on top of the tier's rate on the enrolments won at this grade.",
    )

    @api.constrains("rate", "grade_id")
    def _check_rate(self):
        if any(not 0 <= bonus.rate <= 100 for bonus in self):
            raise ValidationError(self.env._("A grade bonus pays 0 to 100%."))
        for plan in self.plan_id:
            if len(plan.grade_bonus_ids) != len(plan.grade_bonus_ids.grade_id):
                raise ValidationError(self.env._("One bonus per intent grade in a plan."))

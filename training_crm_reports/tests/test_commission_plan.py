from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

TARGET = 100000.0


@tagged("post_install", "-at_install")
class TestCommissionPlan(TransactionCase):
    """Tiers by attainment of the target (< 80% → 3%, 80-100% → 5%, ≥ 100% →
    7%; lower bounds inclusive), marginal or on the whole amount, and a bonus
    by the intent grade at winning. The right answers are worked out by hand
    in each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade_a = cls.env["training.crm.grade"].search([("code", "=", "A")], limit=1)
        cls.grade_c = cls.env["training.crm.grade"].search([("code", "=", "C")], limit=1)
        cls.plan = cls.env["training.commission.plan"].create(
            {
                "name": "Consultants 2031",
                "date_from": date(2031, 1, 1),
                "date_to": date(2031, 12, 31),
                "tier_ids": [
                    Command.create({"attainment_from": 0, "rate": 3}),
                    Command.create({"attainment_from": 80, "rate": 5}),
                    Command.create({"attainment_from": 100, "rate": 7}),
                ],
                "grade_bonus_ids": [Command.create({"grade_id": cls.grade_a.id, "rate": 1})],
            }
        )

    def _commission(self, amounts, grades=None):
        """Per enrolment: tier parts' rates plus the grade bonus on the whole."""
        grades = grades or [None] * len(amounts)
        result = []
        for parts, amount, grade in zip(
            self.plan._split_by_tiers(TARGET, amounts), amounts, grades, strict=True
        ):
            tiered = sum(part * tier.rate / 100 for tier, part in parts)
            bonus = amount * self.plan._get_grade_bonus_rate(grade) / 100 if grade else 0
            result.append(round(tiered + bonus, 2))
        return result

    def _rates(self, amounts):
        return [
            [(tier.rate, part) for tier, part in parts]
            for parts in self.plan._split_by_tiers(TARGET, amounts)
        ]

    def test_whole_amount_tier_boundaries_inclusive(self):
        self.plan.tier_mode = "whole"
        # 79,999.99 is under 80%: all at 3%.
        self.assertEqual(self._rates([79999.99]), [[(3, 79999.99)]])
        # Exactly 80% reaches the 5% tier, for every enrolment of the period.
        self.assertEqual(self._rates([30000, 50000]), [[(5, 30000)], [(5, 50000)]])
        self.assertEqual(self._commission([30000, 50000]), [1500, 2500])
        # Exactly 100%: 7% on the whole.
        self.assertEqual(self._commission([60000, 40000]), [4200, 2800])

    def test_marginal_split_of_straddling_enrolments(self):
        self.assertEqual(self.plan.tier_mode, "marginal")
        # 50,000 under 80%; the next 40,000 straddles 80,000 (30,000 at 3%,
        # 10,000 at 5%); the last 20,000 straddles 100,000 (10,000 at 5%,
        # 10,000 at 7%).
        self.assertEqual(
            self._rates([50000, 40000, 20000]),
            [[(3, 50000)], [(3, 30000), (5, 10000)], [(5, 10000), (7, 10000)]],
        )
        self.assertEqual(self._commission([50000, 40000, 20000]), [1500, 1400, 1200])
        # An enrolment ending exactly on a boundary does not spill over.
        self.assertEqual(self._rates([80000, 1]), [[(3, 80000)], [(5, 1)]])

    def test_grade_bonus_on_top(self):
        # 40,000 won at grade A: 3% tier + 1% bonus = 1,600; grade C: no bonus.
        self.assertEqual(
            self._commission([40000, 30000], [self.grade_a, self.grade_c]), [1600, 900]
        )

    def test_without_target_the_first_tier(self):
        parts = self.plan._split_by_tiers(0, [120000])
        self.assertEqual([(tier.rate, part) for tier, part in parts[0]], [(3, 120000)])

    def test_plan_in_force(self):
        Plan = self.env["training.commission.plan"]
        self.assertEqual(Plan._get_plan(self.env.company, date(2031, 6, 1)), self.plan)
        self.assertFalse(Plan._get_plan(self.env.company, date(2032, 1, 1)))

    def test_bad_plans_refused(self):
        Plan = self.env["training.commission.plan"]
        base = {"name": "Bad", "date_from": date(2033, 1, 1)}
        bad_tiers = (
            [],
            [Command.create({"attainment_from": 50, "rate": 3})],
            [
                Command.create({"attainment_from": 0, "rate": 3}),
                Command.create({"attainment_from": 0, "rate": 5}),
            ],
            [Command.create({"attainment_from": 0, "rate": 120})],
        )
        for tiers in bad_tiers:
            with self.subTest(tiers=tiers), self.assertRaises(ValidationError):
                Plan.create(dict(base, tier_ids=tiers))
        one_tier = [Command.create({"attainment_from": 0, "rate": 3})]
        with self.assertRaises(ValidationError):  # overlaps the 2031 plan
            Plan.create(dict(base, date_from=date(2031, 6, 1), tier_ids=one_tier))
        with self.assertRaises(ValidationError):
            Plan.create(
                dict(
                    base,
                    tier_ids=one_tier,
                    grade_bonus_ids=[
                        Command.create({"grade_id": self.grade_a.id, "rate": 1}),
                        Command.create({"grade_id": self.grade_a.id, "rate": 2}),
                    ],
                )
            )
        self.assertFalse(Plan.search([("name", "=", "Bad")]))

    def test_admins_set_plans_staff_read_them(self):
        consultant = new_test_user(
            self.env, login="cp_con", groups="training_crm.group_consultant", email=False
        )
        admin = new_test_user(
            self.env, login="cp_admin", groups="sales_team.group_sale_manager", email=False
        )
        self.assertEqual(self.plan.with_user(consultant).tier_ids.mapped("rate"), [3, 5, 7])
        with self.assertRaises(AccessError):
            self.plan.with_user(consultant).write({"tier_mode": "whole"})
        self.plan.with_user(admin).write({"tier_mode": "whole"})
        self.assertEqual(self.plan.tier_mode, "whole")

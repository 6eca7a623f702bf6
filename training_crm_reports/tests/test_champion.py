from datetime import date, datetime

from odoo.exceptions import ValidationError
from odoo.models import MAGIC_COLUMNS
from odoo.tests import tagged

from .test_consultant_report import ConsultantReportCommon

MARCH = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestChampion(ConsultantReportCommon):
    """March 2026. Consultant 1 develops 4 leads and wins 1 (10,000);
    consultant 2 develops 2 and wins both (3,000 + 2,000). Sales champion:
    consultant 1. Excellence by the default weights (40 leads developed
    against the month's best, 30 conversion, 30 grading accuracy, none
    judged): consultant 1 (40 x 100% + 30 x 25%) / 100 = 47.5; consultant 2
    (40 x 50% + 30 x 100%) / 100 = 50.0, the winner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Champion = cls.env["training.crm.champion"]

    def _develop(self, user, count, won_amounts):
        leads = self.env["crm.lead"]
        for index in range(count):
            lead = self._lead(user=user, name=f"{user.login} {index}")
            self._set(
                lead,
                first_contact_user_id=user.id,
                first_contact_date=datetime(2026, 3, 5 + index, 3),
            )
            leads |= lead
        for lead, amount in zip(leads, won_amounts, strict=False):
            self._enrol(lead, amount, datetime(2026, 3, 20, 3))

    def _ranking(self, kind, period="month", user=None):
        Champion = self.Champion.with_user(user) if user else self.Champion
        champions = Champion.search(
            [
                ("kind", "=", kind),
                ("period", "=", period),
                ("date", "=", MARCH if period == "month" else date(2026, 1, 1)),
                ("user_id", "in", (self.user_consultant | self.user_consultant_2).ids),
            ]
        )
        return [(champion.rank, champion.user_id, champion.headline) for champion in champions]

    def test_sales_champion_and_excellence_award(self):
        self._develop(self.user_consultant, 4, [10000])
        self._develop(self.user_consultant_2, 2, [3000, 2000])
        c1, c2 = self.user_consultant, self.user_consultant_2
        self.assertEqual(self._ranking("sales"), [(1, c1, 10000), (2, c2, 5000)])
        self.assertEqual(self._ranking("excellence"), [(1, c2, 50.0), (2, c1, 47.5)])
        # The first quarter holds March alone here.
        self.assertEqual(self._ranking("sales", "quarter"), self._ranking("sales"))
        self.assertEqual(self._ranking("excellence", "quarter"), self._ranking("excellence"))

        # Settings: leads developed alone count now.
        self.env["res.config.settings"].create(
            {
                "training_award_weight_leads": 100,
                "training_award_weight_conversion": 0,
                "training_award_weight_accuracy": 0,
            }
        ).execute()
        self.assertEqual(self._ranking("excellence"), [(1, c1, 100.0), (2, c2, 50.0)])

    def test_public_within_the_school(self):
        """A consultant sees the colleague's rank, name and figure, as every
        member of staff does (seed 000: 公开表彰), and nothing else of theirs."""
        self._develop(self.user_consultant, 1, [8000])
        self._develop(self.user_consultant_2, 1, [6000])
        ranking = self._ranking("sales", user=self.user_consultant)
        self.assertEqual(
            ranking, [(1, self.user_consultant, 8000), (2, self.user_consultant_2, 6000)]
        )
        public = {"company_id", "period", "date", "kind", "rank", "user_id", "headline"}
        magic = {*MAGIC_COLUMNS, "display_name"}
        self.assertEqual(set(self.Champion._fields) - magic, public)
        # Their KPIs stay theirs.
        self.assertFalse(
            self.Report.with_user(self.user_consultant).search(
                [("user_id", "=", self.user_consultant_2.id)]
            )
        )

    def test_negative_weight_refused(self):
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.env["res.config.settings"].create({"training_award_weight_conversion": -1})

from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, TransactionCase, tagged

from .common import create_plan, create_staff


@tagged("post_install", "-at_install")
class TestCommissionClawback(TransactionCase):
    """What happens after a month's statement: refunds and cancellations claw
    back in their own period at the rate paid, cash received counts on its
    dates, and changes to a confirmed month are adjusted on the next one.
    Plan: < 80% → 3%, 80% → 5%, 100% → 7%, marginal; A grade +1%."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_staff(cls.env, "cb15", roles=("con", "con_2", "sup"))
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Campus South",
                "user_id": cls.users["sup"].id,
                "member_ids": [
                    Command.link(cls.users["con"].id),
                    Command.link(cls.users["con_2"].id),
                ],
            }
        )
        cls.grade_a = cls.env["training.crm.grade"].search([("code", "=", "A")], limit=1)
        cls.plan = create_plan(cls.env, date(2031, 1, 1))
        cls.course = cls.env["training.course"].create(
            {
                "name": "Physics 1-to-1",
                "teaching_mode": "one_to_one",
                "lesson_hours": 10,
                "list_price": 10000,
            }
        )
        cls.Statement = cls.env["training.commission.statement"]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _target(self, role, month, amount):
        self.env["training.sales.target"].create(
            {"user_id": self.users[role].id, "date_from": date(2031, month, 1), "amount": amount}
        )

    def _enrol(self, role, amount, month, day, grade=None):
        student = self.env["res.partner"].create({"name": f"Student {amount}"})
        when = datetime(2031, month, day, 2, 0)  # 10:00 in Shanghai
        with patch.object(self.env.cr, "now", lambda: when):
            return self.env["training.enrollment"].create(
                {
                    "partner_id": student.id,
                    "course_id": self.course.id,
                    "user_id": self.users[role].id,
                    "amount": amount,
                    "intent_grade_id": grade and grade.id,
                }
            )

    def _generate(self, month):
        wizard = Form(
            self.env["training.commission.statement.generate"].with_user(self.users["sup"])
        )
        wizard.date_from = date(2031, month, 1)
        wizard.team_id = self.team
        action = wizard.save().action_generate()
        statements = self.Statement.search(action["domain"])
        return {statement.user_id: statement for statement in statements}

    def _confirm(self, statements):
        for statement in statements.values():
            statement.with_user(self.users["sup"]).action_confirm()

    def _lines(self, statement):
        return [
            (line.kind, line.amount_counted, line.commission)
            for line in statement.line_ids.sorted(lambda line: (line.kind, line.id))
        ]

    def _order(self, amount, when):
        """A quotation confirmed on `when`, invoiced (untaxed) and posted."""
        student = self.env["res.partner"].create({"name": "Parent Zhao"})
        order = self.env["sale.order"].create(
            {
                "partner_id": student.id,
                "user_id": self.users["con"].id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.course.product_id.id,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        with patch.object(self.env.cr, "now", lambda: when):
            order.action_confirm()
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create({"advance_payment_method": "delivered"}).create_invoices()
        order.invoice_ids.action_post()
        return order

    def _pay(self, move, amount, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    def _credit_note(self, invoice, amount, day):
        with freeze_time(day):
            return self._post_credit_note(invoice, amount, day)

    def _post_credit_note(self, invoice, amount, day):
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"reason": "lessons not taken", "journal_id": invoice.journal_id.id, "date": day}
            )
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        line = refund.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        refund.write({"invoice_line_ids": [Command.update(line.id, {"price_unit": amount})]})
        refund.action_post()
        return refund

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_cancellation_claws_back_next_month_at_the_rate_paid(self):
        self._target("con", 3, 100000)
        sold = self._enrol("con", 100000, 3, 3, grade=self.grade_a)
        march = self._generate(3)
        # 80,000 at 3% + 20,000 at 5% = 3,400, + 1% A bonus = 1,000: 4,400 (4.4%).
        self.assertEqual(march[self.users["con"]].amount_total, 4400)
        self._confirm(march)

        with freeze_time("2031-04-10 03:00:00"):
            sold.action_cancel()
            self.env.flush_all()  # as the request ends, on that day
        self.assertEqual(sold.cancel_date, date(2031, 4, 10))
        self._enrol("con", 10000, 4, 12)
        april = self._generate(4)[self.users["con"]]
        # April's sale at April's first tier (no target): 300; the March sale
        # back at the 4.4% it was paid, not April's 3%: -4,400.
        self.assertEqual(self._lines(april), [("clawback", -100000, -4400), ("sale", 10000, 300)])
        self.assertEqual(april.achieved_amount, 10000, "clawbacks do not lower attainment")
        self.assertEqual(april.amount_total, -4100)
        self.assertEqual(march[self.users["con"]].amount_total, 4400, "March stays as paid")
        # Regenerating April gives the same; May owes nothing more.
        lines = self._lines(april)
        self.assertEqual(self._lines(self._generate(4)[self.users["con"]]), lines)
        self._confirm(self._generate(4))
        self.assertFalse(self._generate(5)[self.users["con"]].line_ids)

    def test_cancelled_in_the_month_sold_counts_nothing(self):
        sold = self._enrol("con", 20000, 3, 3)
        with freeze_time("2031-03-20 03:00:00"):
            sold.action_cancel()
            self.env.flush_all()  # as the request ends, on that day
        self.assertFalse(self._generate(3)[self.users["con"]].line_ids)

    def test_credit_note_claws_back_in_its_month(self):
        order = self._order(10000, datetime(2031, 3, 5, 2, 0))
        enrollment = order.training_enrollment_ids
        march = self._generate(3)
        self.assertEqual(self._lines(march[self.users["con"]]), [("sale", 10000, 300)])
        self._confirm(march)

        self._credit_note(order.invoice_ids, 2000, date(2031, 4, 8))
        self.assertEqual(enrollment.refund_ids.date, date(2031, 4, 8))
        self.assertEqual(enrollment.state, "enrolled", "a partial refund does not cancel")
        april = self._generate(4)[self.users["con"]]
        self.assertEqual(self._lines(april), [("clawback", -2000, -60)])

    def test_cash_received_in_two_instalments(self):
        self.plan.basis = "cash"
        self._target("con", 3, 5000)
        self._target("con", 4, 5000)
        order = self._order(10000, datetime(2031, 3, 1, 2, 0))
        invoice = order.invoice_ids
        self._pay(invoice, 4000, date(2031, 3, 10))
        self._pay(invoice, 6000, date(2031, 4, 5))

        march = self._generate(3)[self.users["con"]]
        # 4,000 of 5,000 is the 80% boundary: all of it below, at 3%.
        self.assertEqual(march.basis, "cash")
        self.assertEqual(self._lines(march), [("sale", 4000, 120)])
        self.assertEqual(march.attainment, 80)
        self._confirm({march.user_id: march})
        april = self._generate(4)[self.users["con"]]
        # 6,000 of 5,000: 4,000 at 3% + 1,000 at 5% + 1,000 at 7% = 240.
        self.assertEqual(self._lines(april), [("sale", 6000, 240)])
        tiers = "3% × 4,000.00 + 5% × 1,000.00 + 7% × 1,000.00"  # noqa: RUF001
        self.assertEqual(april.line_ids.tier_detail, tiers)
        self._confirm({april.user_id: april})

        # 2,000 paid back in May: back at the 3.6% paid on the 10,000 (360).
        refund = self._credit_note(invoice, 2000, date(2031, 5, 12))
        self._pay(refund, 2000, date(2031, 5, 12))
        may = self._generate(5)[self.users["con"]]
        self.assertEqual(self._lines(may), [("clawback", -2000, -72)])

    def test_split_after_confirmation_is_adjusted_next_month(self):
        self._target("con", 3, 100000)
        sold = self._enrol("con", 10000, 3, 5)
        march = self._generate(3)
        self.assertEqual(march[self.users["con"]].amount_total, 300)
        self.assertFalse(march[self.users["con_2"]].line_ids)
        self._confirm(march)

        # The colleague who booked the trial gets half, after March was confirmed;
        # and an enrolment of March entered late.
        sold.with_user(self.users["sup"]).credit_ids = [
            Command.create({"user_id": self.users["con"].id, "share": 50}),
            Command.create({"user_id": self.users["con_2"].id, "share": 50}),
        ]
        self._enrol("con_2", 4000, 3, 30, grade=self.grade_a)
        april = self._generate(4)
        # con: 5,000 back at the 3% paid; con_2: 5,000 and 4,000 at the plan's
        # first tier (plus the A bonus on the second), as March was closed.
        self.assertEqual(self._lines(april[self.users["con"]]), [("adjustment", -5000, -150)])
        self.assertEqual(
            self._lines(april[self.users["con_2"]]),
            [("adjustment", 5000, 150), ("adjustment", 4000, 160)],
        )
        self.assertEqual(march[self.users["con"]].amount_total, 300)
        self._confirm(april)
        may = self._generate(5)
        self.assertFalse(may[self.users["con"]].line_ids | may[self.users["con_2"]].line_ids)

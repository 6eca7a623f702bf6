from datetime import date

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestEnrollmentPayment(TrainingCrmCommon):
    """Deposits, instalments and refunds as schools take them, seen from the
    enrolments: invoiced, paid (实收, per payment date), refunded and due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.course = cls.env["training.course"].create(
            {
                "name": "IELTS Intensive",
                "teaching_mode": "face_to_face",
                "lesson_hours": 40,
                "list_price": 10000,
            }
        )
        cls.course_2 = cls.env["training.course"].create(
            {"name": "TOEFL Basics", "teaching_mode": "face_to_face", "list_price": 6000}
        )
        cls.training_class = cls.env["training.class"].create(
            {
                "name": "IELTS Summer",
                "course_id": cls.course.id,
                "date_start": date(2026, 7, 1),
                "date_end": date(2026, 8, 31),
            }
        )
        cls.training_class_2 = cls.env["training.class"].create(
            {
                "name": "TOEFL Summer",
                "course_id": cls.course_2.id,
                "date_start": date(2026, 7, 1),
                "date_end": date(2026, 8, 31),
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Parent Li"})
        cls.lead.partner_id = cls.customer

    # ------------------------------------------------------------
    # Helpers: the stock wizards a school's staff click through
    # ------------------------------------------------------------

    def _quotation(self, *lines):
        """(course, class, qty) lines, untaxed for readable figures."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.lead.id,
                "user_id": self.user_consultant.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": course.product_id.id,
                            "training_class_id": training_class.id,
                            "product_uom_qty": qty,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for course, training_class, qty in lines
                ],
            }
        )
        return order

    def _invoice(self, order, **wizard_values):
        """Sales' Create Invoice wizard (regular invoice, or a down payment), posted."""
        before = order.invoice_ids
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(wizard_values or {"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids - before
        invoice.action_post()
        return invoice

    def _pay(self, move, amount, payment_date):
        """Register a payment (or pay a refund back) on that date."""
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": payment_date})._create_payments()

    def _refund(self, invoice, course, amount, reason):
        """Accounting's Credit Note wizard on the invoice, cut down to `amount`
        on the course's line (lessons not taken, or a price correction)."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": reason, "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        lines = refund.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        course_line = lines.filtered(lambda line: line.product_id == course.product_id)
        refund.write(
            {
                "invoice_line_ids": [
                    Command.update(course_line.id, {"quantity": 1, "price_unit": amount})
                ]
                + [Command.delete(line.id) for line in lines - course_line]
            }
        )
        refund.action_post()
        return refund

    def assertMoney(self, enrollment, invoiced, paid, refunded, due, state):
        self.assertRecordValues(
            enrollment,
            [
                {
                    "amount_invoiced": invoiced,
                    "amount_paid": paid,
                    "amount_refunded": refunded,
                    "amount_due": due,
                    "state": state,
                }
            ],
        )

    def _cash(self, enrollments):
        """Cash received per payment date, as a commission report sums it."""
        groups = self.env["training.enrollment.payment"]._read_group(
            [("enrollment_id", "in", enrollments.ids)], ["date:day"], ["amount:sum"]
        )
        return {day.date() if hasattr(day, "date") else day: amount for day, amount in groups}

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_deposit_final_invoice_partial_and_full_refund(self):
        """Quotation → deposit (定金, a down payment, paid) → confirm → final
        invoice → paid → partial refund → full refund."""
        order = self._quotation((self.course, self.training_class, 1))
        deposit = self._invoice(order, advance_payment_method="fixed", fixed_amount=3000)
        self._pay(deposit, 3000, date(2026, 5, 10))

        order.action_confirm()
        enrollment = order.training_enrollment_ids
        self.assertEqual(len(enrollment), 1)
        self.assertMoney(enrollment, 3000, 3000, 0, 0, "enrolled")

        final = self._invoice(order)
        self.assertEqual(final.amount_total, 7000, "the deposit is deducted")
        self.assertMoney(enrollment, 10000, 3000, 0, 7000, "enrolled")
        self.assertIn(enrollment, self.env["training.enrollment"].search([("amount_due", ">", 0)]))

        self._pay(final, 7000, date(2026, 6, 2))
        self.assertMoney(enrollment, 10000, 10000, 0, 0, "enrolled")
        self.assertNotIn(
            enrollment, self.env["training.enrollment"].search([("amount_due", ">", 0)])
        )

        # Two lessons not taken: 2,000 back; the enrolment goes on.
        partial = self._refund(final, self.course, 2000, "2 lessons not taken")
        self.assertMoney(enrollment, 10000, 10000, 2000, -2000, "enrolled")
        self._pay(partial, 2000, date(2026, 7, 15))
        self.assertMoney(enrollment, 10000, 8000, 2000, 0, "enrolled")

        # The family withdraws: the rest of the line is credited.
        self._refund(final, self.course, 8000, "family moves away")
        self.assertMoney(enrollment, 10000, 8000, 10000, -8000, "cancelled")
        self.assertIn("family moves away", enrollment.cancel_reason)
        self.assertEqual(enrollment.cancel_date, fields.Date.context_today(enrollment))
        # Each credit note is the enrolment's refund on its date: commissions
        # on confirmed enrolments claw back in that period.
        self.assertEqual(len(enrollment.refund_ids), 2)
        self.assertEqual(
            {line.amount: line.move_id == partial for line in enrollment.refund_ids},
            {2000: True, 8000: False},
        )
        self.assertEqual(enrollment.refund_ids.mapped("date"), [partial.invoice_date] * 2)
        self.assertEqual(
            self._cash(enrollment),
            {
                date(2026, 5, 10): 3000,
                date(2026, 6, 2): 7000,
                date(2026, 7, 15): -2000,
            },
        )

    def test_two_children_on_one_line_share_amounts(self):
        order = self._quotation((self.course, self.training_class, 2))
        order.action_confirm()
        enrollments = order.training_enrollment_ids
        self.assertEqual(len(enrollments), 2)
        invoice = self._invoice(order)
        self._pay(invoice, 5000, date(2026, 6, 1))
        for enrollment in enrollments:
            self.assertMoney(enrollment, 10000, 2500, 0, 7500, "enrolled")
        self.assertEqual(self._cash(enrollments), {date(2026, 6, 1): 5000})

    def test_deposit_shared_by_the_order_lines(self):
        """A deposit counts for the order's enrolments in proportion to their
        amounts until the final invoice deducts it."""
        order = self._quotation(
            (self.course, self.training_class, 1), (self.course_2, self.training_class_2, 1)
        )
        order.action_confirm()
        ielts, toefl = (
            order.training_enrollment_ids.filtered(lambda e, c=course: e.course_id == c)
            for course in (self.course, self.course_2)
        )
        deposit = self._invoice(order, advance_payment_method="percentage", amount=50)
        self._pay(deposit, 8000, date(2026, 5, 1))
        self.assertMoney(ielts, 5000, 5000, 0, 0, "enrolled")
        self.assertMoney(toefl, 3000, 3000, 0, 0, "enrolled")
        final = self._invoice(order)
        self.assertEqual(final.amount_total, 8000)
        self.assertMoney(ielts, 10000, 5000, 0, 5000, "enrolled")
        self.assertMoney(toefl, 6000, 3000, 0, 3000, "enrolled")
        self._pay(final, 8000, date(2026, 6, 1))
        self.assertMoney(ielts, 10000, 10000, 0, 0, "enrolled")
        self.assertMoney(toefl, 6000, 6000, 0, 0, "enrolled")

    def test_instalments_cash_per_payment_date(self):
        """Instalments: partial payments on different dates count on their own
        dates; unreconciling one takes it back."""
        order = self._quotation((self.course, self.training_class, 1))
        order.action_confirm()
        enrollment = order.training_enrollment_ids
        invoice = self._invoice(order)
        self._pay(invoice, 4000, date(2026, 3, 20))
        self.assertMoney(enrollment, 10000, 4000, 0, 6000, "enrolled")
        self._pay(invoice, 6000, date(2026, 4, 20))
        self.assertMoney(enrollment, 10000, 10000, 0, 0, "enrolled")
        self.assertEqual(self._cash(enrollment), {date(2026, 3, 20): 4000, date(2026, 4, 20): 6000})
        march = enrollment.payment_ids.filtered(lambda line: line.date == date(2026, 3, 20))
        march.payment_move_id.button_draft()
        self.assertMoney(enrollment, 10000, 6000, 0, 4000, "enrolled")
        self.assertEqual(self._cash(enrollment), {date(2026, 4, 20): 6000})

    def test_cancelled_invoice_no_longer_counts(self):
        order = self._quotation((self.course, self.training_class, 1))
        order.action_confirm()
        enrollment = order.training_enrollment_ids
        invoice = self._invoice(order)
        self.assertMoney(enrollment, 10000, 0, 0, 10000, "enrolled")
        invoice.button_draft()
        invoice.button_cancel()
        self.assertMoney(enrollment, 0, 0, 0, 0, "enrolled")

    def test_order_cancel_still_cancels_enrollments(self):
        order = self._quotation((self.course, self.training_class, 1))
        order.action_confirm()
        enrollment = order.training_enrollment_ids
        order._action_cancel()
        self.assertEqual(enrollment.state, "cancelled")

    def test_rights_on_amounts_and_cash(self):
        """A consultant reads the amounts of the enrolments they sold only; an
        auditor reads all and changes nothing."""
        order = self._quotation((self.course, self.training_class, 1))
        order.action_confirm()
        enrollment = order.training_enrollment_ids
        self.assertEqual(enrollment.user_id, self.user_consultant)
        self._pay(self._invoice(order), 10000, date(2026, 6, 1))
        fields = ["amount_invoiced", "amount_paid", "amount_refunded", "amount_due"]
        expected = [
            {
                "id": enrollment.id,
                "amount_invoiced": 10000,
                "amount_paid": 10000,
                "amount_refunded": 0,
                "amount_due": 0,
            }
        ]
        for user in (self.user_consultant, self.user_auditor, self.user_supervisor):
            self.assertEqual(enrollment.with_user(user).read(fields), expected)
            cash = (
                self.env["training.enrollment.payment"]
                .with_user(user)
                .search([("enrollment_id", "=", enrollment.id)])
            )
            self.assertEqual(cash.mapped("amount"), [10000])
        with self.assertRaises(AccessError):
            enrollment.with_user(self.user_consultant_2).read(fields)
        self.assertFalse(
            self.env["training.enrollment.payment"]
            .with_user(self.user_consultant_2)
            .search([("enrollment_id", "=", enrollment.id)])
        )
        self.assertFalse(
            self.env["training.enrollment"]
            .with_user(self.user_consultant_2)
            .search([("id", "=", enrollment.id), ("amount_paid", ">", 0)])
        )
        with self.assertRaises(AccessError):
            enrollment.payment_ids.with_user(self.user_auditor).write({"amount": 1})
        with self.assertRaises(AccessError):
            enrollment.payment_ids.with_user(self.user_supervisor).unlink()

    def test_queries_do_not_grow_with_enrollments(self):
        """What posting an invoice or reconciling a payment adds (reading the
        order's invoices, setting its enrolments' amounts and cash lines) costs
        as many queries for 20 enrolments as for 2: no query per enrolment."""

        def measure(qty):
            order = self._quotation((self.course, self.training_class, qty))
            order.action_confirm()
            invoice = self._invoice(order)
            self._pay(invoice, 1000, date(2026, 6, 1))
            enrollments = order.training_enrollment_ids
            self.assertEqual(len(enrollments.payment_ids), qty)
            # Forget what was read, and the cash lines, so that all are rewritten.
            enrollments.payment_ids.unlink()
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            invoice._training_update_enrollments()
            self.env.flush_all()
            count = self.cr.sql_log_count - start
            self.assertEqual(len(enrollments.payment_ids), qty)
            self.assertEqual(sum(enrollments.mapped("amount_paid")), 1000)
            return count

        self.assertEqual(measure(2), measure(20))

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import TrainingCrmCommon
from .sale_common import TrainingSaleMixin


@tagged("post_install", "-at_install")
class TestSaleAccess(TrainingCrmCommon, TrainingSaleMixin):
    """Consultants see and sell on their own leads only; supervisors and Sales
    Administrators see everything, auditors read and change nothing; Odoo's
    salespeople outside our roles keep Odoo's own rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_sales_documents(
            cls.user_consultant, cls.user_consultant_2, cls.lead, cls.lead_other
        )
        cls.stock_salesman = new_test_user(
            cls.env, login="tc_stock_salesman", groups="sales_team.group_sale_salesman"
        )

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_consultant_sees_own_sales_documents_only(self):
        user = self.user_consultant
        orders = self.order_mine + self.order_rival + self.order_nobody
        self.assertEqual(self._visible(user, orders), self.order_mine)
        self.assertEqual(self._visible(user, orders.order_line), self.order_mine.order_line)
        invoices = self.invoice_mine + self.invoice_rival + self.invoice_nobody
        self.assertEqual(self._visible(user, invoices), self.invoice_mine)
        self.assertEqual(self._visible(user, invoices.line_ids), self.invoice_mine.line_ids)
        self.assertFalse(self._visible(user, self.token))
        with self.assertRaises(AccessError):  # Odoo 18: Billing and Settings only
            self._visible(user, self.tx_mine)
        with self.assertRaises(AccessError):
            self.order_nobody.with_user(user).read(["name"])
        with self.assertRaises(AccessError):
            self.invoice_nobody.with_user(user).read(["name"])
        # The lead's quotation count is the consultant's own orders.
        self.assertEqual(self.lead.with_user(user).sale_order_count, 1)

    def test_consultant_with_billing_rights_still_sees_own_only(self):
        user = new_test_user(
            self.env,
            login="tc_consultant_billing",
            groups="training_crm.group_consultant,account.group_account_invoice",
        )
        self.order_mine.user_id = self.invoice_mine.invoice_user_id = user
        invoices = self.invoice_mine + self.invoice_rival + self.invoice_nobody
        self.assertEqual(self._visible(user, invoices), self.invoice_mine)
        transactions = self.tx_mine + self.tx_rival + self.tx_nobody
        self.assertEqual(self._visible(user, transactions), self.tx_mine)
        self.assertFalse(self._visible(user, self.token))

    def test_supervisors_and_admins_see_everything(self):
        orders = self.order_mine + self.order_rival + self.order_nobody
        invoices = self.invoice_mine + self.invoice_rival + self.invoice_nobody
        for user in (self.user_supervisor, self.user_manager):
            self.assertEqual(self._visible(user, orders), orders, user.login)
            self.assertEqual(self._visible(user, orders.order_line), orders.order_line)
            self.assertEqual(self._visible(user, invoices), invoices, user.login)
            self.assertEqual(self._visible(user, self.token), self.token, user.login)

    def test_stock_roles_keep_odoo_rules(self):
        """Odoo's "own documents only" salesperson sees unassigned documents and
        every saved card, a billing clerk every invoice and payment, as stock
        Odoo lets them: our rules leave them alone."""
        user = self.stock_salesman
        orders = self.order_mine + self.order_rival + self.order_nobody
        self.assertEqual(self._visible(user, orders), self.order_nobody)
        invoices = self.invoice_mine + self.invoice_rival + self.invoice_nobody
        self.assertEqual(self._visible(user, invoices), self.invoice_nobody)
        self.assertEqual(self._visible(user, self.token), self.token)
        clerk = new_test_user(self.env, login="tc_billing", groups="account.group_account_invoice")
        transactions = self.tx_mine + self.tx_rival + self.tx_nobody
        self.assertEqual(self._visible(clerk, transactions), transactions)
        self.assertEqual(self._visible(clerk, invoices), invoices)

    def test_auditor_reads_orders_and_invoices_and_writes_nothing(self):
        user = self.user_auditor
        orders = self.order_mine + self.order_rival + self.order_nobody
        self.assertEqual(self._visible(user, orders), orders)
        self.assertEqual(self._visible(user, orders.order_line), orders.order_line)
        invoices = self.invoice_mine + self.invoice_rival + self.invoice_nobody
        self.assertEqual(self._visible(user, invoices), invoices)
        self.assertEqual(self._visible(user, invoices.invoice_line_ids), invoices.invoice_line_ids)
        self.assertEqual(
            self.order_rival.with_user(user).read(["amount_total"])[0]["amount_total"],
            self.order_rival.amount_total,
        )
        with self.assertRaises(AccessError):
            self.order_mine.with_user(user).write({"note": "Audited"})
        with self.assertRaises(AccessError):
            self.order_mine.order_line.with_user(user).write({"product_uom_qty": 2})
        with self.assertRaises(AccessError):
            self.invoice_nobody.with_user(user).write({"ref": "Audited"})
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(user).create({"partner_id": self.customer.id})
        self.assertFalse(self.order_mine.note)
        self.assertFalse(self.invoice_nobody.ref)

    def test_auditor_reads_customer_invoices_not_the_books(self):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-01-05",
                "invoice_line_ids": [Command.create({"name": "Rent", "price_unit": 80.0})],
            }
        )
        self.assertFalse(self._visible(self.user_auditor, bill))

    def test_consultant_quotes_on_own_lead(self):
        action = self.lead.with_user(self.user_consultant).action_new_quotation()
        context = dict(action["context"], default_partner_id=self.customer.id)
        form = Form(self.env["sale.order"].with_user(self.user_consultant).with_context(**context))
        with form.order_line.new() as line:
            line.product_id = self.course
        order = form.save()
        self.assertEqual(order.opportunity_id, self.lead)
        self.assertEqual(order.user_id, self.user_consultant)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_consultant_cannot_sell_on_another_consultants_lead(self):
        SaleOrder = self.env["sale.order"].with_user(self.user_consultant)
        count = self.env["sale.order"].search_count([])
        # The savepoint rolls back what the failed call wrote, as a request does.
        for lead in (self.lead_other, self.lead_pool):
            with self.assertRaisesRegex(ValidationError, "your own leads"), self.env.cr.savepoint():
                SaleOrder.create({"partner_id": self.customer.id, "opportunity_id": lead.id})
            with self.assertRaisesRegex(ValidationError, "your own leads"), self.env.cr.savepoint():
                self.order_mine.with_user(self.user_consultant).write({"opportunity_id": lead.id})
        self.env.invalidate_all()
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        self.assertEqual(self.order_mine.opportunity_id, self.lead)

    def test_confirming_after_the_lead_changed_hands_is_refused(self):
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_consultant.id,
                "opportunity_id": self.lead.id,
                "order_line": [Command.create({"product_id": self.course.id})],
            }
        )
        self.lead.user_id = self.user_consultant_2
        with self.assertRaisesRegex(ValidationError, "your own leads"), self.env.cr.savepoint():
            quotation.with_user(self.user_consultant).action_confirm()
        self.env.invalidate_all()
        self.assertEqual(quotation.state, "draft")

    def test_supervisor_sells_on_any_lead(self):
        order = (
            self.env["sale.order"]
            .with_user(self.user_supervisor)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": self.lead_other.id,
                    "order_line": [Command.create({"product_id": self.course.id})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")

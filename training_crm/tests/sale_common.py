from odoo import Command


class TrainingSaleMixin:
    """Sales documents of two consultants, and of nobody: an order each (the
    consultants' confirmed and invoiced), an invoice without salesperson, a
    payment transaction per order and a customer's saved card."""

    @classmethod
    def _create_sales_documents(cls, mine, rival, lead_mine, lead_rival):
        env = cls.env
        cls.course = env["product.product"].create(
            {"name": "IELTS Intensive (test)", "type": "service", "list_price": 9800.0}
        )
        cls.customer = env["res.partner"].create({"name": "Parent Wang"})

        def order(user, lead):
            return env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "opportunity_id": lead.id,
                    "order_line": [Command.create({"product_id": cls.course.id})],
                }
            )

        cls.order_mine = order(mine, lead_mine)
        cls.order_rival = order(rival, lead_rival)
        cls.order_nobody = order(env["res.users"], env["crm.lead"])
        (cls.order_mine + cls.order_rival).action_confirm()
        cls.invoice_mine = cls.order_mine._create_invoices()
        cls.invoice_rival = cls.order_rival._create_invoices()
        cls.invoice_nobody = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_user_id": False,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.course.id, "price_unit": 500.0})
                ],
            }
        )
        provider = env["payment.provider"].create({"name": "Test provider", "code": "none"})
        method = env.ref("payment.payment_method_unknown")

        def transaction(sale_order):
            return env["payment.transaction"].create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "amount": sale_order.amount_total,
                    "currency_id": sale_order.currency_id.id,
                    "partner_id": cls.customer.id,
                    "sale_order_ids": [Command.set(sale_order.ids)],
                }
            )

        cls.tx_mine = transaction(cls.order_mine)
        cls.tx_rival = transaction(cls.order_rival)
        cls.tx_nobody = transaction(cls.order_nobody)
        cls.token = env["payment.token"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "partner_id": cls.customer.id,
                "payment_details": "4242",
                "provider_ref": "test-ref",
            }
        )

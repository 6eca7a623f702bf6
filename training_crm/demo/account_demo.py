import logging
from datetime import timedelta

from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)

# The demo orders: lead (its owner sells), the paying parent (name, phone,
# city), the children studying (one per enrolment, in line order), the lines
# (course, class, quantity) and what happened to the order. Neither orders nor
# families have xml ids: they are the school's documents, which uninstalling
# the addon leaves alone (invoices refer to them).
DEMO_ORDERS = (
    (
        "lead_demo_32",
        ("李建国", "+86 139 1024 5501", "上海市"),
        [],
        [("ielts", "ielts_1", 1), ("toefl", "toefl_1", 1)],
        "draft",
    ),
    (
        "lead_demo_16",
        ("罗志强", "+86 139 1024 5502", "上海市"),
        [],
        [("ielts", "ielts_2", 1)],
        "deposit",
    ),
    (
        "lead_demo_17",
        ("郑国华", "+86 139 1024 5503", "北京市"),
        ["郑凯", "郑悦"],
        [("scratch", "scratch_1", 2)],
        "confirmed",
    ),
    (
        "lead_demo_13",
        ("何建平", "+86 139 1024 5504", "北京市"),
        ["何欣"],
        [("toefl", "toefl_1", 1)],
        "paid",
    ),
    (
        "lead_demo_23",
        ("韩秀英", "+86 139 1024 5505", "北京市"),
        ["韩梅"],
        [("japanese_n2", "japanese_n2_1", 1)],
        "instalments",
    ),
    (
        "lead_demo_24",
        ("冯海燕", "+86 139 1024 5506", "上海市"),
        ["冯毅"],
        [("ielts", "ielts_1", 1)],
        "partial_refund",
    ),
    (
        "lead_demo_25",
        ("邓丽娟", "+86 139 1024 5507", "北京市"),
        ["邓超"],
        [("scratch", "scratch_1", 1)],
        "refunded",
    ),
    (
        "lead_demo_18",
        ("梁永红", "+86 139 1024 5508", "上海市"),
        ["梁雪"],
        [("maths_1on1", None, 1)],
        "paid",
    ),
)


class AccountChartTemplate(models.AbstractModel):
    """Demo orders, made as account's demo invoices are: by the chart of
    accounts, since invoices need the company's journals."""

    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """Installed with demo data together with Invoicing, the addon could not
        invoice its demo orders (no journal yet): the company's chart of
        accounts, loaded once every module is in, makes them now."""
        res = super()._post_load_data(template_code, company, template_data)
        if company == self.env.ref("base.main_company", raise_if_not_found=False) and self.env.ref(
            "training_crm.lead_demo_32", raise_if_not_found=False
        ):
            # As staff would: the chart's loading context (English, no tracking) left behind.
            env = self.env(context={"allowed_company_ids": company.ids})
            try:
                with env.cr.savepoint():
                    env["account.chart.template"]._training_create_demo_orders()
            except Exception:
                # Demo orders failing must not undo the chart of accounts.
                _logger.exception("Error while making the Training CRM demo orders")
        return res

    @api.model
    def _training_create_demo_orders(self):
        """Demo data: orders of the demo consultants at each stage, made through
        the steps staff take (the consultant confirms and names the students,
        the administrator invoices, registers payments and credit notes), each
        in their own language, so that enrolments, their amounts and the
        chatter are what they would be.
        Made once: not again while the demo leads have orders. Called by
        demo/sale_order_demo.xml, and by the chart of accounts when it was not
        loaded yet then."""
        ref = self.env.ref
        leads = self.env["crm.lead"].union(*(ref(f"training_crm.{row[0]}") for row in DEMO_ORDERS))
        if self.env["sale.order"].search_count([("opportunity_id", "in", leads.ids)], limit=1):
            return
        if not self.env["account.journal"].search_count(
            [
                *self.env["account.journal"]._check_company_domain(self.env.company),
                ("type", "=", "sale"),
            ],
            limit=1,
        ):
            # Installing with Invoicing: the company's chart of accounts is
            # loaded once every module is in (_post_load_data), which makes the
            # orders then.
            return
        admin = ref("base.user_admin")
        today = fields.Date.context_today(self)
        china = ref("base.cn")
        for lead_xmlid, (parent_name, phone, city), children, lines, stage in DEMO_ORDERS:
            lead = ref(f"training_crm.{lead_xmlid}")
            consultant = lead.user_id
            parent = self.env["res.partner"].create(
                {
                    "name": parent_name,
                    "phone": phone,
                    "city": city,
                    "country_id": china.id,
                    "child_ids": [Command.create({"name": child}) for child in children],
                }
            )
            order = (
                self.env["sale.order"]
                .with_user(consultant)
                .with_context(lang=consultant.lang)
                .with_company(lead.company_id or self.env.company)
                .create(
                    {
                        "partner_id": parent.id,
                        "opportunity_id": lead.id,
                        "user_id": consultant.id,
                        "team_id": lead.team_id.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": ref(
                                        f"training_crm.course_{course}"
                                    ).product_id.id,
                                    "training_class_id": training_class
                                    and ref(f"training_crm.class_{training_class}").id,
                                    "product_uom_qty": qty,
                                }
                            )
                            for course, training_class, qty in lines
                        ],
                    }
                )
            )
            if stage == "draft":
                continue
            if stage == "deposit":
                deposit = self._training_demo_invoice(
                    order,
                    admin,
                    today - timedelta(days=3),
                    advance_payment_method="percentage",
                    amount=30,
                )
                self._training_demo_pay(
                    deposit, admin, deposit.amount_total, today - timedelta(days=3)
                )
                continue
            order.action_confirm()
            self._training_demo_name_students(order, parent.child_ids)
            if stage == "confirmed":
                continue
            invoice = self._training_demo_invoice(order, admin, today - timedelta(days=10))
            total = invoice.amount_total
            if stage == "instalments":
                # Paid in instalments: two of three so far.
                instalment = invoice.currency_id.round(total / 3)
                self._training_demo_pay(invoice, admin, instalment, today - timedelta(days=10))
                self._training_demo_pay(invoice, admin, instalment, today - timedelta(days=2))
                continue
            self._training_demo_pay(invoice, admin, total, today - timedelta(days=9))
            if stage == "partial_refund":
                refund = self._training_demo_refund(
                    invoice,
                    admin,
                    invoice.currency_id.round(total / 5),
                    "请假两周 - 退还 20% 课时费",
                )
                self._training_demo_pay(refund, admin, refund.amount_total, today)
            elif stage == "refunded":
                refund = self._training_demo_refund(
                    invoice, admin, total, "全家搬迁外地 - 全额退费"
                )
                self._training_demo_pay(refund, admin, refund.amount_total, today)

    @api.model
    def _training_demo_name_students(self, order, students):
        """The students' dialog, as the consultant fills it in after confirming."""
        editor = (
            self.env["training.enrollment.editor"]
            .with_user(order.user_id)
            .with_context(lang=order.user_id.lang)
            .with_context(default_sale_order_id=order.id)
            .create({})
        )
        for line, student in zip(editor.line_ids, students, strict=True):
            line.partner_id = student
        editor.action_apply()

    @api.model
    def _training_demo_invoice(self, order, user, invoice_date, **wizard_values):
        """Sales' Create Invoice wizard (regular invoice, or a down payment), posted."""
        order = order.with_user(user).with_context(lang=user.lang)
        before = order.invoice_ids
        order.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(wizard_values or {"advance_payment_method": "delivered"}).create_invoices()
        invoice = order.invoice_ids - before
        invoice.invoice_date = invoice_date
        invoice.action_post()
        return invoice

    @api.model
    def _training_demo_pay(self, move, user, amount, payment_date):
        """Register Payment on the invoice (or pay a credit note back)."""
        self.env["account.payment.register"].with_user(user).with_context(
            lang=user.lang, active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": payment_date})._create_payments()

    @api.model
    def _training_demo_refund(self, invoice, user, amount, reason):
        """The Credit Note wizard on the invoice, cut down to `amount` (taxes
        included) on its course line when only part is refunded."""
        wizard = (
            self.env["account.move.reversal"]
            .with_user(user)
            .with_context(lang=user.lang, active_model="account.move", active_ids=invoice.ids)
            .create({"reason": reason, "journal_id": invoice.journal_id.id})
        )
        refund = wizard.env["account.move"].browse(wizard.refund_moves()["res_id"])
        if invoice.currency_id.compare_amounts(amount, invoice.amount_total):
            line = refund.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")[:1]
            line.write(
                {"quantity": 1, "price_unit": line.price_unit * amount / invoice.amount_total}
            )
        refund.action_post()
        return refund

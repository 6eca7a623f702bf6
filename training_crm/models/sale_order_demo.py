from datetime import timedelta

from odoo import Command, api, fields, models

# The demo orders: xmlid, lead, customer, lines (course, class, quantity),
# students (one per enrolment, in line order) and what happened to the order.
DEMO_ORDERS = (
    (
        "quotation",
        "lead_demo_32",
        "parent_li",
        [("ielts", "ielts_1", 1), ("toefl", "toefl_1", 1)],
        [],
        "draft",
    ),
    ("deposit", "lead_demo_16", "parent_luo", [("ielts", "ielts_2", 1)], [], "deposit"),
    (
        "siblings",
        "lead_demo_17",
        "parent_zheng",
        [("scratch", "scratch_1", 2)],
        ["student_zheng_1", "student_zheng_2"],
        "confirmed",
    ),
    ("paid", "lead_demo_13", "parent_he", [("toefl", "toefl_1", 1)], ["student_he"], "paid"),
    (
        "instalments",
        "lead_demo_23",
        "parent_han",
        [("japanese_n2", "japanese_n2_1", 1)],
        ["student_han"],
        "instalments",
    ),
    (
        "partial_refund",
        "lead_demo_24",
        "parent_feng",
        [("ielts", "ielts_1", 1)],
        ["student_feng"],
        "partial_refund",
    ),
    (
        "refunded",
        "lead_demo_25",
        "parent_deng",
        [("scratch", "scratch_1", 1)],
        ["student_deng"],
        "refunded",
    ),
    (
        "one_to_one",
        "lead_demo_18",
        "parent_liang",
        [("maths_1on1", None, 1)],
        ["student_liang"],
        "paid",
    ),
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    @api.model
    def _training_create_demo_orders(self):
        """Demo data: orders of the demo consultants at each stage, made through
        the steps staff take (the consultant confirms and names the students,
        the administrator invoices, registers payments and credit notes), so
        that enrolments, their amounts and the chatter are what they would be.
        Made once: an update of the module leaves them alone."""
        if self.env.ref("training_crm.sale_order_demo_quotation", raise_if_not_found=False):
            return
        if not self.env["account.journal"].search_count(
            [
                *self.env["account.journal"]._check_company_domain(self.env.company),
                ("type", "=", "sale"),
            ],
            limit=1,
        ):
            # Installing with Invoicing: the company's chart of accounts is
            # loaded once every module is in (account.chart.template), which
            # makes the orders then.
            return
        ref = self.env.ref
        admin = ref("base.user_admin")
        today = fields.Date.context_today(self)
        for key, lead_xmlid, customer, lines, students, stage in DEMO_ORDERS:
            lead = ref(f"training_crm.{lead_xmlid}")
            consultant = lead.user_id
            order = (
                self.with_user(consultant)
                .with_company(lead.company_id or self.env.company)
                .create(
                    {
                        "partner_id": ref(f"training_crm.partner_demo_{customer}").id,
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
            self.env["ir.model.data"]._update_xmlids(
                [
                    {
                        "xml_id": f"training_crm.sale_order_demo_{key}",
                        "record": order,
                        "noupdate": True,
                    }
                ]
            )
            if stage == "draft":
                continue
            if stage == "deposit":
                deposit = order._training_demo_invoice(
                    admin,
                    today - timedelta(days=3),
                    advance_payment_method="percentage",
                    amount=30,
                )
                deposit._training_demo_pay(admin, deposit.amount_total, today - timedelta(days=3))
                continue
            order.action_confirm()
            order._training_demo_name_students(
                [ref(f"training_crm.partner_demo_{student}") for student in students]
            )
            if stage == "confirmed":
                continue
            invoice = order._training_demo_invoice(admin, today - timedelta(days=10))
            total = invoice.amount_total
            if stage == "instalments":
                # Paid in instalments: two of three so far.
                instalment = invoice.currency_id.round(total / 3)
                invoice._training_demo_pay(admin, instalment, today - timedelta(days=10))
                invoice._training_demo_pay(admin, instalment, today - timedelta(days=2))
                continue
            invoice._training_demo_pay(admin, total, today - timedelta(days=9))
            if stage == "partial_refund":
                refund = invoice._training_demo_refund(
                    admin, invoice.currency_id.round(total / 5), "请假两周 - 退还 20% 课时费"
                )
                refund._training_demo_pay(admin, refund.amount_total, today)
            elif stage == "refunded":
                refund = invoice._training_demo_refund(admin, total, "全家搬迁外地 - 全额退费")
                refund._training_demo_pay(admin, refund.amount_total, today)

    def _training_demo_name_students(self, students):
        """The students' dialog, as the consultant fills it in after confirming."""
        self.ensure_one()
        editor = (
            self.env["training.enrollment.editor"]
            .with_user(self.user_id)
            .with_context(default_sale_order_id=self.id)
            .create({})
        )
        for line, student in zip(editor.line_ids, students, strict=False):
            line.partner_id = student
        editor.action_apply()

    def _training_demo_invoice(self, user, invoice_date, **wizard_values):
        """Sales' Create Invoice wizard (regular invoice, or a down payment), posted."""
        self.ensure_one()
        order = self.with_user(user)
        before = order.invoice_ids
        order.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(wizard_values or {"advance_payment_method": "delivered"}).create_invoices()
        invoice = order.invoice_ids - before
        invoice.invoice_date = invoice_date
        invoice.action_post()
        return invoice

from collections import defaultdict

from odoo import api, fields, models


class TrainingEnrollment(models.Model):
    _inherit = "training.enrollment"

    # Payments, read from the invoices and credit notes of the order
    amount_invoiced = fields.Monetary(
        compute="_compute_training_payments",
        store=True,
        precompute=True,
        help="The enrolment's part of the posted invoices of its order, taxes included: "
        "its order line's invoice lines, shared between the line's students, and the "
        "order's down payments (定金) in proportion to the amounts of its lines.",
    )
    amount_refunded = fields.Monetary(
        compute="_compute_training_payments",
        store=True,
        precompute=True,
        help="The enrolment's part of the posted credit notes (退费) of its order, taxes included.",
    )
    amount_paid = fields.Monetary(
        compute="_compute_training_payments",
        store=True,
        precompute=True,
        help="Cash received (实收) for the enrolment: the payments reconciled with its "
        "invoices, in proportion to its part of each invoice, less what was paid back on "
        "its credit notes.",
    )
    amount_due = fields.Monetary(
        compute="_compute_training_payments",
        store=True,
        precompute=True,
        help="Invoiced, less refunded, less paid: what the family still owes (negative when "
        "the school owes a refund).",
    )
    payment_ids = fields.One2many(
        "training.enrollment.payment",
        "enrollment_id",
        string="Cash Received",
        readonly=True,
        help="Cash received (实收) for the enrolment, per payment date.",
    )
    refund_ids = fields.One2many(
        "training.enrollment.refund",
        "enrollment_id",
        string="Refunds",
        readonly=True,
        help="The enrolment's part of each posted credit note (退费), on its date.",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("sale_line_id", "amount")
    def _compute_training_payments(self):
        """Zero for a new enrolment, unless its order was already invoiced (a
        deposit paid before confirmation: see create). Kept up to date by the
        invoices and their reconciliations (account_move.py)."""
        self._training_assign_money(self._training_get_money()[0])

    def _training_assign_money(self, money):
        for enrollment in self:
            figures = money.get(enrollment.id, {})
            currency = enrollment.currency_id or enrollment.company_id.currency_id
            enrollment.amount_invoiced = currency.round(figures.get("invoiced", 0.0))
            enrollment.amount_refunded = currency.round(figures.get("refunded", 0.0))
            enrollment.amount_paid = currency.round(figures.get("paid", 0.0))
            enrollment.amount_due = currency.round(
                enrollment.amount_invoiced - enrollment.amount_refunded - enrollment.amount_paid
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """An order may have been invoiced (a deposit, paid or not) before it
        was confirmed: its new enrolments take their part at once."""
        enrollments = super().create(vals_list)
        from_sale = enrollments.filtered("sale_line_id")
        money, _line_net = from_sale._training_get_money()
        if money:
            from_sale._training_refresh_payments(money, new=True)
        return enrollments

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _training_refresh_payments(self, money=None, new=False):
        """Invoices were posted, reset or cancelled, or payments (un)reconciled:
        set the amounts and the cash received of these enrolments, from one
        reading of their orders' invoices.

        :return: the net invoiced amount per order line id (see _training_get_money)
        """
        if not self:
            return {}
        line_net = {}
        if money is None:
            money, line_net = self._training_get_money()
        fnames = ("amount_invoiced", "amount_refunded", "amount_paid", "amount_due")
        enrollments = self.sudo()
        # As a recomputation does: values only, no business logic on write.
        with self.env.protecting([self._fields[fname] for fname in fnames], enrollments):
            enrollments._training_assign_money(money)
        enrollments._training_sync_payment_lines(money, new=new)
        return line_net

    def _training_cancel_refunded(self, refunds, line_net):
        """Posted credit notes that leave nothing invoiced on an order line
        (all of it reversed) cancel the line's enrolments, which stay for the
        reports; the credit note's reference (with the reason given in the
        Credit Note wizard) is the cancellation reason. A partial refund only
        adds to amount_refunded."""
        reasons = defaultdict(lambda: self.browse())
        for refund in refunds:
            for line in refund.line_ids.sale_line_ids:
                if (
                    line.is_downpayment
                    or line.id not in line_net
                    or line.currency_id.compare_amounts(line_net[line.id], 0) > 0
                ):
                    continue
                reason = refund.ref or refund.name
                reasons[reason] |= self.filtered(
                    lambda e, line=line: e.sale_line_id == line and e.state != "cancelled"
                )
        for reason, enrollments in reasons.items():
            if enrollments:
                enrollments.write({"state": "cancelled", "cancel_reason": reason})

    def _training_sync_payment_lines(self, money, new=False):
        """Keep one cash line per enrolment, invoice and payment entry (dated
        by the payment), as the invoices' reconciliations say: what commissions
        on cash received (实收) sum per period; and one refund line per
        enrolment and credit note: where commissions on confirmed enrolments
        claw back. New enrolments have none yet."""
        cash_key = ("date", "move_id", "payment_move_id")
        self._training_sync_lines("training.enrollment.payment", "cash", cash_key, money, new)
        self._training_sync_lines(
            "training.enrollment.refund", "refunds", ("date", "move_id"), money, new
        )

    def _training_sync_lines(self, model_name, figure, key_fields, money, new):
        """Make the lines of `model_name` of these enrolments what
        ``money[enrolment id][figure]`` ({(key_fields values): amount}) says:
        unchanged lines are kept, others replaced, all in one search, one
        unlink and one create."""
        if new and not any(figures[figure] for figures in money.values()):
            return
        Line = self.env[model_name].sudo()
        wanted = {}
        for enrollment in self.sudo():
            currency = enrollment.currency_id
            for key, amount in money.get(enrollment.id, {}).get(figure, {}).items():
                amount = currency.round(amount)
                if not currency.is_zero(amount):
                    wanted[(enrollment.id, *key)] = amount
        existing = (
            Line
            if new
            else Line.search_fetch(
                [("enrollment_id", "in", self.ids)], ["enrollment_id", *key_fields, "amount"]
            )
        )
        stale = Line
        for line in existing:
            values = (line[fname] for fname in key_fields)
            key = (
                line.enrollment_id.id,
                *(value.id if isinstance(value, models.BaseModel) else value for value in values),
            )
            if key in wanted and line.currency_id.compare_amounts(wanted[key], line.amount) == 0:
                del wanted[key]
            else:
                stale |= line
        stale.unlink()
        Line.create(
            [
                dict(zip(("enrollment_id", *key_fields), key, strict=True), amount=amount)
                for key, amount in wanted.items()
            ]
        )

    def _training_get_money(self):
        """Read what the enrolments' orders invoiced, refunded and were paid, in
        one pass over their invoice lines and reconciliations.

        An invoice line counts for the enrolments of its order line, shared in
        proportion to their amounts; a down-payment line (the deposit invoice,
        and its deduction on the final invoice) for all the order's enrolments,
        in proportion to the amounts of the order's lines. Payments reconciled
        with an invoice are shared as the invoice's total is; credit notes
        reconciled with invoices are refunds, not cash.

        :return: (money, line_net): per enrolment id a dict of ``invoiced``,
            ``refunded``, ``paid``, ``cash`` {(date, move id, payment move id):
            amount} and ``refunds`` {(credit note date, move id): amount}; per
            sale order line id (down payments excepted) its net invoiced amount
            (invoices less credit notes).
        """
        enrollments = self.sudo().filtered(lambda e: isinstance(e.id, int) and e.sale_line_id)
        if not enrollments:
            return {}, {}
        env = enrollments.env
        orders = enrollments.sale_line_id.order_id
        # Posted invoice and credit note lines, per move and order line.
        groups = env["account.move.line"]._read_group(
            [
                ("sale_line_ids.order_id", "in", orders.ids),
                ("parent_state", "=", "posted"),
                ("display_type", "=", "product"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["move_id", "sale_line_ids"],
            ["price_total:sum"],
        )
        if not groups:
            return {}, {}
        sale_lines = env["sale.order.line"].search_fetch(
            [("order_id", "in", orders.ids), ("display_type", "=", False)],
            ["order_id", "is_downpayment", "price_subtotal"],
        )
        siblings = env["training.enrollment"].search_fetch(
            [("sale_line_id", "in", sale_lines.ids)], ["sale_line_id", "amount"]
        )

        # Each line's enrolments and their shares; the order's down payments
        # spread over its lines by subtotal, then over each line's enrolments.
        by_line = defaultdict(list)
        for enrollment in siblings:
            by_line[enrollment.sale_line_id.id].append(enrollment)
        shares = {}
        for line_id, students in by_line.items():
            total = sum(student.amount for student in students)
            shares[line_id] = [
                (student.id, student.amount / total if total else 1.0 / len(students))
                for student in students
            ]
        order_total = defaultdict(float)
        for line in sale_lines:
            if not line.is_downpayment:
                order_total[line.order_id.id] += line.price_subtotal
        down_payment_shares = defaultdict(list)
        for line in sale_lines:
            total = order_total[line.order_id.id]
            if line.is_downpayment or not total:
                continue
            for enrollment_id, share in shares.get(line.id, []):
                down_payment_shares[line.order_id.id].append(
                    (enrollment_id, share * line.price_subtotal / total)
                )

        line_ids = set(sale_lines.ids)
        moves = env["account.move"].union(*(move for move, _line, _total in groups))
        moves.fetch(["move_type", "amount_total", "invoice_date", "date"])
        line_net = defaultdict(float)
        parts = defaultdict(float)  # (enrollment id, move) -> part of the move's total
        for move, line, total in groups:
            if line.id not in line_ids:
                continue
            sign = 1 if move.move_type == "out_invoice" else -1
            if line.is_downpayment:
                targets = down_payment_shares.get(line.order_id.id, [])
            else:
                line_net[line.id] += sign * total
                targets = shares.get(line.id, [])
            for enrollment_id, share in targets:
                parts[enrollment_id, move] += total * share

        cash = moves._training_get_cash()
        money = defaultdict(
            lambda: {"invoiced": 0.0, "refunded": 0.0, "paid": 0.0, "cash": {}, "refunds": {}}
        )
        for (enrollment_id, move), part in parts.items():
            figures = money[enrollment_id]
            sign = 1 if move.move_type == "out_invoice" else -1
            figures["invoiced" if sign > 0 else "refunded"] += part
            if sign < 0:
                key = (move.invoice_date or move.date, move.id)
                figures["refunds"][key] = figures["refunds"].get(key, 0.0) + part
            if not move.amount_total:
                continue
            ratio = part / move.amount_total
            for date, payment_move_id, amount in cash.get(move.id, []):
                received = sign * amount * ratio
                figures["paid"] += received
                key = (date, move.id, payment_move_id)
                figures["cash"][key] = figures["cash"].get(key, 0.0) + received
        wanted = set(self.ids)
        return {key: value for key, value in money.items() if key in wanted}, line_net


class TrainingEnrollmentMoneyLine(models.AbstractModel):
    """A dated amount of an enrolment, kept by its order's invoices, never
    typed in: what commissions sum per period."""

    _name = "training.enrollment.money.line"
    _description = "Enrolment Dated Amount"
    _order = "date desc, id desc"
    _rec_name = "enrollment_id"

    enrollment_id = fields.Many2one(
        "training.enrollment",
        string="Enrolment",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    date = fields.Date(required=True, index=True, readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one(related="enrollment_id.currency_id", store=True)
    move_id = fields.Many2one(
        "account.move", required=True, index=True, ondelete="cascade", readonly=True
    )
    user_id = fields.Many2one(
        related="enrollment_id.user_id", store=True, index=True, string="Consultant"
    )
    company_id = fields.Many2one(related="enrollment_id.company_id", store=True, index=True)


class TrainingEnrollmentPayment(models.Model):
    """Cash received (实收) for an enrolment on a date: its part of a payment
    reconciled with one of its invoices (negative: paid back on a credit note).
    Kept by the invoices' reconciliations, never typed in, so that commissions
    on cash received sum them per period (by payment date, clawbacks in the
    period the money went back)."""

    _name = "training.enrollment.payment"
    _inherit = "training.enrollment.money.line"
    _description = "Enrolment Cash Received"

    date = fields.Date(help="The payment's date.")
    amount = fields.Monetary(
        help="The enrolment's part of the payment; negative when paid back for a refund."
    )
    move_id = fields.Many2one(
        string="Invoice", help="The invoice or credit note the payment was reconciled with."
    )
    payment_move_id = fields.Many2one(
        "account.move",
        string="Payment Entry",
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    team_id = fields.Many2one(related="enrollment_id.team_id", store=True)
    course_id = fields.Many2one(related="enrollment_id.course_id", store=True)


class TrainingEnrollmentRefund(models.Model):
    """An enrolment's part of a posted credit note (退费), on the credit
    note's date. Kept by the credit notes, never typed in, so that
    commissions on confirmed enrolments claw back in the period the refund
    happened, whether or not the money was paid back yet."""

    _name = "training.enrollment.refund"
    _inherit = "training.enrollment.money.line"
    _description = "Enrolment Refund"

    date = fields.Date(help="The credit note's date.")
    amount = fields.Monetary(help="The enrolment's part of the credit note.")
    move_id = fields.Many2one(string="Credit Note")

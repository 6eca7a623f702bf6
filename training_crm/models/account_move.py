from collections import defaultdict

from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        """Posting, resetting or cancelling a customer invoice or credit note
        changes what its order's enrolments were invoiced, refunded and paid; a
        posted credit note that reverses all of an order line cancels the
        line's enrolments."""
        res = super().write(vals)
        if "state" in vals:
            self._training_update_enrollments(posted=vals["state"] == "posted")
        return res

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _training_update_enrollments(self, posted=False):
        """Refresh the enrolments of the orders these customer invoices and
        credit notes (among the moves) come from, all at once; other moves
        (payments, entries) cost no query."""
        invoices = self.filtered(lambda move: move.is_sale_document())
        if not invoices:
            return
        invoices = invoices.sudo()
        orders = invoices.line_ids.sale_line_ids.order_id
        if not orders:
            return
        enrollments = (
            self.env["training.enrollment"].sudo().search([("sale_order_id", "in", orders.ids)])
        )
        if not enrollments:
            return
        line_net = enrollments._training_refresh_payments()
        refunds = invoices.filtered(
            lambda move: move.move_type == "out_refund" and move.state == "posted"
        )
        if posted and refunds:
            enrollments._training_cancel_refunded(refunds, line_net)

    def _training_get_cash(self):
        """Cash reconciled with these invoices and credit notes, per move id: a
        list of (payment date, payment entry id, amount in the move's
        currency). Reconciliations with other invoices or credit notes are not
        cash."""
        if not self:
            return {}
        partials = (
            self.env["account.partial.reconcile"]
            .sudo()
            .search_fetch(
                [
                    "|",
                    ("debit_move_id.move_id", "in", self.ids),
                    ("credit_move_id.move_id", "in", self.ids),
                ],
                [
                    "debit_move_id",
                    "credit_move_id",
                    "debit_amount_currency",
                    "credit_amount_currency",
                ],
            )
        )
        lines = partials.debit_move_id | partials.credit_move_id
        lines.fetch(["move_id", "date"])
        lines.move_id.fetch(["move_type"])
        cash = defaultdict(list)
        for partial in partials:
            for source, counterpart, amount in (
                (partial.debit_move_id, partial.credit_move_id, partial.debit_amount_currency),
                (partial.credit_move_id, partial.debit_move_id, partial.credit_amount_currency),
            ):
                if source.move_id in self and not counterpart.move_id.is_invoice(True):
                    cash[source.move_id.id].append(
                        (counterpart.date, counterpart.move_id.id, amount)
                    )
        return cash


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """A payment reconciled with an invoice is cash received for its enrolments."""
        partials = super().create(vals_list)
        moves = partials.debit_move_id.move_id | partials.credit_move_id.move_id
        moves._training_update_enrollments()
        return partials

    def unlink(self):
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        res = super().unlink()
        moves._training_update_enrollments()
        return res

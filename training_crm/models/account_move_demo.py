from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    def _training_demo_pay(self, user, amount, payment_date):
        """Register Payment on the invoice (or pay a credit note back)."""
        self.env["account.payment.register"].with_user(user).with_context(
            active_model="account.move", active_ids=self.ids
        ).create({"amount": amount, "payment_date": payment_date})._create_payments()

    def _training_demo_refund(self, user, amount, reason):
        """The Credit Note wizard on the invoice, cut down to `amount` (taxes
        included) on its course line when only part is refunded."""
        self.ensure_one()
        wizard = (
            self.env["account.move.reversal"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=self.ids)
            .create({"reason": reason, "journal_id": self.journal_id.id})
        )
        refund = self.env["account.move"].with_user(user).browse(wizard.refund_moves()["res_id"])
        if self.currency_id.compare_amounts(amount, self.amount_total):
            line = refund.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")[:1]
            line.write({"quantity": 1, "price_unit": line.price_unit * amount / self.amount_total})
        refund.action_post()
        return refund

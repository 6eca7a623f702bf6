from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        """Refuse an order selling an archived course, a class-based course
        without its class, or more seats than a class has left."""
        self.filtered(
            lambda order: order.state in ("draft", "sent")
        ).order_line._check_training_sale()
        return super().action_confirm()

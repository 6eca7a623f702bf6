import logging

from odoo import models

_logger = logging.getLogger(__name__)


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """Installed with demo data together with Invoicing, the addon could not
        invoice its demo orders (no journal yet): the company's chart of
        accounts, loaded once every module is in, makes them now."""
        res = super()._post_load_data(template_code, company, template_data)
        if (
            company == self.env.ref("base.main_company", raise_if_not_found=False)
            and self.env.ref("training_crm.partner_demo_parent_li", raise_if_not_found=False)
            and not self.env.ref("training_crm.sale_order_demo_quotation", raise_if_not_found=False)
        ):
            # As staff would: the chart's loading context (English, no tracking) left behind.
            env = self.env(context={"allowed_company_ids": company.ids})
            try:
                with env.cr.savepoint():
                    env["sale.order"]._training_create_demo_orders()
            except Exception:
                # Demo orders failing must not undo the chart of accounts.
                _logger.exception("Error while making the Training CRM demo orders")
        return res

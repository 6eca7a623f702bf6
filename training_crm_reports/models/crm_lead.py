from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Indexed (closed leads only, won or lost) for the consultant KPIs'
    # grading accuracy, which joins the won leads to every grade change:
    # a hash of the few thousand won leads instead of a look-up per change.
    date_closed = fields.Datetime(index="btree_not_null")

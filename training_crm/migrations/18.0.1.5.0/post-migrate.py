"""Refund lines (an enrolment's part of each posted credit note, on its
date) are new: read them from the credit notes of the enrolments refunded
before."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    env["training.enrollment"].search([("amount_refunded", "!=", 0)])._training_refresh_payments()

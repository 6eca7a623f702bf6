from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The excellence award's score (training.crm.champion): weights of its parts.
    training_award_weight_leads = fields.Integer(
        string="Leads Developed Weight",
        default=40,
        config_parameter="training_crm_reports.award_weight_leads",
    )
    training_award_weight_conversion = fields.Integer(
        string="Conversion Weight",
        default=30,
        config_parameter="training_crm_reports.award_weight_conversion",
    )
    training_award_weight_accuracy = fields.Integer(
        string="Grading Accuracy Weight",
        default=30,
        config_parameter="training_crm_reports.award_weight_accuracy",
    )

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TrainingGuardianConsent(models.Model):
    """A guardian's consent to process a minor's personal data (PIPL art. 31:
    under 14, the consent of a parent or guardian). Recorded before a minor is
    enrolled; archiving it withdraws it. Changes are tracked in its chatter."""

    _name = "training.guardian.consent"
    _description = "Guardian Consent"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "student_id"

    student_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    guardian_id = fields.Many2one(
        "res.partner",
        string="Given By",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="One of the student's guardians.",
    )
    date = fields.Date(
        string="Given On", required=True, default=fields.Date.context_today, tracking=True
    )
    method = fields.Selection(
        [
            ("paper", "Paper Form"),
            ("wechat", "WeChat"),
            ("online", "Online Form"),
            ("in_person", "In Person"),
        ],
        string="How",
        required=True,
        default="paper",
        tracking=True,
    )
    document = fields.Binary(attachment=True, string="Signed Form")
    document_name = fields.Char()
    note = fields.Char(tracking=True)
    active = fields.Boolean(
        default=True, tracking=True, help="Archive the consent when the guardian withdraws it."
    )

    @api.constrains("student_id", "guardian_id")
    def _check_guardian(self):
        """Consent comes from one of the student's guardians."""
        relations = {
            (row.student_id.id, row.guardian_id.id)
            for row in self.env["training.guardian"]
            .sudo()
            .search([("student_id", "in", self.student_id.ids)])
        }
        for consent in self:
            if (consent.student_id.id, consent.guardian_id.id) not in relations:
                raise ValidationError(
                    self.env._("Consent must be given by one of the student's guardians.")
                )

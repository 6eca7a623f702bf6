from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class TrainingEnrollmentCredit(models.Model):
    """Split credit (分单): a share of an enrolment's commission for a
    colleague who booked the visit or the trial. Set by a supervisor; with no
    line, the enrolment's consultant has it all."""

    _name = "training.enrollment.credit"
    _description = "Enrolment Credit Share"
    _order = "enrollment_id, share desc, id"

    enrollment_id = fields.Many2one(
        "training.enrollment", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    share = fields.Float(string="Share (%)", required=True, digits=(5, 2))
    company_id = fields.Many2one(related="enrollment_id.company_id", store=True, index=True)

    # ------------------------------------------------------------
    # CRUD: shares always add up, every change is traced
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        credits = super().create(vals_list)
        credits.enrollment_id._check_credit_shares()
        credits.enrollment_id._log_credit_split()
        return credits

    def write(self, vals):
        enrollments = self.enrollment_id
        result = super().write(vals)
        (enrollments | self.enrollment_id)._check_credit_shares()
        (enrollments | self.enrollment_id)._log_credit_split()
        return result

    def unlink(self):
        enrollments = self.enrollment_id
        result = super().unlink()
        enrollments.exists()._check_credit_shares()
        enrollments.exists()._log_credit_split()
        return result


class TrainingEnrollment(models.Model):
    _inherit = "training.enrollment"

    credit_ids = fields.One2many(
        "training.enrollment.credit",
        "enrollment_id",
        string="Credit Split",
        groups="training_crm.group_consultant,training_crm.group_auditor",
        help="Empty: the consultant has the whole credit. Set by supervisors: shares add "
        "up to 100%.",
    )

    def _check_credit_shares(self):
        for enrollment in self:
            credits = enrollment.sudo().credit_ids
            if not credits:
                continue
            if len(credits.user_id) != len(credits):
                raise ValidationError(
                    self.env._("Each consultant appears once in an enrolment's credit split.")
                )
            if any(credit.share <= 0 for credit in credits) or float_compare(
                sum(credits.mapped("share")), 100.0, precision_digits=2
            ):
                raise ValidationError(
                    self.env._("The credit shares of an enrolment are positive and add up to 100%.")
                )

    def _log_credit_split(self):
        """The split in the enrolment's chatter: who changed it, and to what."""
        for enrollment in self:
            credits = enrollment.sudo().credit_ids
            if credits:
                split = ", ".join(f"{credit.user_id.name} {credit.share:g}%" for credit in credits)
                body = self.env._("Credit split: %(split)s", split=split)
            else:
                body = self.env._("Credit split removed: the consultant has the whole credit.")
            # logged, not posted: supervisors may have no e-mail address
            enrollment.sudo()._message_log(body=body, author_id=self.env.user.partner_id.id)

    def _get_credit_shares(self):
        """{enrolment: [(consultant, share %)]}: the split, else all of it to
        the enrolment's consultant."""
        return {
            enrollment: [(credit.user_id, credit.share) for credit in enrollment.sudo().credit_ids]
            or [(enrollment.user_id, 100.0)]
            for enrollment in self
        }

from odoo import models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A Return Visit (回访) is done when its satisfaction scores are
        recorded: marking it done without them would lose the visit."""
        return_visit_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "training_crm.mail_activity_type_return_visit", raise_if_not_found=False
        )
        visits = self.filtered(
            lambda activity: (
                activity.res_model == "training.enrollment"
                and activity.activity_type_id.id == return_visit_id
            )
        )
        if visits:
            recorded = {
                enrollment.id
                for [enrollment] in self.env["training.satisfaction"]
                .sudo()
                ._read_group([("enrollment_id", "in", visits.mapped("res_id"))], ["enrollment_id"])
            }
            if any(activity.res_id not in recorded for activity in visits):
                raise UserError(
                    self.env._(
                        "Record the return visit's satisfaction scores: open the enrolment "
                        "and click Record Return Visit."
                    )
                )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

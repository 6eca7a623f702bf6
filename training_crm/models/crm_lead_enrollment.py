from odoo import api, fields, models


class CrmLead(models.Model):
    """A lead's enrolments (kept apart from crm_lead.py: the selling half)."""

    _inherit = "crm.lead"

    training_enrollment_ids = fields.One2many("training.enrollment", "lead_id", string="Enrolments")
    training_enrollment_count = fields.Integer(
        compute="_compute_training_enrollment_count", string="Enrolments Count"
    )

    @api.depends_context("uid")
    def _compute_training_enrollment_count(self):
        """Counted within the user's own rights: nothing for a user who may not
        read enrolments."""
        Enrollment = self.env["training.enrollment"]
        counts = {}
        if Enrollment.has_access("read") and self.ids:
            counts = dict(
                Enrollment._read_group(
                    [("lead_id", "in", self.ids), ("state", "!=", "cancelled")],
                    ["lead_id"],
                    ["__count"],
                )
            )
        for lead in self:
            lead.training_enrollment_count = counts.get(lead, 0)

    def action_view_training_enrollments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_enrollment_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

from odoo import api, fields, models


class TrainingEnrollmentCheckin(models.Model):
    """An adviser's in-study check-in (课中跟进, seed 002): how the student
    attends, performs and progresses, as heard from the teacher and the family."""

    _name = "training.enrollment.checkin"
    _description = "Study Check-in"
    _order = "date desc, id desc"
    _check_company_auto = True

    enrollment_id = fields.Many2one(
        "training.enrollment", required=True, index=True, ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(
        related="enrollment_id.partner_id", store=True, index=True, string="Student"
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Adviser", default=lambda self: self.env.user)
    attendance = fields.Selection(
        [("regular", "Regular"), ("irregular", "Irregular"), ("poor", "Often Absent")],
        help="How regularly the student attends, e.g. from the attendance and the teacher.",
    )
    performance = fields.Selection(
        [("good", "Good"), ("average", "Average"), ("poor", "Needs Help")],
        string="Class Performance",
    )
    progress = fields.Selection(
        [("ahead", "Ahead"), ("on_track", "On Track"), ("behind", "Behind")],
    )
    note = fields.Text(help="What the teacher reported, what the family was told.")
    company_id = fields.Many2one(related="enrollment_id.company_id", store=True, index=True)

    @api.depends("enrollment_id", "date")
    def _compute_display_name(self):
        for checkin in self:
            checkin.display_name = " - ".join(
                part for part in (checkin.partner_id.name, str(checkin.date or "")) if part
            )

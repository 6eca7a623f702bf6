from odoo import api, fields, models
from odoo.exceptions import ValidationError

SCORE_FIELDS = (
    "score_teaching",
    "score_teacher",
    "score_service",
    "score_course",
    "score_result",
)


class TrainingSatisfaction(models.Model):
    """A family's satisfaction with a course, as a return visit (回访) records
    it: the seed's five dimensions scored 1 to 5 and what the family said.
    Saving one completes the enrolment's Return Visit activity."""

    _name = "training.satisfaction"
    _description = "Return Visit"
    _order = "date desc, id desc"
    _rec_name = "enrollment_id"
    _check_company_auto = True

    # What was visited
    enrollment_id = fields.Many2one(
        "training.enrollment",
        string="Enrolment",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(related="enrollment_id.partner_id", store=True, index=True)
    course_id = fields.Many2one(related="enrollment_id.course_id", store=True, index=True)
    class_id = fields.Many2one(related="enrollment_id.class_id", store=True)
    consultant_id = fields.Many2one(
        related="enrollment_id.user_id", store=True, index=True, string="Consultant"
    )
    company_id = fields.Many2one(related="enrollment_id.company_id", store=True, index=True)

    # The visit
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )

    # Scores (1-5) on the five dimensions, and what the family said
    score_teaching = fields.Integer(string="Teaching", help="Teaching quality, 1 to 5.")
    score_teacher = fields.Integer(string="Teachers", help="The teachers, 1 to 5.")
    score_service = fields.Integer(string="Service", help="The school's service, 1 to 5.")
    score_course = fields.Integer(string="Course Design", help="The course's design, 1 to 5.")
    score_result = fields.Integer(string="Results", help="What the student gained, 1 to 5.")
    score_average = fields.Float(
        string="Average Score",
        compute="_compute_score_average",
        store=True,
        digits=(3, 2),
        aggregator="avg",
    )
    feedback = fields.Text(help="The family's words: praise, complaints, suggestions.")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends(*SCORE_FIELDS)
    def _compute_score_average(self):
        for visit in self:
            visit.score_average = sum(visit[fname] for fname in SCORE_FIELDS) / len(SCORE_FIELDS)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains(*SCORE_FIELDS)
    def _check_scores(self):
        for visit in self:
            if any(not 1 <= visit[fname] <= 5 for fname in SCORE_FIELDS):
                raise ValidationError(self.env._("Score each of the five dimensions from 1 to 5."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits._complete_return_visits()
        return visits

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _complete_return_visits(self):
        """The enrolments' Return Visit activities are done, with the family's
        words in their message. The activity belongs to whoever cares for the
        student; recording the visit is what completes it."""
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "training.enrollment"),
                    ("res_id", "in", self.enrollment_id.ids),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref("training_crm.mail_activity_type_return_visit").id,
                    ),
                ]
            )
        )
        for visit in self:
            activities.filtered(
                lambda activity, visit=visit: activity.res_id == visit.enrollment_id.id
            ).action_feedback(
                feedback=visit.feedback
                or self.env._("Average score: %(score)s", score=visit.score_average)
            )

from odoo import api, fields, models
from odoo.exceptions import ValidationError

SCORE_FIELDS = (
    "score_teaching",
    "score_teacher",
    "score_service",
    "score_course",
    "score_result",
)


LOW_SCORE = 2  # seed 004: a score this low in any dimension calls for a supervisor

ACTIVITY_TYPES = {
    "return_visit": "training_crm.mail_activity_type_return_visit",
    "survey": "training_crm.mail_activity_type_satisfaction_survey",
}


class TrainingSatisfaction(models.Model):
    """A family's satisfaction with a course, as a return visit (回访) or an
    on-demand survey records it: the seed's five dimensions scored 1 to 5 and
    what the family said. Saving one completes the enrolment's Return Visit
    (or Satisfaction Survey) activity; a low score goes to a supervisor."""

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
    adviser_id = fields.Many2one(
        related="enrollment_id.adviser_id", store=True, index=True, string="Class Adviser"
    )
    company_id = fields.Many2one(related="enrollment_id.company_id", store=True, index=True)

    # The visit
    kind = fields.Selection(
        [("return_visit", "Return Visit"), ("survey", "Survey")],
        required=True,
        default="return_visit",
        help="A return visit after a course, or a survey asked for at any time "
        "(how often depends on the family's value grade).",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )

    # Scores (1-5) on the five dimensions, and what the family said
    score_teaching = fields.Integer(
        string="Teaching", help="Teaching quality, 1 to 5.", aggregator="avg"
    )
    score_teacher = fields.Integer(
        string="Teachers", help="The teachers, 1 to 5.", aggregator="avg"
    )
    score_service = fields.Integer(
        string="Service", help="The school's service, 1 to 5.", aggregator="avg"
    )
    score_course = fields.Integer(
        string="Course Design", help="The course's design, 1 to 5.", aggregator="avg"
    )
    score_result = fields.Integer(
        string="Results", help="What the student gained, 1 to 5.", aggregator="avg"
    )
    score_average = fields.Float(
        string="Average Score",
        compute="_compute_score_average",
        store=True,
        digits=(3, 2),
        aggregator="avg",
    )
    low_score = fields.Boolean(
        compute="_compute_low_score",
        store=True,
        help="A score of 2 or less in any dimension: a supervisor follows it up.",
    )
    feedback = fields.Text(help="The family's words: praise, complaints, suggestions.")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends(*SCORE_FIELDS)
    def _compute_score_average(self):
        for visit in self:
            visit.score_average = sum(visit[fname] for fname in SCORE_FIELDS) / len(SCORE_FIELDS)

    @api.depends(*SCORE_FIELDS)
    def _compute_low_score(self):
        for visit in self:
            visit.low_score = any(visit[fname] <= LOW_SCORE for fname in SCORE_FIELDS)

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
        visits.filtered("low_score")._notify_low_score()
        return visits

    def write(self, vals):
        were_low = self.filtered("low_score")
        result = super().write(vals)
        (self.filtered("low_score") - were_low)._notify_low_score()
        return result

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _complete_return_visits(self):
        """The enrolments' Return Visit (or Satisfaction Survey) activities are
        done, with the family's words in their message. The activity belongs
        to whoever cares for the student; recording the visit completes it."""
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "training.enrollment"),
                    ("res_id", "in", self.enrollment_id.ids),
                    (
                        "activity_type_id",
                        "in",
                        [self.env.ref(xmlid).id for xmlid in ACTIVITY_TYPES.values()],
                    ),
                ]
            )
        )
        for visit in self:
            activity_type = self.env.ref(ACTIVITY_TYPES[visit.kind])
            activities.filtered(
                lambda activity, visit=visit, activity_type=activity_type: (
                    activity.res_id == visit.enrollment_id.id
                    and activity.activity_type_id == activity_type
                )
            ).action_feedback(
                feedback=visit.feedback
                or self.env._("Average score: %(score)s", score=visit.score_average)
            )

    def _notify_low_score(self):
        """Seed 004: a family scoring 2 or less anywhere is a supervisor's to
        call back: one activity on the enrolment per visit, for its team leader,
        else every supervisor, in their language, without e-mail."""
        if not self:
            return
        activity_type = self.env.ref("training_crm.mail_activity_type_low_satisfaction").sudo()
        model_id = self.env["ir.model"]._get_id("training.enrollment")
        Users = self.env["res.users"]
        values = []
        for visit in self.sudo():
            enrollment = visit.enrollment_id
            supervisors = enrollment.team_id.user_id or Users._get_training_supervisors_of(
                visit.company_id
            )
            low = [visit._fields[fname] for fname in SCORE_FIELDS if visit[fname] <= LOW_SCORE]
            for supervisor in supervisors:
                env = self.with_context(lang=supervisor.lang or self.env.lang).env
                values.append(
                    {
                        "activity_type_id": activity_type.id,
                        "summary": env._(
                            "Low score from %(student)s's family: %(dimensions)s",
                            student=enrollment.partner_id.name,
                            dimensions=", ".join(field._description_string(env) for field in low),
                        ),
                        "automated": True,
                        "date_deadline": fields.Date.context_today(self),
                        "res_model_id": model_id,
                        "res_id": enrollment.id,
                        "user_id": supervisor.id,
                    }
                )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            values
        )

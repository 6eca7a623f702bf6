from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class TrainingCrmGrade(models.Model):
    """Intent grade of a lead (客户分级): how soon the person is expected to
    decide, and therefore how closely a consultant must follow them up."""

    _name = "training.crm.grade"
    _description = "Lead Intent Grade"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        size=8,
        help="Short code shown on lead cards and used by integrations, e.g. S, A, B.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        string="Criteria",
        translate=True,
        help="What a consultant must have heard from the person to give this grade.",
    )
    decision_days = fields.Integer(
        string="Decision Window (days)",
        help="Within how many days a person of this grade is expected to decide; "
        "0 means no expectation.",
    )
    followup_gap_days = fields.Integer(
        string="Longest Follow-up Gap (days)",
        required=True,
        default=7,
        help="The next follow-up is scheduled at the latest this many days after the last one.",
    )
    protection_days = fields.Integer(
        string="Protection Period (days)",
        help="An owner who logs no follow-up for this many days loses the lead back "
        "to the team's pool; 0 means the lead is never released.",
    )
    enrol_days = fields.Integer(
        string="Enrol Within (days)",
        help="An owner who has not enrolled the person (won the lead) this many days after "
        "taking it (claim, first contact or assignment) loses it back to the team's pool; "
        "0 means no such limit.",
    )
    color = fields.Integer()
    lead_count = fields.Integer(compute="_compute_lead_count", string="Leads")

    _sql_constraints = [
        ("code_uniq", "unique (code)", "Another grade already uses this code."),
    ]

    @api.depends_context("uid")
    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("intent_grade_id", "in", self.ids)],
                ["intent_grade_id"],
                ["__count"],
            )
        )
        for grade in self:
            grade.lead_count = counts.get(grade, 0)

    @api.constrains("decision_days", "followup_gap_days", "protection_days", "enrol_days")
    def _check_days(self):
        for grade in self:
            if grade.followup_gap_days < 1:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s: the longest gap between follow-ups must be "
                        "at least one day.",
                        grade=grade.display_name,
                    )
                )
            if grade.decision_days < 0 or grade.protection_days < 0 or grade.enrol_days < 0:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s: the decision window, the protection period and "
                        "the enrolment limit cannot be negative.",
                        grade=grade.display_name,
                    )
                )

    @api.constrains("code")
    def _check_code(self):
        for grade in self:
            if not grade.code.isalnum():
                raise ValidationError(
                    self.env._(
                        "Grade code %(code)r may only contain letters and digits.",
                        code=grade.code,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count([("intent_grade_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._("Leads are graded with this grade: archive it instead of deleting it.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_code(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_code(vals)
        return super().write(vals)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = f"{grade.code} · {grade.name}" if grade.code else grade.name

    @api.model
    def _normalize_code(self, vals):
        """Codes are compared by integrations and humans alike: ' a' is A."""
        if vals.get("code"):
            vals["code"] = vals["code"].strip().upper()

    @api.model
    def _get_top_grade(self):
        """The first active grade (S as shipped): the leads closest to enrolling,
        which a consultant sees every day whatever their follow-up date."""
        return self.search([], limit=1)

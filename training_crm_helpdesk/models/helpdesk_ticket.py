# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

# Steps a complaint reopens from, and those it goes back to when reopened.
DONE_STEPS = ("resolved", "closed")
OPEN_STEPS = ("new", "contacted", "plan")

INVESTIGATION_GROUPS = (
    "training_crm_helpdesk.group_customer_service,"
    "training_crm.group_supervisor,"
    "training_crm.group_auditor"
)
# The least priority of a complaint from a family of value grade A (High).
VALUE_A_PRIORITY = "2"


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["training.crm.mail.mixin", "helpdesk.ticket"]

    # ------------------------------------------------------------
    # Fields: who the complaint is about
    # ------------------------------------------------------------
    training_enrollment_id = fields.Many2one(
        "training.enrollment",
        string="Enrolment",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
    )
    training_student_id = fields.Many2one(
        "res.partner",
        string="Student",
        compute="_compute_training_student_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
    )
    training_consultant_id = fields.Many2one(
        "res.users",
        string="Consultant Concerned",
        compute="_compute_training_consultant_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The consultant the complaint is about: they see the complaint and its "
        "resolution, not the investigation.",
    )
    training_complaint = fields.Boolean(related="team_id.training_complaint")
    training_step = fields.Selection(related="stage_id.training_step")

    # ------------------------------------------------------------
    # Fields: investigation (customer service, supervisors, auditors)
    # ------------------------------------------------------------
    training_cause = fields.Text(string="Cause", groups=INVESTIGATION_GROUPS, tracking=True)
    training_responsible_id = fields.Many2one(
        "res.users",
        string="Responsible Person",
        groups=INVESTIGATION_GROUPS,
        tracking=True,
        domain="[('share', '=', False)]",
    )

    # ------------------------------------------------------------
    # Fields: resolution
    # ------------------------------------------------------------
    training_resolution_plan = fields.Text(string="Resolution Plan", tracking=True)
    training_informed_date = fields.Datetime(
        string="Family Informed",
        tracking=True,
        copy=False,
        help="When the family was last told how their complaint stands: set by a message "
        "to them in the chatter, or by the Family Informed button after a call. A complaint "
        "is closed only once the family knows its result.",
    )
    training_reopen_count = fields.Integer(
        string="Times Reopened",
        readonly=True,
        copy=False,
        tracking=True,
        help="How many times the complaint went back from Resolved or Closed to an "
        "earlier step: the family was not satisfied with the resolution.",
    )

    @api.depends("training_enrollment_id")
    def _compute_training_student_id(self):
        for ticket in self:
            if ticket.training_enrollment_id:
                ticket.training_student_id = ticket.training_enrollment_id.partner_id

    @api.depends("training_enrollment_id")
    def _compute_training_consultant_id(self):
        for ticket in self:
            if ticket.training_enrollment_id:
                ticket.training_consultant_id = ticket.training_enrollment_id.user_id

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._set_training_value_priority(vals_list)
        return super().create(vals_list)

    @api.model
    def _set_training_value_priority(self, vals_list):
        """Complaints of A families (seed 004: VIP service) are handled first:
        asked at a lower priority, they get High. The family is the student's
        (given or the enrolment's) or the customer's; one query for the batch."""
        enrollments = (
            self.env["training.enrollment"]
            .sudo()
            .browse(
                [
                    vals["training_enrollment_id"]
                    for vals in vals_list
                    if vals.get("training_enrollment_id")
                ]
            )
        )
        student_of = {enrollment.id: enrollment.partner_id.id for enrollment in enrollments}
        families = [
            (
                vals.get("training_student_id")
                or student_of.get(vals.get("training_enrollment_id")),
                vals.get("partner_id"),
            )
            for vals in vals_list
        ]
        partner_ids = {pid for family in families for pid in family if pid}
        if not partner_ids:
            return
        grades = (
            self.env["res.partner"].sudo().browse(partner_ids)._get_training_family_value_grades()
        )
        for vals, family in zip(vals_list, families, strict=True):
            if "A" in (grades.get(pid) for pid in family if pid):
                asked = vals.get("priority") or self.default_get(["priority"]).get("priority")
                vals["priority"] = max(asked or "0", VALUE_A_PRIORITY)

    def write(self, vals):
        if "training_reopen_count" in vals and not (
            self.env.su or self.env.context.get("training_reopen_counting")
        ):
            raise UserError(self.env._("Reopenings are counted by the system, not entered."))
        reopened = self.browse()
        if vals.get("stage_id"):
            self._check_training_step(vals)
            reopened = self._get_training_reopened(vals)
        result = super().write(vals)
        if reopened:
            reopened._count_training_reopening()
        if "stage_id" in vals:
            self._close_training_sla_warnings()
        return result

    def _check_training_step(self, vals):
        """A complaint keeps to its team's stages (its service levels count
        them in order), is resolved only with a plan, and closed only once
        resolved: checked before anything is written."""
        stage = self._get_training_new_stage(vals)
        new_team = self.env["helpdesk.ticket.team"].browse(vals.get("team_id"))
        for ticket in self:
            team = new_team if "team_id" in vals else ticket.team_id
            if team.training_complaint and team not in stage.team_ids:
                raise UserError(
                    self.env._(
                        "A complaint moves through the stages of its team only: "
                        "'%(stage)s' is not one of them.",
                        stage=stage.name,
                    )
                )
        step = stage.training_step
        if step not in ("plan", "resolved", "closed"):
            return
        for ticket in self:
            plan = vals.get("training_resolution_plan", ticket.training_resolution_plan)
            if step in ("plan", "resolved") and not (plan or "").strip():
                raise UserError(
                    self.env._(
                        "Write the resolution plan before moving the complaint to '%(stage)s'.",
                        stage=stage.name,
                    )
                )
            if step == "closed" and ticket.stage_id.training_step not in ("resolved", "closed"):
                raise UserError(
                    self.env._("Only a resolved complaint can be closed: resolve it first.")
                )
            informed = vals.get("training_informed_date", ticket.training_informed_date)
            if step == "closed" and not informed:
                raise UserError(
                    self.env._(
                        "Tell the family how their complaint was resolved before closing it "
                        "(a message to them, or Family Informed after a call)."
                    )
                )

    def _get_training_new_stage(self, vals):
        """The stage `vals` moves to, fetched together with the current stages
        of the complaints (one query for both checks before the write)."""
        stage_ids = {vals["stage_id"], *self.stage_id.ids}
        return self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).with_prefetch(stage_ids)

    def _get_training_reopened(self, vals):
        """The complaints `vals` moves back from Resolved or Closed to an
        earlier step, read before the write."""
        step = self._get_training_new_stage(vals).training_step
        if step not in OPEN_STEPS:
            return self.browse()
        return self.filtered(lambda ticket: ticket.stage_id.training_step in DONE_STEPS)

    def _count_training_reopening(self):
        """One more reopening on each complaint: one write per distinct count
        (usually one), so that the counter is tracked in the chatter."""
        by_count = defaultdict(lambda: self.browse())
        for ticket in self:
            by_count[ticket.training_reopen_count] |= ticket
        for count, tickets in by_count.items():
            tickets.with_context(training_reopen_counting=True).write(
                {"training_reopen_count": count + 1}
            )

    # ------------------------------------------------------------
    # BUSINESS: service levels
    # ------------------------------------------------------------

    def _get_training_supervisors(self):
        """Who supervises a complaint: the Complaints team's leader, else the
        leader of the sales team of the consultant concerned, else every
        supervisor of the company."""
        self.ensure_one()
        leader = self.team_id.user_id or self.training_consultant_id.sale_team_id.user_id
        return leader or self.env["res.users"]._get_training_supervisors_of(self.company_id)

    def _close_training_sla_warnings(self):
        """A warning is done once the complaint no longer has a warned service
        level running (its step reached, or past and expired)."""
        settled = self.filtered(
            lambda ticket: (
                not ticket.ticket_sla_ids.filtered(
                    lambda line: line.training_warned and line.state == "in_progress"
                )
            )
        )
        if settled:
            settled.sudo().activity_feedback(
                ["training_crm_helpdesk.mail_activity_type_complaint_sla"]
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------
    def action_training_family_informed(self):
        """After a call or a visit: the family was told how the complaint stands."""
        self.check_access("write")
        self.write({"training_informed_date": fields.Datetime.now()})
        return True

    def _message_post_after_hook(self, message, msg_vals):
        """A message that reaches the complaint's contact (an addressee, or a
        follower of public messages; not an internal note) informs the family."""
        result = super()._message_post_after_hook(message, msg_vals)
        partner = self.partner_id
        if partner and self.training_complaint and msg_vals.get("message_type") == "comment":
            informed = partner.id in (msg_vals.get("partner_ids") or [])
            if not informed and msg_vals.get("subtype_id") == self.env.ref("mail.mt_comment").id:
                informed = partner in self.sudo().message_partner_ids
            if informed:
                self.sudo().training_informed_date = message.date or fields.Datetime.now()
        return result

    @api.model
    def _training_complaint_action(self, defaults):
        """The new-complaint form on the Complaints team, for those who may create one."""
        self.browse().check_access("create")
        team = self.env.ref("training_crm_helpdesk.helpdesk_team_complaints", False)
        context = dict(self.env.context, **defaults)
        if team:
            context["default_team_id"] = team.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Complaint"),
            "res_model": "helpdesk.ticket",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError


class TrainingEnrollmentEditor(models.TransientModel):
    """Name the students of a confirmed order (as event_sale's registration
    editor): one row per enrolment, the customer until changed. An order
    confirmed without it (RPC, portal) keeps the customer as the student."""

    _name = "training.enrollment.editor"
    _description = "Name the Students of an Order"

    sale_order_id = fields.Many2one(
        "sale.order", string="Sales Order", required=True, ondelete="cascade"
    )
    line_ids = fields.One2many("training.enrollment.editor.line", "editor_id", string="Students")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        order = self.env["sale.order"].browse(
            res.get("sale_order_id") or self.env.context.get("active_id")
        )
        if not order or "line_ids" not in fields_list:
            return res
        order.check_access("read")
        # The order's enrolments, which a salesperson may not read one by one.
        enrollments = (
            self.env["training.enrollment"]
            .sudo()
            .search(
                [("sale_order_id", "=", order.id), ("state", "!=", "cancelled")],
                order="sale_line_id, id",
            )
        )
        res["sale_order_id"] = order.id
        res["line_ids"] = [
            fields.Command.create(
                {"enrollment_id": enrollment.id, "partner_id": enrollment.partner_id.id}
            )
            for enrollment in enrollments
        ]
        return res

    def action_apply(self):
        """Set each enrolment's student, for an order the user may change."""
        self.ensure_one()
        order = self.sale_order_id
        order.check_access("write")
        enrollments = self.line_ids.enrollment_id.sudo()
        if enrollments.sale_order_id != order or any(
            enrollment.state == "cancelled" for enrollment in enrollments
        ):
            raise UserError(self.env._("Only the enrolments of this order can be changed here."))
        by_student = defaultdict(lambda: self.env["training.enrollment"].sudo())
        for line in self.line_ids:
            if line.partner_id != line.enrollment_id.partner_id:
                by_student[line.partner_id] |= line.enrollment_id
        for student, student_enrollments in by_student.items():
            student_enrollments.write({"partner_id": student.id})
        return {"type": "ir.actions.act_window_close"}


class TrainingEnrollmentEditorLine(models.TransientModel):
    _name = "training.enrollment.editor.line"
    _description = "Student of an Order Line"

    editor_id = fields.Many2one(
        "training.enrollment.editor", string="Dialog", required=True, ondelete="cascade"
    )
    enrollment_id = fields.Many2one(
        "training.enrollment", string="Enrolment", required=True, ondelete="cascade"
    )
    course_id = fields.Many2one("training.course", compute="_compute_enrollment_info")
    class_id = fields.Many2one("training.class", compute="_compute_enrollment_info")
    partner_id = fields.Many2one("res.partner", string="Student", required=True)

    @api.depends("enrollment_id")
    def _compute_enrollment_info(self):
        # The enrolment may be one the user cannot read (a salesperson's order).
        for line in self:
            enrollment = line.enrollment_id.sudo()
            line.course_id = enrollment.course_id
            line.class_id = enrollment.class_id

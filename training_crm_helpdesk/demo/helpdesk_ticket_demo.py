# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

# (student, category, subject, description, step reached, plan)
DEMO_COMPLAINTS = (
    (
        "孙浩然",
        "helpdesk_category_teachers",
        "老师连续三次迟到",
        "家长反映周六上午的 Scratch 课老师连续三次迟到十多分钟。",
        "new",
        "",
    ),
    (
        "周子涵",
        "helpdesk_category_schedule",
        "调课通知太晚",
        "上周调课只提前一天通知, 家长来不及安排接送。",
        "contacted",
        "",
    ),
    (
        "吴思远",
        "helpdesk_category_facilities",
        "教室空调不制冷",
        "302 教室空调不制冷, 孩子上课很热。",
        "plan",
        "今天联系物业维修; 维修期间改到 301 教室上课, 由班主任通知家长。",
    ),
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _training_create_demo_complaints(self):
        """Demo complaints, made the way customer service makes them: one
        received three days ago and not yet handled (its service levels
        missed), one contacted, one with a plan. Made once."""
        ref = self.env.ref
        team = ref("training_crm_helpdesk.helpdesk_team_complaints")
        if self.search_count([("team_id", "=", team.id)], limit=1):
            return
        agent = ref("training_crm_helpdesk.user_customer_service_zhou")
        Enrollment = self.env["training.enrollment"]
        stages = {
            step: ref(f"training_crm_helpdesk.helpdesk_stage_complaint_{step}")
            for step in ("contacted", "plan")
        }
        Ticket = self.with_user(agent)
        for index, (student, category, subject, description, step, plan) in enumerate(
            DEMO_COMPLAINTS, 1
        ):
            enrollment = Enrollment.search([("partner_id.name", "=", student)], limit=1)
            complaint = Ticket.create(
                {
                    "name": subject,
                    "description": f"<p>{description}</p>",
                    "team_id": team.id,
                    "user_id": agent.id,
                    "category_id": ref(f"training_crm_helpdesk.{category}").id,
                    "partner_id": enrollment.partner_id.id,
                    "training_enrollment_id": enrollment.id,
                }
            )
            # Demo records of this module: uninstalling it removes them.
            self.env["ir.model.data"]._update_xmlids(
                [
                    {
                        "xml_id": f"training_crm_helpdesk.demo_complaint_{index}",
                        "record": complaint,
                        "noupdate": True,
                    }
                ]
            )
            if step == "new":
                complaint._training_demo_received(fields.Datetime.now() - timedelta(days=3))
            else:
                complaint.write({"stage_id": stages[step].id, "training_resolution_plan": plan})

    def _training_demo_received(self, when):
        """Back-date a demo complaint: received at `when`, its service levels
        counted from then."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id IN %s", (when, tuple(self.ids))
        )
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_sla SET last_state_date = %s WHERE ticket_id IN %s",
            (when, tuple(self.ids)),
        )
        self.env.invalidate_all()
        self.ticket_sla_ids._compute_deadline()
        self.env.flush_all()

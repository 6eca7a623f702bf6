from datetime import datetime, time, timedelta

from odoo import api, fields, models

# Students of the running demo class: name, and what their attendance was in
# the four weekly sessions so far (p present, a absent, e excused, m make-up).
DEMO_STUDENTS = (
    ("孙浩然", "pppp"),
    ("周子涵", "ppea"),
    ("吴思远", "pmpp"),
)


class TrainingSession(models.Model):
    _inherit = "training.session"

    @api.model
    def _training_create_demo_study(self):
        """Demo data of studying, made through the steps staff take: the
        supervisor enters the enrolments, the class adviser takes attendance
        weekly, logs a check-in, suspends one student and transfers another.
        Made once: not again while the running demo class has enrolments."""
        ref = self.env.ref
        training_class = ref("training_crm.class_scratch_running")
        Enrollment = self.env["training.enrollment"]
        if Enrollment.search_count([("class_id", "=", training_class.id)], limit=1):
            return
        adviser = ref("training_crm.user_adviser_chen")
        consultant = ref("training_crm.user_consultant_wang")
        today = fields.Date.context_today(self)
        students = self.env["res.partner"].create(
            [{"name": name, "country_id": ref("base.cn").id} for name, _marks in DEMO_STUDENTS]
        )
        enrollments = Enrollment.create(
            [
                {
                    "partner_id": student.id,
                    "course_id": training_class.course_id.id,
                    "class_id": training_class.id,
                    "hours": training_class.course_id.lesson_hours,
                    "amount": training_class.course_id.list_price,
                    "user_id": consultant.id,
                    "team_id": ref("training_crm.team_beijing").id,
                    "state": "studying",
                }
                for student in students
            ]
        )
        states = {"p": "present", "a": "absent", "e": "excused", "m": "makeup"}
        Session = self.env["training.session"].with_user(adviser)
        for week in range(4):
            day = training_class.date_start + timedelta(days=7 * week)
            session = Session.create(
                {
                    "class_id": training_class.id,
                    "date": datetime.combine(day, time(1, 0)),  # 09:00 in Shanghai
                    "hours": 2,
                }
            )
            for attendance in session.attendance_ids:
                marks = DEMO_STUDENTS[enrollments.ids.index(attendance.enrollment_id.id)][1]
                attendance.state = states[marks[week]]
            session.action_confirm()
        Session.create(
            {
                "class_id": training_class.id,
                "date": datetime.combine(today + timedelta(days=1), time(1, 0)),
                "hours": 2,
            }
        )
        Checkin = self.env["training.enrollment.checkin"].with_user(adviser)
        Checkin.create(
            {
                "enrollment_id": enrollments[0].id,
                "date": today - timedelta(days=2),
                "attendance": "regular",
                "performance": "good",
                "progress": "ahead",
                "note": "老师反馈课堂积极 作品完成度高 - 已向家长转达并鼓励继续保持",
            }
        )
        Wizard = self.env["training.enrollment.change.wizard"].with_user(adviser)
        Wizard.create(
            {
                "enrollment_id": enrollments[1].id,
                "change_type": "suspension",
                "date": today - timedelta(days=5),
                "reason": "学生生病住院 - 家长申请停课",
            }
        ).action_apply()
        Wizard.create(
            {
                "enrollment_id": enrollments[2].id,
                "change_type": "class_transfer",
                "class_id": ref("training_crm.class_scratch_1").id,
                "reason": "周六上午与学校活动冲突 - 家长申请转到周末 1 班",
            }
        ).action_apply()

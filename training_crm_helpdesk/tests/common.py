# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import new_test_user

SHANGHAI = timedelta(hours=8)  # no daylight saving time in China


@contextmanager
def school_time(env, local):
    """Run at a school-local time (Asia/Shanghai): the clock and the
    transaction's NOW, which stamps create_date, both move."""
    utc = local - SHANGHAI
    with freeze_time(utc), patch.object(env.cr, "now", lambda: utc):
        yield


def setup_complaints(cls, prefix):
    """Staff per role (none with an e-mail address), two students each with a
    consultant's enrolment, and the shipped Complaints team."""
    roles = {
        "con": "training_crm.group_consultant",
        "con_2": "training_crm.group_consultant",
        "sup": "training_crm.group_supervisor",
        "aud": "training_crm.group_auditor",
        "cs": "training_crm_helpdesk.group_customer_service",
    }
    cls.users = {
        role: new_test_user(
            cls.env,
            login=f"{prefix}_{role}",
            password=f"{prefix}_{role}_pw",
            groups=group,
            email=False,
        )
        for role, group in roles.items()
    }
    cls.team = cls.env.ref("training_crm_helpdesk.helpdesk_team_complaints")
    cls.stages = {
        step: cls.env.ref(f"training_crm_helpdesk.helpdesk_stage_complaint_{step}")
        for step in ("new", "contacted", "plan", "resolved", "closed")
    }
    course = cls.env["training.course"].create(
        {"name": "Scratch Coding", "lesson_hours": 48, "list_price": 6000}
    )
    training_class = cls.env["training.class"].create(
        {
            "name": "Scratch Autumn",
            "course_id": course.id,
            "date_start": date(2025, 9, 1),
            "date_end": date(2025, 12, 20),
        }
    )
    cls.lele, cls.xixi = cls.env["res.partner"].create(
        [{"name": "Zhang Lele"}, {"name": "Li Xixi"}]
    )
    common = {"course_id": course.id, "class_id": training_class.id}
    cls.enrollment = cls.env["training.enrollment"].create(
        dict(common, partner_id=cls.lele.id, user_id=cls.users["con"].id)
    )
    cls.enrollment_2 = cls.env["training.enrollment"].create(
        dict(common, partner_id=cls.xixi.id, user_id=cls.users["con_2"].id)
    )

import threading
import uuid
from datetime import date, datetime

from psycopg2.errors import SerializationFailure

from odoo import Command, api
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestAttendanceConcurrency(BaseCase):
    """Two staff take attendance for the same student at the same moment,
    each session fitting in the hours left but not both: one consumes, the
    other fails to serialise and, retried as Odoo retries RPC calls, is told
    the hours are not enough.

    Real transactions on real cursors: the fixture is committed and removed
    again at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            group = env.ref("training_crm.group_adviser")
            cls.user_ids = [
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": f"Adviser Racer {n}",
                        "login": f"tc_adv_racer_{n}_{uuid.uuid4().hex[:8]}",
                        "groups_id": [Command.set(group.ids)],
                    }
                )
                .id
                for n in (1, 2)
            ]
            course = env["training.course"].create({"name": "Race Course", "lesson_hours": 4})
            training_class = env["training.class"].create(
                {
                    "name": "Race Class",
                    "course_id": course.id,
                    "date_start": date(2026, 3, 1),
                    "date_end": date(2026, 6, 30),
                }
            )
            student = env["res.partner"].create({"name": "Race Student"})
            enrollment = env["training.enrollment"].create(
                {
                    "partner_id": student.id,
                    "course_id": course.id,
                    "class_id": training_class.id,
                    "hours": 4,
                    "adviser_id": cls.user_ids[0],
                }
            )
            sessions = env["training.session"].create(
                [
                    {
                        "class_id": training_class.id,
                        "date": datetime(2026, 3, day, 10, 0),
                        "hours": 3,
                        "teacher_id": uid,
                    }
                    for day, uid in zip((2, 3), cls.user_ids, strict=True)
                ]
            )
            cls.course_id, cls.class_id = course.id, training_class.id
            cls.student_id, cls.enrollment_id = student.id, enrollment.id
            cls.session_ids = sessions.ids
            cls.product_tmpl_id = course.product_id.product_tmpl_id.id
            cr.commit()  # pylint: disable=invalid-commit

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["training.session"].browse(cls.session_ids).unlink()
            env["training.enrollment"].browse(cls.enrollment_id).unlink()
            env["training.class"].browse(cls.class_id).unlink()
            env["training.course"].browse(cls.course_id).unlink()
            env["product.template"].browse(cls.product_tmpl_id).unlink()
            env["res.partner"].browse(cls.student_id).unlink()
            env["res.users"].browse(cls.user_ids).write({"active": False})
            cr.commit()  # pylint: disable=invalid-commit
        super().tearDownClass()

    def test_simultaneous_attendance_consumes_once(self):
        barrier = threading.Barrier(2)
        results = {}

        def take(uid, session_id):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                session = env["training.session"].browse(session_id)
                cr.execute("SELECT 1")  # take the transaction's snapshot before the race
                barrier.wait(timeout=10)
                try:
                    session.action_confirm()
                    cr.commit()  # pylint: disable=invalid-commit
                    results[uid] = "taken"
                except (ValidationError, SerializationFailure) as error:
                    cr.rollback()
                    results[uid] = type(error).__name__

        threads = [
            threading.Thread(target=take, args=args)
            for args in zip(self.user_ids, self.session_ids, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(results.values()).count("taken"), 1, results)
        loser = next(uid for uid, result in results.items() if result != "taken")

        # Retried (as Odoo retries a request that failed to serialise): refused.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, loser, {})
            session = env["training.session"].browse(self.session_ids[self.user_ids.index(loser)])
            with self.assertRaisesRegex(ValidationError, "Not enough lesson hours"):
                session.action_confirm()
            cr.rollback()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT hours_consumed FROM training_enrollment WHERE id = %s", [self.enrollment_id]
            )
            self.assertEqual(cr.fetchone()[0], 3)

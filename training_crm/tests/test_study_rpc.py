from datetime import date

from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestStudyJsonRpc(JsonRpcMixin):
    """Studying over the web client's JSON-RPC, per role: the class adviser
    (no consultant) takes attendance and cares for their students only, sees
    their contacts and no lead; the consultant who sold reads; supervisors
    change anything; auditors read only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "study_rpc_adv": "training_crm.group_adviser",
            "study_rpc_adv_2": "training_crm.group_adviser",
            "study_rpc_con": "training_crm.group_consultant",
            "study_rpc_sup": "training_crm.group_supervisor",
            "study_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(
                cls.env, login=login, password=f"{login}_pw", groups=group, email=False
            )
            for login, group in roles.items()
        }
        cls.course = cls.env["training.course"].create(
            {"name": "Scratch Coding", "lesson_hours": 4, "list_price": 6000}
        )
        cls.training_class, cls.full_class = cls.env["training.class"].create(
            [
                {
                    "name": name,
                    "course_id": cls.course.id,
                    "date_start": date(2026, 3, 1),
                    "date_end": date(2026, 6, 30),
                    "seats": seats,
                    "adviser_id": cls.users[adviser].id,
                }
                for name, seats, adviser in (
                    ("Scratch Spring 1", 5, "study_rpc_adv"),
                    ("Scratch Spring 2", 1, "study_rpc_adv_2"),
                )
            ]
        )
        cls.customer = cls.env["res.partner"].create({"name": "Parent Zhang"})
        cls.env["crm.lead"].create(
            {
                "name": "Scratch for Lele",
                "partner_id": cls.customer.id,
                "user_id": cls.users["study_rpc_con"].id,
            }
        )
        cls.child_1, cls.child_2, cls.child_3 = cls.env["res.partner"].create(
            [{"name": "Zhang Lele"}, {"name": "Zhang Xixi"}, {"name": "Wang Fang"}]
        )
        Enrollment = cls.env["training.enrollment"]
        common = {
            "course_id": cls.course.id,
            "class_id": cls.training_class.id,
            "hours": 4,
            "user_id": cls.users["study_rpc_con"].id,
        }
        cls.enrollment_1 = Enrollment.create(dict(common, partner_id=cls.child_1.id))
        cls.enrollment_2 = Enrollment.create(dict(common, partner_id=cls.child_2.id))
        cls.enrollment_3 = Enrollment.create(
            dict(common, partner_id=cls.child_3.id, class_id=cls.full_class.id, user_id=False)
        )
        cls.mine = cls.enrollment_1 | cls.enrollment_2

    def _ids(self, model, records):
        rows = self._call(model, "search_read", [("id", "in", records.ids)], ["id"])
        return {row["id"] for row in rows}

    def test_adviser_takes_attendance(self):
        self.authenticate("study_rpc_adv", "study_rpc_adv_pw")
        everyone = self.mine | self.enrollment_3
        self.assertEqual(self._ids("training.enrollment", everyone), set(self.mine.ids))
        # Their students' contacts, not the lead's customer nor another's student.
        children = self.child_1 | self.child_2 | self.child_3 | self.customer
        self.assertEqual(self._ids("res.partner", children), set((self.child_1 | self.child_2).ids))
        error = self._call_error("res.partner", "read", self.child_3.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("Wang", error["message"])
        # No lead at all.
        error = self._call_error("crm.lead", "search_read", [], ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

        # Take attendance: the roster comes from the class.
        session_id = self._call(
            "training.session",
            "create",
            {"class_id": self.training_class.id, "date": "2026-03-02 10:00:00", "hours": 3},
        )
        lines = self._call(
            "training.attendance",
            "search_read",
            [("session_id", "=", session_id)],
            ["enrollment_id", "state"],
        )
        self.assertEqual({line["enrollment_id"][0] for line in lines}, set(self.mine.ids))
        excused = next(
            line["id"] for line in lines if line["enrollment_id"][0] == self.enrollment_2.id
        )
        self._call("training.attendance", "write", [excused], {"state": "excused"})
        self._call("training.session", "action_confirm", [session_id])
        self.assertEqual(self.enrollment_1.hours_remaining, 1)
        self.assertEqual(self.enrollment_2.hours_remaining, 4)

        # Past the hours bought: refused, nothing written.
        second_id = self._call(
            "training.session",
            "create",
            {"class_id": self.training_class.id, "date": "2026-03-03 10:00:00", "hours": 2},
        )
        error = self._call_error("training.session", "action_confirm", [second_id])
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn("Not enough lesson hours: Zhang Lele", error["message"])
        second = self.env["training.session"].browse(second_id)
        self.assertEqual(second.state, "draft")
        self.env.invalidate_all()
        self.assertEqual(self.enrollment_1.hours_remaining, 1)

        # A check-in for their student, none for another adviser's.
        self._call(
            "training.enrollment.checkin",
            "create",
            {"enrollment_id": self.enrollment_1.id, "progress": "on_track", "note": "Keen"},
        )
        error = self._call_error(
            "training.enrollment.checkin", "create", {"enrollment_id": self.enrollment_3.id}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        # Writing the enrolment directly is not theirs: only through the dialog.
        error = self._call_error("training.enrollment", "write", self.mine.ids, {"hours": 40})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

        # Suspension through the dialog, recorded as history.
        wizard_id = self._call(
            "training.enrollment.change.wizard",
            "create",
            {"enrollment_id": self.enrollment_2.id, "change_type": "suspension", "reason": "Ill"},
        )
        self._call("training.enrollment.change.wizard", "action_apply", [wizard_id])
        self.assertTrue(self.enrollment_2.suspended)
        self.assertEqual(self.enrollment_2.change_ids.user_id, self.users["study_rpc_adv"])

        # Another adviser's student: no change.
        wizard_id = self._call(
            "training.enrollment.change.wizard",
            "create",
            {"enrollment_id": self.enrollment_3.id, "change_type": "suspension"},
        )
        error = self._call_error("training.enrollment.change.wizard", "action_apply", [wizard_id])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.enrollment_3.suspended)

    def test_consultant_reads_their_students(self):
        session = self.env["training.session"].create(
            {"class_id": self.training_class.id, "date": "2026-03-02 10:00:00", "hours": 1}
        )
        session.action_confirm()
        self.authenticate("study_rpc_con", "study_rpc_con_pw")
        self.assertEqual(self._ids("training.session", session), set(session.ids))
        self.assertEqual(
            self._ids("training.attendance", session.attendance_ids),
            set(session.attendance_ids.ids),
        )
        rows = self._call("res.partner", "read", self.child_1.ids, ["training_hours_remaining"])
        self.assertEqual(rows[0]["training_hours_remaining"], 3)
        error = self._call_error(
            "training.attendance", "write", session.attendance_ids.ids, {"state": "excused"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "training.session", "create", {"class_id": self.training_class.id, "hours": 1}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self._ids("training.enrollment", self.enrollment_3), set())

    def test_supervisor_transfer_to_full_class_refused(self):
        self.authenticate("study_rpc_sup", "study_rpc_sup_pw")
        self.assertEqual(
            self._ids("training.enrollment", self.mine | self.enrollment_3),
            set((self.mine | self.enrollment_3).ids),
        )
        wizard_id = self._call(
            "training.enrollment.change.wizard",
            "create",
            {
                "enrollment_id": self.enrollment_1.id,
                "change_type": "class_transfer",
                "class_id": self.full_class.id,
            },
        )
        error = self._call_error("training.enrollment.change.wizard", "action_apply", [wizard_id])
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("is full", error["message"])
        self.assertEqual(self.enrollment_1.class_id, self.training_class)
        self.assertFalse(self.enrollment_1.change_ids)

    def test_auditor_reads_only(self):
        session = self.env["training.session"].create(
            {"class_id": self.training_class.id, "date": "2026-03-02 10:00:00", "hours": 1}
        )
        self.authenticate("study_rpc_aud", "study_rpc_aud_pw")
        self.assertEqual(self._ids("training.session", session), set(session.ids))
        for model, method, args in (
            ("training.session", "action_confirm", [session.ids]),
            ("training.attendance", "write", [session.attendance_ids.ids, {"state": "absent"}]),
            ("training.enrollment.checkin", "create", [{"enrollment_id": self.enrollment_1.id}]),
            (
                "training.enrollment.change.wizard",
                "create",
                [{"enrollment_id": self.enrollment_1.id, "change_type": "suspension"}],
            ),
        ):
            error = self._call_error(model, method, *args)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", (model, method))
        self.assertEqual(session.state, "draft")

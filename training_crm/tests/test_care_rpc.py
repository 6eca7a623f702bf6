from datetime import date

from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin

SCORES = {
    "score_teaching": 5,
    "score_teacher": 4,
    "score_service": 4,
    "score_course": 5,
    "score_result": 3,
}


@tagged("post_install", "-at_install")
class TestCareJsonRpc(JsonRpcMixin):
    """Return visits over the web client's JSON-RPC, per role (staff without
    e-mail): the class adviser and the consultant who sold record and read
    their students' visits only; supervisors read all; auditors read, never
    write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "care_rpc_adv": "training_crm.group_adviser",
            "care_rpc_con": "training_crm.group_consultant",
            "care_rpc_con_2": "training_crm.group_consultant",
            "care_rpc_sup": "training_crm.group_supervisor",
            "care_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(
                cls.env, login=login, password=f"{login}_pw", groups=group, email=False
            )
            for login, group in roles.items()
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
                "adviser_id": cls.users["care_rpc_adv"].id,
            }
        )
        lele, xixi = cls.env["res.partner"].create([{"name": "Zhang Lele"}, {"name": "Li Xixi"}])
        common = {"course_id": course.id, "class_id": training_class.id, "state": "graduated"}
        cls.mine = cls.env["training.enrollment"].create(
            dict(common, partner_id=lele.id, user_id=cls.users["care_rpc_con"].id)
        )
        cls.theirs = cls.env["training.enrollment"].create(
            dict(common, partner_id=xixi.id, user_id=cls.users["care_rpc_con_2"].id)
        )
        cls.theirs.adviser_id = cls.users["care_rpc_sup"]
        cls.visit_theirs = cls.env["training.satisfaction"].create(
            dict(SCORES, enrollment_id=cls.theirs.id)
        )

    def _visits(self):
        rows = self._call("training.satisfaction", "search_read", [], ["enrollment_id"])
        return {row["enrollment_id"][0] for row in rows}

    def test_adviser_and_consultant_record_their_students(self):
        for login in ("care_rpc_adv", "care_rpc_con"):
            self.authenticate(login, f"{login}_pw")
            visit_id = self._call(
                "training.satisfaction", "create", [dict(SCORES, enrollment_id=self.mine.id)]
            )[0]
            self.assertEqual(self._visits(), {self.mine.id}, login)
            error = self._call_error(
                "training.satisfaction", "create", [dict(SCORES, enrollment_id=self.theirs.id)]
            )
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", login)
            self.assertNotIn("Li Xixi", error["message"], "the other student is not named")
            self.env["training.satisfaction"].browse(visit_id).unlink()

    def test_supervisor_and_auditor(self):
        self.env["training.satisfaction"].create(dict(SCORES, enrollment_id=self.mine.id))
        for login in ("care_rpc_sup", "care_rpc_aud"):
            self.authenticate(login, f"{login}_pw")
            self.assertEqual(self._visits(), {self.mine.id, self.theirs.id}, login)
        error = self._call_error(
            "training.satisfaction", "write", [self.visit_theirs.id], {"score_result": 1}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.visit_theirs.score_result, 3)

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import create_staff


@tagged("post_install", "-at_install")
class TestEnrollmentCredit(TransactionCase):
    """Split credit (分单): a supervisor shares an enrolment's credit between its
    consultant and the colleague who booked the trial; shares add up to 100%,
    every change is traced in the enrolment's chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = create_staff(cls.env, "cr", roles=("con", "con_2", "con_3", "sup", "aud"))
        course = cls.env["training.course"].create(
            {
                "name": "Maths 1-to-1",
                "teaching_mode": "one_to_one",
                "lesson_hours": 10,
                "list_price": 3000,
            }
        )
        student = cls.env["res.partner"].create({"name": "Zhang Lele"})
        cls.enrollment = cls.env["training.enrollment"].create(
            {
                "partner_id": student.id,
                "course_id": course.id,
                "user_id": cls.users["con"].id,
                "amount": 3000,
            }
        )

    def _split(self, user, shares):
        self.enrollment.with_user(user).write(
            {
                "credit_ids": [Command.clear()]
                + [
                    Command.create({"user_id": self.users[role].id, "share": share})
                    for role, share in shares
                ]
            }
        )

    def test_whole_credit_by_default(self):
        shares = self.enrollment._get_credit_shares()[self.enrollment]
        self.assertEqual(shares, [(self.users["con"], 100.0)])

    def test_supervisor_splits_and_it_is_traced(self):
        self._split(self.users["sup"], [("con", 60), ("con_2", 40)])
        self.assertEqual(
            self.enrollment._get_credit_shares()[self.enrollment],
            [(self.users["con"], 60.0), (self.users["con_2"], 40.0)],
        )
        note = self.enrollment.message_ids[0]
        self.assertIn("Credit split:", note.body)
        self.assertIn("60%", note.body)
        self.assertEqual(
            note.author_id, self.users["sup"].partner_id, "a supervisor without e-mail"
        )

    def test_shares_add_up_to_one_hundred_nothing_written(self):
        for shares in (
            [("con", 60), ("con_2", 30)],
            [("con", 60), ("con", 40)],
            [("con", 110), ("con_2", -10)],
        ):
            with self.subTest(shares=shares), self.assertRaises(ValidationError):
                self._split(self.users["sup"], shares)
        self.assertFalse(self.enrollment.sudo().credit_ids)

    def test_only_supervisors_split(self):
        with self.assertRaises(AccessError):
            self._split(self.users["con"], [("con", 50), ("con_2", 50)])
        with self.assertRaises(AccessError):
            self._split(self.users["aud"], [("con", 50), ("con_2", 50)])
        self._split(self.users["sup"], [("con", 50), ("con_2", 50)])
        # The colleague credited reads their share; a third consultant nothing.
        Credit = self.env["training.enrollment.credit"]
        self.assertEqual(
            Credit.with_user(self.users["con_2"])
            .search([("enrollment_id", "=", self.enrollment.id)])
            .mapped("share"),
            [50.0],
        )
        self.assertFalse(
            Credit.with_user(self.users["con_3"]).search(
                [("enrollment_id", "=", self.enrollment.id)]
            )
        )

from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestEnrollmentJsonRpc(JsonRpcMixin):
    """Enrolments over the web client's JSON-RPC, per role: a consultant's own
    only, made by confirming their orders (the customer as student until
    named); supervisors all and direct entry; auditors read only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "enrol_rpc_a": "training_crm.group_consultant",
            "enrol_rpc_b": "training_crm.group_consultant",
            "enrol_rpc_sup": "training_crm.group_supervisor",
            "enrol_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, password=f"{login}_pw", groups=group)
            for login, group in roles.items()
        }
        cls.course = cls.env["training.course"].create(
            {"name": "Scratch Coding", "lesson_hours": 48, "list_price": 6000}
        )
        cls.training_class = cls.env["training.class"].create(
            {
                "name": "Scratch Spring 1",
                "course_id": cls.course.id,
                "date_start": date(2026, 3, 1),
                "date_end": date(2026, 6, 30),
                "seats": 3,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Parent Zhang"})
        cls.child_1 = cls.env["res.partner"].create({"name": "Zhang Lele"})
        cls.child_2 = cls.env["res.partner"].create({"name": "Zhang Xixi"})
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Scratch for Lele",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.users["enrol_rpc_a"].id,
            }
        )

        def order(user, lead, qty):
            return (
                cls.env["sale.order"]
                .with_user(user)
                .create(
                    {
                        "partner_id": cls.customer.id,
                        "opportunity_id": lead.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.course.product_id.id,
                                    "training_class_id": cls.training_class.id,
                                    "product_uom_qty": qty,
                                }
                            )
                        ],
                    }
                )
            )

        cls.order_a = order(cls.users["enrol_rpc_a"], cls.lead_a, 2)
        cls.order_b = order(cls.users["enrol_rpc_b"], cls.env["crm.lead"], 1)
        cls.order_b.action_confirm()

    def _ids(self, records):
        rows = self._call("training.enrollment", "search_read", [("id", "in", records.ids)], ["id"])
        return {row["id"] for row in rows}

    def _count(self):
        return self.env["training.enrollment"].search_count([])

    def test_consultant_confirms_then_names_students(self):
        self.authenticate("enrol_rpc_a", "enrol_rpc_a_pw")
        # Confirmed over RPC: enrolled at once, the customer as student.
        action = self._call("sale.order", "action_confirm", self.order_a.ids)
        self.assertEqual(action["res_model"], "training.enrollment.editor")
        mine = self.order_a.training_enrollment_ids
        self.assertEqual(len(mine), 2)
        self.assertEqual(mine.partner_id, self.customer)
        self.assertEqual(mine.user_id, self.users["enrol_rpc_a"])
        self.assertTrue(self.lead_a.stage_id.is_won)

        everything = mine | self.order_b.training_enrollment_ids
        self.assertEqual(self._ids(everything), set(mine.ids))
        theirs = self.order_b.training_enrollment_ids
        error = self._call_error("training.enrollment", "read", theirs.ids, ["amount"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("Zhang", error["message"])

        # The dialog, as the web client drives it.
        context = action["context"]
        defaults = self._call(
            "training.enrollment.editor",
            "default_get",
            ["sale_order_id", "line_ids"],
            context=context,
        )
        lines = [command[2] for command in defaults["line_ids"]]
        lines[0]["partner_id"] = self.child_1.id
        lines[1]["partner_id"] = self.child_2.id
        editor_id = self._call(
            "training.enrollment.editor",
            "create",
            {
                "sale_order_id": defaults["sale_order_id"],
                "line_ids": [[0, 0, line] for line in lines],
            },
        )
        self._call("training.enrollment.editor", "action_apply", [editor_id])
        self.assertEqual(mine.partner_id, self.child_1 | self.child_2)

        # No direct entry, no change: a clear message, nothing written.
        count = self._count()
        error = self._call_error(
            "training.enrollment",
            "create",
            {"partner_id": self.child_1.id, "course_id": self.course.id},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertIn("Only supervisors enter enrolments directly", error["message"])
        self.assertEqual(self._count(), count)
        error = self._call_error("training.enrollment", "write", mine.ids, {"amount": 1})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(mine.mapped("amount"), [6000, 6000])

    def test_consultant_cannot_name_students_of_another_order(self):
        self.authenticate("enrol_rpc_a", "enrol_rpc_a_pw")
        error = self._call_error(
            "training.enrollment.editor",
            "default_get",
            ["sale_order_id", "line_ids"],
            context={"default_sale_order_id": self.order_b.id},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_supervisor(self):
        self.authenticate("enrol_rpc_sup", "enrol_rpc_sup_pw")
        theirs = self.order_b.training_enrollment_ids
        self.assertEqual(self._ids(theirs), set(theirs.ids))
        vals = {
            "partner_id": self.child_1.id,
            "course_id": self.course.id,
            "class_id": self.training_class.id,
            "amount": 5000,
        }
        new_ids = self._call("training.enrollment", "create", [vals, dict(vals)])
        self.assertEqual(len(new_ids), 2)
        # The class is full now (3 seats): refused, nothing written.
        count = self._count()
        error = self._call_error("training.enrollment", "create", vals)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("is full", error["message"])
        self.assertEqual(self._count(), count)
        error = self._call_error(
            "training.enrollment", "write", new_ids[:1], {"end_date": "2026-01-01"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn("cannot end before it starts", error["message"])
        self.assertEqual(
            self.env["training.enrollment"].browse(new_ids[0]).end_date, date(2026, 6, 30)
        )

    def test_auditor_reads_only(self):
        self.authenticate("enrol_rpc_aud", "enrol_rpc_aud_pw")
        theirs = self.order_b.training_enrollment_ids
        self.assertEqual(self._ids(theirs), set(theirs.ids))
        error = self._call_error("training.enrollment", "write", theirs.ids, {"amount": 1})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "training.enrollment",
            "create",
            {"partner_id": self.child_1.id, "course_id": self.course.id},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

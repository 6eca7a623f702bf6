from odoo.tests import new_test_user, tagged

from .sale_common import TrainingSaleMixin
from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestSaleJsonRpc(JsonRpcMixin, TrainingSaleMixin):
    """Orders, invoices and payments over the web client's JSON-RPC, per role:
    a consultant's own only, everything for a supervisor, read-only for an
    auditor; no order on another consultant's lead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "sale_rpc_a": "training_crm.group_consultant",
            "sale_rpc_b": "training_crm.group_consultant",
            "sale_rpc_sup": "training_crm.group_supervisor",
            "sale_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, password=f"{login}_pw", groups=group)
            for login, group in roles.items()
        }
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Scratch for Lily",
                "type": "opportunity",
                "user_id": cls.users["sale_rpc_a"].id,
            }
        )
        cls.lead_b = Lead.create(
            {"name": "TOEFL for Max", "type": "opportunity", "user_id": cls.users["sale_rpc_b"].id}
        )
        cls._create_sales_documents(
            cls.users["sale_rpc_a"], cls.users["sale_rpc_b"], cls.lead_a, cls.lead_b
        )
        cls.orders = cls.order_mine + cls.order_rival + cls.order_nobody
        cls.invoices = cls.invoice_mine + cls.invoice_rival + cls.invoice_nobody

    def _ids(self, model, records):
        rows = self._call(model, "search_read", [("id", "in", records.ids)], ["id"])
        return {row["id"] for row in rows}

    def test_consultant(self):
        self.authenticate("sale_rpc_a", "sale_rpc_a_pw")
        self.assertEqual(self._ids("sale.order", self.orders), set(self.order_mine.ids))
        self.assertEqual(
            self._ids("sale.order.line", self.orders.order_line),
            set(self.order_mine.order_line.ids),
        )
        self.assertEqual(self._ids("account.move", self.invoices), set(self.invoice_mine.ids))
        self.assertEqual(
            self._ids("account.move.line", self.invoices.line_ids),
            set(self.invoice_mine.line_ids.ids),
        )
        self.assertFalse(self._ids("payment.token", self.token))
        for model, record in (
            ("sale.order", self.order_nobody),
            ("account.move", self.invoice_nobody),
            ("payment.transaction", self.tx_mine),
            ("payment.token", self.token),
        ):
            error = self._call_error(model, "read", record.ids, ["display_name"])
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", model)

        # No order on the other consultant's lead: a clear message, nothing written.
        count = self.env["sale.order"].search_count([])
        error = self._call_error(
            "sale.order",
            "create",
            {"partner_id": self.customer.id, "opportunity_id": self.lead_b.id},
        )
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn("your own leads", error["message"])
        self.assertNotIn(self.lead_b.name, error["message"])
        error = self._call_error(
            "sale.order", "write", self.order_mine.ids, {"opportunity_id": self.lead_b.id}
        )
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        self.assertEqual(self.order_mine.opportunity_id, self.lead_a)

        # On their own lead, the stock New Quotation button's values go through.
        action = self._call("crm.lead", "action_new_quotation", self.lead_a.ids)
        self.assertEqual(action["context"]["default_opportunity_id"], self.lead_a.id)
        new_id = self._call(
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.lead_a.id,
                "order_line": [(0, 0, {"product_id": self.course.id})],
            },
        )
        self._call("sale.order", "action_confirm", [new_id])
        order = self.env["sale.order"].browse(new_id)
        self.assertEqual((order.state, order.user_id), ("sale", self.users["sale_rpc_a"]))

    def test_supervisor(self):
        self.authenticate("sale_rpc_sup", "sale_rpc_sup_pw")
        self.assertEqual(self._ids("sale.order", self.orders), set(self.orders.ids))
        self.assertEqual(self._ids("account.move", self.invoices), set(self.invoices.ids))
        self.assertEqual(self._ids("payment.token", self.token), set(self.token.ids))
        new_id = self._call(
            "sale.order",
            "create",
            {"partner_id": self.customer.id, "opportunity_id": self.lead_b.id},
        )
        self.assertEqual(self.env["sale.order"].browse(new_id).opportunity_id, self.lead_b)

    def test_auditor(self):
        self.authenticate("sale_rpc_aud", "sale_rpc_aud_pw")
        self.assertEqual(self._ids("sale.order", self.orders), set(self.orders.ids))
        self.assertEqual(
            self._ids("sale.order.line", self.orders.order_line), set(self.orders.order_line.ids)
        )
        self.assertEqual(self._ids("account.move", self.invoices), set(self.invoices.ids))
        rows = self._call("sale.order", "read", self.order_rival.ids, ["amount_total"])
        self.assertEqual(rows[0]["amount_total"], self.order_rival.amount_total)
        for model, record, values in (
            ("sale.order", self.order_mine, {"note": "Audited"}),
            ("sale.order.line", self.order_mine.order_line, {"product_uom_qty": 3}),
            ("account.move", self.invoice_nobody, {"ref": "Audited"}),
        ):
            error = self._call_error(model, "write", record.ids, values)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", model)
        error = self._call_error("sale.order", "create", {"partner_id": self.customer.id})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error("sale.order", "action_confirm", self.order_nobody.ids)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.order_nobody.state, "draft")
        self.assertFalse(self.order_mine.note)

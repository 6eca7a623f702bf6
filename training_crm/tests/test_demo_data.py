from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo a school evaluates the product with must look like a school.

    `make test` installs with demo data, as `make run` does."""

    def test_demo_leads_over_all_grades(self):
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("id", "in", self._demo_ids("crm.lead"))])
        )
        self.assertGreaterEqual(len(leads), 50)
        self.assertEqual(set(leads.intent_grade_id.mapped("code")), {"S", "A", "B", "C", "D"})
        self.assertTrue(leads.filtered(lambda lead: not lead.user_id), "no pool leads in demo")
        self.assertTrue(any(not name.isascii() for name in leads.mapped("contact_name")))
        self.assertTrue(any(name.isascii() for name in leads.mapped("contact_name")))
        # Chinese mobiles normalise: phone matching in later features depends on it.
        with_phone = leads.filtered("phone")
        self.assertGreaterEqual(len(with_phone), 50)
        self.assertTrue(all(lead.phone_sanitized.startswith("+861") for lead in with_phone))

    def test_demo_followups_at_every_stage(self):
        """Reached, overdue, failing, invalid for each reason, won from the pool."""
        ref = self.env.ref
        self.assertEqual(ref("training_crm.lead_demo_03").failed_attempt_count, 2)
        for xmlid, reason in (
            ("training_crm.lead_demo_11", "training_crm.lost_reason_unreachable"),
            ("training_crm.lead_demo_09", "training_crm.lost_reason_no_need"),
            ("training_crm.lead_demo_04", "training_crm.lost_reason_competitor"),
        ):
            lead = ref(xmlid)
            self.assertFalse(lead.active, xmlid)
            self.assertEqual(lead.lost_reason_id, ref(reason), xmlid)
        pool_won = ref("training_crm.lead_demo_07")
        self.assertEqual(pool_won.user_id, ref("training_crm.user_consultant_wang"))
        self.assertEqual(pool_won.first_contact_user_id, pool_won.user_id)
        self.assertTrue(ref("training_crm.lead_demo_02").followup_overdue)

    def test_existing_salespeople_became_consultants(self):
        """Installed on a running CRM, the addon makes its salespeople consultants."""
        salesman = self.env.ref("base.user_demo")
        self.assertTrue(salesman.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(salesman.has_group("training_crm.group_consultant"))

    def test_demo_teams_and_consultants(self):
        for xmlid in ("training_crm.team_beijing", "training_crm.team_shanghai"):
            team = self.env.ref(xmlid)
            self.assertGreaterEqual(len(team.member_ids), 2, team.name)

    def test_demo_orders_at_each_stage(self):
        """Orders of the demo consultants on their leads, from a quotation to a
        full refund, with the enrolments and amounts the staff would see."""
        ref = self.env.ref

        stages = {
            "quotation": "lead_demo_32",
            "deposit": "lead_demo_16",
            "siblings": "lead_demo_17",
            "paid": "lead_demo_13",
            "instalments": "lead_demo_23",
            "partial_refund": "lead_demo_24",
            "refunded": "lead_demo_25",
            "one_to_one": "lead_demo_18",
        }
        leads = self.env["crm.lead"].union(
            *(ref(f"training_crm.{xmlid}") for xmlid in stages.values())
        )
        orders = self.env["sale.order"].search([("opportunity_id", "in", leads.ids)])

        def order(key):
            return orders.filtered(lambda o: o.opportunity_id == ref(f"training_crm.{stages[key]}"))

        self.assertEqual(len(orders), 8)
        for sale_order in orders:
            self.assertEqual(sale_order.user_id, sale_order.opportunity_id.user_id, sale_order.name)
            self.assertTrue(sale_order.user_id.has_group("training_crm.group_consultant"))
            self.assertEqual(sale_order.currency_id, self.env.company.currency_id)

        # Quotations: two courses proposed; a deposit (定金) paid, nobody enrolled yet.
        quotation = order("quotation")
        self.assertEqual(quotation.state, "draft")
        self.assertEqual(len(quotation.order_line.training_course_id), 2)
        self.assertFalse(quotation.invoice_ids)
        deposit = order("deposit")
        self.assertEqual(deposit.state, "draft")
        self.assertFalse(deposit.training_enrollment_ids)
        self.assertEqual(deposit.invoice_ids.mapped("state"), ["posted"])
        self.assertIn(deposit.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertTrue(deposit.order_line.filtered("is_downpayment"))

        # Confirmed: two children of one family on one line, named as students.
        siblings = order("siblings")
        self.assertEqual(siblings.state, "sale")
        self.assertEqual(len(siblings.order_line), 1)
        students = siblings.training_enrollment_ids.partner_id
        self.assertEqual(set(students.mapped("name")), {"郑凯", "郑悦"})
        self.assertEqual(students.parent_id, siblings.partner_id)
        self.assertEqual(siblings.training_enrollment_ids.payer_id, siblings.partner_id)
        self.assertTrue(siblings.opportunity_id.stage_id.is_won)
        self.assertEqual(siblings.training_enrollment_ids.user_id, siblings.user_id)

        def enrolment(key):
            enrollments = order(key).training_enrollment_ids
            self.assertEqual(len(enrollments), 1, key)
            self.assertNotEqual(enrollments.partner_id, order(key).partner_id, key)
            return enrollments

        # Invoiced and paid: nothing due.
        paid = enrolment("paid")
        self.assertGreater(paid.amount_invoiced, 0)
        self.assertEqual(paid.amount_paid, paid.amount_invoiced)
        self.assertEqual(paid.amount_due, 0)
        self.assertEqual(paid.payment_ids.mapped("amount"), [paid.amount_paid])

        # Instalments: two paid so far, the rest due.
        instalments = enrolment("instalments")
        self.assertEqual(len(instalments.payment_ids), 2)
        self.assertGreater(instalments.amount_paid, 0)
        self.assertGreater(instalments.amount_due, 0)
        self.assertEqual(
            instalments.amount_paid + instalments.amount_due, instalments.amount_invoiced
        )

        # A part refunded (and paid back): the student goes on studying.
        partial = enrolment("partial_refund")
        self.assertGreater(partial.amount_refunded, 0)
        self.assertLess(partial.amount_refunded, partial.amount_invoiced)
        self.assertEqual(partial.amount_paid, partial.amount_invoiced - partial.amount_refunded)
        self.assertEqual(partial.amount_due, 0)
        self.assertNotEqual(partial.state, "cancelled")

        # All refunded: cancelled, with the credit note's reason.
        refunded = enrolment("refunded")
        self.assertEqual(refunded.state, "cancelled")
        self.assertIn("全家搬迁", refunded.cancel_reason)
        self.assertEqual(refunded.amount_refunded, refunded.amount_invoiced)
        self.assertEqual(refunded.amount_paid, 0)
        self.assertEqual(order("refunded").training_enrollment_count, 0)

        # A one-to-one lesson-hour package: no class, the package's hours.
        package = enrolment("one_to_one")
        self.assertEqual(package.course_id, ref("training_crm.course_maths_1on1"))
        self.assertFalse(package.class_id)
        self.assertEqual(package.hours, package.course_id.lesson_hours)
        self.assertEqual(package.amount_due, 0)

    def test_demo_referral_and_value_grades(self):
        """The Chens, here for over two years, are an A family; their father
        referred two leads, one of whom enrolled: his voucher is due."""
        ref = self.env.ref
        father = ref("training_crm.partner_family_chen_father")
        self.assertEqual(father.training_value_grade, "A")
        self.assertEqual(len(father.training_referral_lead_ids), 2)
        reward = self.env["training.referral.reward"].search([("referrer_id", "=", father.id)])
        self.assertEqual(reward.lead_id, ref("training_crm.lead_referral_liu"))
        self.assertEqual(reward.state, "due")
        self.assertEqual(reward.value, 500)

    def _demo_ids(self, model):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "training_crm"), ("model", "=", model)])
            .mapped("res_id")
        )

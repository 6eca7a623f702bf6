from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPipelineByGrade(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="tcr_manager", groups="sales_team.group_sale_manager"
        )
        cls.consultant = new_test_user(
            cls.env, login="tcr_consultant", groups="sales_team.group_sale_salesman"
        )
        cls.grade_s = cls.env.ref("training_crm.grade_s")
        cls.grade_b = cls.env.ref("training_crm.grade_b")
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": "S one",
                    "type": "opportunity",
                    "intent_grade_id": cls.grade_s.id,
                    "user_id": cls.consultant.id,
                    "expected_revenue": 6800,
                },
                {
                    "name": "S two",
                    "type": "opportunity",
                    "intent_grade_id": cls.grade_s.id,
                    "user_id": cls.consultant.id,
                    "expected_revenue": 1200,
                },
                {
                    "name": "B one",
                    "type": "opportunity",
                    "intent_grade_id": cls.grade_b.id,
                    "user_id": cls.consultant.id,
                    "expected_revenue": 500,
                },
            ]
        )

    def test_action_opens_pivot_by_grade(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm_reports.crm_lead_grade_report_action"
        )
        self.assertEqual(action["res_model"], "crm.lead")
        self.assertEqual(action["view_mode"].split(",")[0], "pivot")
        pivot = self.env["crm.lead"].get_view(
            self.env.ref("training_crm_reports.crm_lead_grade_view_pivot").id, "pivot"
        )
        self.assertIn('name="intent_grade_id" type="row"', pivot["arch"])

    def test_pivot_figures_per_grade_and_consultant(self):
        """What the manager reads: revenue of each grade for each consultant."""
        groups = (
            self.env["crm.lead"]
            .with_user(self.manager)
            ._read_group(
                [("user_id", "=", self.consultant.id), ("type", "=", "opportunity")],
                ["intent_grade_id"],
                ["expected_revenue:sum", "__count"],
            )
        )
        figures = {grade.code: (total, count) for grade, total, count in groups}
        self.assertEqual(figures, {"S": (8000, 2), "B": (500, 1)})

    def test_menu_for_managers_only(self):
        menu = self.env.ref("training_crm_reports.crm_lead_grade_report_menu")
        visible_to = self.env["ir.ui.menu"].with_user(self.consultant)._visible_menu_ids()
        self.assertNotIn(menu.id, visible_to)
        visible_to = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, visible_to)

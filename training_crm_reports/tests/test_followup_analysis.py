from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFollowupAnalysis(TransactionCase):
    """Follow-up Analysis lives in training_crm_reports since 18.0.1.1.0."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant = new_test_user(
            cls.env, login="tcr_fa_consultant", groups="training_crm.group_consultant"
        )
        cls.supervisor = new_test_user(
            cls.env, login="tcr_fa_supervisor", groups="training_crm.group_supervisor"
        )
        cls.auditor = new_test_user(
            cls.env, login="tcr_fa_auditor", groups="training_crm.group_auditor"
        )
        cls.action = cls.env.ref("training_crm_reports.training_crm_followup_action_analysis")
        cls.menu = cls.env.ref("training_crm_reports.training_crm_followup_analysis_menu")

    def test_old_xmlids_are_gone(self):
        for xmlid in (
            "training_crm.training_crm_followup_action_analysis",
            "training_crm.training_crm_followup_analysis_menu",
        ):
            self.assertFalse(self.env.ref(xmlid, raise_if_not_found=False), xmlid)
        # One action and one menu, nothing left behind under either module.
        rows = self.env["ir.model.data"].search(
            [
                (
                    "name",
                    "in",
                    [
                        "training_crm_followup_action_analysis",
                        "training_crm_followup_analysis_menu",
                    ],
                )
            ]
        )
        self.assertEqual(
            sorted(rows.mapped("complete_name")),
            [
                "training_crm_reports.training_crm_followup_action_analysis",
                "training_crm_reports.training_crm_followup_analysis_menu",
            ],
        )
        self.assertEqual(
            self.env["ir.ui.menu"].search_count(
                [("action", "=", f"{self.action._name},{self.action.id}")]
            ),
            1,
        )

    def test_menu_place_and_action(self):
        self.assertEqual(self.menu.parent_id, self.env.ref("crm.crm_menu_report"))
        self.assertEqual(self.menu.sequence, 20)
        self.assertEqual(self.menu.action, self.action)
        self.assertEqual(
            self.menu.groups_id,
            self.env.ref("training_crm.group_supervisor")
            | self.env.ref("training_crm.group_auditor"),
        )
        self.assertEqual(self.action.res_model, "training.crm.followup")
        self.assertEqual(self.action.view_mode.split(",")[:2], ["pivot", "graph"])

    def test_supervisor_and_auditor_see_it(self):
        for user in (self.supervisor, self.auditor):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertIn(self.menu.id, visible, user.login)
            action = (
                self.env["ir.actions.act_window"]
                .with_user(user)
                ._for_xml_id("training_crm_reports.training_crm_followup_action_analysis")
            )
            self.assertEqual(action["id"], self.action.id)
            # What the pivot reads: follow-ups by consultant and outcome.
            self.env["training.crm.followup"].with_user(user).read_group(
                [], ["user_id"], ["user_id", "outcome"], lazy=False
            )

    def test_consultant_does_not_see_it(self):
        visible = self.env["ir.ui.menu"].with_user(self.consultant)._visible_menu_ids()
        self.assertNotIn(self.menu.id, visible)

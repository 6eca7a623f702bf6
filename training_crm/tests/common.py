from odoo.tests import TransactionCase, new_test_user


class TrainingCrmCommon(TransactionCase):
    """Users and a lead shared by the addon's tests, built once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.grade_s = cls.env.ref("training_crm.grade_s")
        cls.grade_a = cls.env.ref("training_crm.grade_a")
        cls.grade_b = cls.env.ref("training_crm.grade_b")
        cls.grade_c = cls.env.ref("training_crm.grade_c")
        cls.grade_d = cls.env.ref("training_crm.grade_d")
        cls.user_consultant = new_test_user(
            cls.env,
            login="tc_consultant",
            name="Consultant Test",
            groups="sales_team.group_sale_salesman",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="tc_manager",
            name="Manager Test",
            groups="sales_team.group_sale_manager",
        )
        cls.team = cls.env["crm.team"].create({"name": "Test Campus"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "IELTS Intensive - Test Student",
                "type": "opportunity",
                "contact_name": "Test Student",
                "phone": "+86 138 0013 8000",
                "user_id": cls.user_consultant.id,
                "team_id": cls.team.id,
            }
        )

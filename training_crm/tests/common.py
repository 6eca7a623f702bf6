from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class TrainingCrmCommon(TransactionCase):
    """Staff of one campus and a lead per situation, built once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.grade_s = cls.env.ref("training_crm.grade_s")
        cls.grade_a = cls.env.ref("training_crm.grade_a")
        cls.grade_b = cls.env.ref("training_crm.grade_b")
        cls.grade_c = cls.env.ref("training_crm.grade_c")
        cls.grade_d = cls.env.ref("training_crm.grade_d")
        cls.user_consultant = new_test_user(
            cls.env,
            login="tc_consultant",
            name="Consultant Test",
            groups="training_crm.group_consultant",
        )
        cls.user_consultant_2 = new_test_user(
            cls.env,
            login="tc_consultant_2",
            name="Consultant Two",
            groups="training_crm.group_consultant",
        )
        cls.user_supervisor = new_test_user(
            cls.env,
            login="tc_supervisor",
            name="Supervisor Test",
            groups="training_crm.group_supervisor",
        )
        cls.user_auditor = new_test_user(
            cls.env,
            login="tc_auditor",
            name="Auditor Test",
            groups="training_crm.group_auditor",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="tc_manager",
            name="Manager Test",
            groups="sales_team.group_sale_manager",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Test Campus",
                "user_id": cls.user_supervisor.id,
                "crm_team_member_ids": [
                    Command.create({"user_id": user.id})
                    for user in (cls.user_consultant, cls.user_consultant_2)
                ],
            }
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "IELTS Intensive - Test Student",
                "type": "opportunity",
                "contact_name": "Test Student",
                "phone": "+86 138 0013 8000",
                "user_id": cls.user_consultant.id,
                "team_id": cls.team.id,
                "intent_grade_id": cls.grade_b.id,
            }
        )
        cls.lead_other = cls.env["crm.lead"].create(
            {
                "name": "Piano - Other Student",
                "type": "opportunity",
                "user_id": cls.user_consultant_2.id,
                "team_id": cls.team.id,
            }
        )
        cls.lead_pool = cls.env["crm.lead"].create(
            {
                "name": "Coding - Pool Student",
                "type": "opportunity",
                "user_id": False,
                "team_id": cls.team.id,
                "intent_grade_id": cls.grade_a.id,
            }
        )

    def _log(self, lead, outcome, user=None, **values):
        """Log a follow-up as `user` (default: the lead's owner, or the consultant)."""
        user = user or lead.user_id or self.user_consultant
        return (
            self.env["training.crm.followup"]
            .with_user(user)
            .create(
                {
                    "lead_id": lead.id,
                    "outcome": outcome,
                    "channel": values.pop("channel", "phone"),
                    "note": values.pop("note", f"Called: {outcome}"),
                    **values,
                }
            )
        )

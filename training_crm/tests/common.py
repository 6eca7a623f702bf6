from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.mail.tests.common import MailCase


class TrainingCrmCommon(TransactionCase, MailCase):
    """Staff of one campus and a lead per situation, built once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.env.company.country_id = cls.env.ref("base.cn")
        for code in "sabcd":
            setattr(cls, f"grade_{code}", cls.env.ref(f"training_crm.grade_{code}"))
        for attr, login, name, group in (
            (
                "user_consultant",
                "tc_consultant",
                "Consultant Test",
                "training_crm.group_consultant",
            ),
            (
                "user_consultant_2",
                "tc_consultant_2",
                "Consultant Two",
                "training_crm.group_consultant",
            ),
            (
                "user_supervisor",
                "tc_supervisor",
                "Supervisor Test",
                "training_crm.group_supervisor",
            ),
            ("user_auditor", "tc_auditor", "Auditor Test", "training_crm.group_auditor"),
            ("user_manager", "tc_manager", "Manager Test", "sales_team.group_sale_manager"),
        ):
            setattr(cls, attr, new_test_user(cls.env, login=login, name=name, groups=group))
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

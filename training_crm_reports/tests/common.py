from odoo import Command
from odoo.tests import new_test_user

GROUPS = {
    "con": "training_crm.group_consultant",
    "con_2": "training_crm.group_consultant",
    "con_3": "training_crm.group_consultant",
    "sup": "training_crm.group_supervisor",
    "aud": "training_crm.group_auditor",
}


def create_staff(env, prefix, roles=("con", "con_2", "sup", "aud"), groups="", **values):
    """{role: user} of the roles asked, without e-mail (every workflow works
    for them): login `<prefix>_<role>`, password `<prefix>_<role>_pw`, more
    `groups` (comma-separated xmlids) and `values` on all."""
    return {
        role: new_test_user(
            env,
            login=f"{prefix}_{role}",
            password=f"{prefix}_{role}_pw",
            name=f"{prefix.title()} {role.title()}",
            groups=",".join(filter(None, (GROUPS[role], groups))),
            email=False,
            **values,
        )
        for role in roles
    }


def create_plan(env, date_from, name="Consultants"):
    """The plan the tests work their answers out by: under 80% of the target
    3%, from 80% 5%, from 100% 7%, marginally; A-grade wins 1% more."""
    grade_a = env["training.crm.grade"].search([("code", "=", "A")], limit=1)
    return env["training.commission.plan"].create(
        {
            "name": name,
            "date_from": date_from,
            "tier_ids": [
                Command.create({"attainment_from": 0, "rate": 3}),
                Command.create({"attainment_from": 80, "rate": 5}),
                Command.create({"attainment_from": 100, "rate": 7}),
            ],
            "grade_bonus_ids": [Command.create({"grade_id": grade_a.id, "rate": 1})],
        }
    )

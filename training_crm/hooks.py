from odoo import Command


def post_init_hook(env):
    """Salespeople already working in CRM become consultants, so that follow-ups
    are there for them the day the addon is installed."""
    salesmen = env.ref("sales_team.group_sale_salesman").users.filtered(lambda u: not u.share)
    env.ref("training_crm.group_consultant").write(
        {"users": [Command.link(user.id) for user in salesmen]}
    )

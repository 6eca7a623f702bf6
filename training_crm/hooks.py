from odoo import Command

STOCK_PERSONAL_LEAD_RULE = "['|',('user_id','=',user.id),('user_id','=',False)]"
STOCK_PERSONAL_RULES = (
    "crm.crm_rule_personal_lead",
    "crm.crm_activity_report_rule_personal_activities",
)


def post_init_hook(env):
    """Salespeople already working in CRM become consultants, so that follow-ups
    are there for them the day the addon is installed."""
    salesmen = env.ref("sales_team.group_sale_salesman").users.filtered(lambda u: not u.share)
    env.ref("training_crm.group_consultant").write(
        {"users": [Command.link(user.id) for user in salesmen]}
    )


def uninstall_hook(env):
    """Give stock CRM back its own pool rules: every unassigned lead (and its
    activities) for every salesman."""
    for xmlid in STOCK_PERSONAL_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.domain_force = STOCK_PERSONAL_LEAD_RULE
    # Every employee reads every calendar event again, trial classes' included.
    rule = env.ref("calendar.calendar_event_rule_employee", raise_if_not_found=False)
    if rule:
        rule.domain_force = "[(1, '=', 1)]"
    # The CRM app opens on stock CRM's first menu again, not on our role pages.
    root = env.ref("crm.crm_menu_root", raise_if_not_found=False)
    if root:
        root.action = False

"""Our addons uninstall cleanly from a database they were installed in, and
install again. Runs on a copy of the test database (`make test` makes it and
names it in TRAINING_CRM_UNINSTALL_DB), through Odoo's own command line."""

import os

import pytest
from tc_support import odoo_shell, query

ADDONS = ("training_crm_helpdesk", "training_crm_reports", "training_crm")


@pytest.fixture(scope="module")
def dbname():
    name = os.environ.get("TRAINING_CRM_UNINSTALL_DB")
    if not name:
        pytest.fail("TRAINING_CRM_UNINSTALL_DB is not set: run this test through `make test`")
    return name


def _odoo_shell(dbname, script):
    odoo_shell(dbname, script + "\nenv.cr.commit()\n")


def _states(dbname):
    return dict(
        query(
            dbname,
            "SELECT name, state FROM ir_module_module "
            "WHERE name IN ('crm', 'sale_crm', 'training_crm', 'training_crm_reports', "
            "'helpdesk_mgmt', 'helpdesk_mgmt_sla', 'training_crm_helpdesk')",
        )
    )


def test_uninstall_then_reinstall(dbname):
    assert _states(dbname) == {
        "crm": "installed",
        "sale_crm": "installed",
        "training_crm": "installed",
        "training_crm_reports": "installed",
        "helpdesk_mgmt": "installed",
        "helpdesk_mgmt_sla": "installed",
        "training_crm_helpdesk": "installed",
    }
    _odoo_shell(
        dbname,
        f"env['ir.module.module'].search([('name', 'in', {list(ADDONS)!r})])"
        ".button_immediate_uninstall()",
    )
    # Odoo's Sales and the OCA helpdesk stay: the school's orders, invoices and
    # tickets are not ours to drop.
    assert _states(dbname) == {
        "crm": "installed",
        "sale_crm": "installed",
        "training_crm": "uninstalled",
        "training_crm_reports": "uninstalled",
        "helpdesk_mgmt": "installed",
        "helpdesk_mgmt_sla": "installed",
        "training_crm_helpdesk": "uninstalled",
    }
    # Nothing of ours is left behind: no table, no column, no view, no xml id.
    assert query(dbname, "SELECT to_regclass('training_crm_grade')") == [(None,)]
    assert not query(
        dbname,
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'crm_lead' AND column_name = 'intent_grade_id'",
    )
    assert not query(
        dbname,
        "SELECT module, model, name FROM ir_model_data WHERE module IN %s",
        (ADDONS,),
    )
    # Stock CRM's own pool rule is back: every unassigned lead for every salesman.
    assert query(
        dbname,
        "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d ON d.res_id = r.id "
        "AND d.model = 'ir.rule' WHERE d.module = 'crm' AND d.name = 'crm_rule_personal_lead'",
    ) == [("['|',('user_id','=',user.id),('user_id','=',False)]",)]
    # And its rule on the activity analysis.
    assert query(
        dbname,
        "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d ON d.res_id = r.id "
        "AND d.model = 'ir.rule' WHERE d.module = 'crm' "
        "AND d.name = 'crm_activity_report_rule_personal_activities'",
    ) == [("['|',('user_id','=',user.id),('user_id','=',False)]",)]
    # Stock CRM still works on the leads the demo created.
    assert query(dbname, "SELECT count(*) FROM crm_lead")[0][0] > 0

    _odoo_shell(
        dbname,
        "env['ir.module.module'].search([('name', '=', 'training_crm_reports')])"
        ".button_immediate_install()",
    )
    assert _states(dbname)["training_crm"] == "installed"
    assert query(dbname, "SELECT code FROM training_crm_grade ORDER BY sequence") == [
        ("S",),
        ("A",),
        ("B",),
        ("C",),
        ("D",),
    ]

    # The complaints bridge installs again on top, with its Complaints team.
    _odoo_shell(
        dbname,
        "env['ir.module.module'].search([('name', '=', 'training_crm_helpdesk')])"
        ".button_immediate_install()",
    )
    assert _states(dbname)["training_crm_helpdesk"] == "installed"
    assert query(
        dbname,
        "SELECT t.training_complaint FROM helpdesk_ticket_team t JOIN ir_model_data d "
        "ON d.res_id = t.id AND d.model = 'helpdesk.ticket.team' "
        "WHERE d.module = 'training_crm_helpdesk' AND d.name = 'helpdesk_team_complaints'",
    ) == [(True,)]

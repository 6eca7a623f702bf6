"""Updating the three addons (`-u`, what a new version's deployment runs) on a
database full of data keeps every lead, follow-up, dispute, invalidation,
grade change and enrolment as it was.

Runs on a copy of the test database `make test` makes for it
(TRAINING_CRM_UPGRADE_DB: the demo school): the rows are read over a plain
connection, the addons are updated by Odoo's command line in a process of its
own, and the rows read again. About a minute."""

import os

import pytest
from tc_support import odoo_cli, query

MODULES = "training_crm,training_crm_reports,training_crm_helpdesk"

# What staff entered or the log decided, never recomputed by an update.
KEPT = {
    "crm_lead": (
        "name, active, type, user_id, team_id, partner_id, contact_name, phone, email_from, "
        "first_contact_user_id, first_contact_date, claim_date, intent_grade_id, probability, "
        "stage_id, lost_reason_id, referred_by_id, collision_lead_id"
    ),
    "training_crm_followup": "lead_id, user_id, team_id, outcome, channel, date, note",
    "training_crm_dispute": "lead_id, state, winner_user_id, team_id, decided_date",
    "training_crm_invalidation": "lead_id, user_id, reason, date, restored_date",
    "training_crm_grade_history": "lead_id, new_grade_id, user_id, date",
    "training_enrollment": "lead_id, partner_id, course_id, user_id, amount, state, start_date",
    "training_trial": "lead_id, course_id, date, state",
}


@pytest.fixture(scope="module")
def dbname():
    name = os.environ.get("TRAINING_CRM_UPGRADE_DB")
    if not name:
        pytest.fail("TRAINING_CRM_UPGRADE_DB is not set: run this test through `make test`")
    return name


def _rows(dbname):
    return {
        table: query(dbname, f"SELECT id, {columns} FROM {table} ORDER BY id")
        for table, columns in KEPT.items()
    }


def test_an_update_keeps_every_record(dbname):
    before = _rows(dbname)
    for table in ("crm_lead", "training_crm_followup", "training_crm_dispute"):
        assert before[table], f"the demo school has {table} rows to keep"
    assert before["training_enrollment"], "and enrolments"
    result = odoo_cli(
        "-d",
        dbname,
        "-u",
        MODULES,
        "--stop-after-init",
        "--no-http",
        "--max-cron-threads=0",
        "--log-level=warn",
    )
    assert result.returncode == 0, result.stderr[-4000:]
    errors = [
        line for line in result.stderr.splitlines() if " ERROR " in line or " CRITICAL " in line
    ]
    assert not errors, "\n".join(errors)
    after = _rows(dbname)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), f"{table}: {len(rows)} rows before"
        assert after[table] == rows, f"{table} changed"

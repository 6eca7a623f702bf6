"""A refusal ("not interested") no longer counts as a failed attempt, and
failed attempts count by local day: recompute the stored flags and counters
that the old rule wrote. The new local day of each follow-up is computed by
the ORM when its column is created.

Consultants now read only their own side of a dispute: the rule is a
noupdate record, which an upgrade would otherwise leave as it was."""

from odoo import SUPERUSER_ID, api

BATCH_SIZE = 5000


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE training_crm_followup SET failed = FALSE "
        "WHERE outcome NOT IN ('no_answer', 'unreachable') AND failed"
    )
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    rule = env.ref(
        "training_crm.training_crm_dispute_side_rule_consultant", raise_if_not_found=False
    )
    if rule:
        rule.write(
            {
                "name": "Dispute sides: the consultant's own side",
                "domain_force": "[('user_id', '=', user.id)]",
            }
        )
    cr.execute("SELECT DISTINCT lead_id FROM training_crm_followup ORDER BY lead_id")
    lead_ids = [row[0] for row in cr.fetchall()]
    field = env["crm.lead"]._fields["failed_attempt_count"]
    for start in range(0, len(lead_ids), BATCH_SIZE):
        leads = env["crm.lead"].browse(lead_ids[start : start + BATCH_SIZE])
        env.add_to_compute(field, leads)
        leads.flush_recordset(["failed_attempt_count"])
        env.invalidate_all()

"""Follow-up Analysis moved from training_crm to training_crm_reports (18.0.1.1.0).

Its action and menu keep their database records (users' favourites and
bookmarks point to the action's id): their external ids change module before
this addon's data is loaded, which then updates the records in place.

Why here and not in training_crm: an upgrade of training_crm also upgrades this
addon (it depends on training_crm), and this script runs before this addon's
data whether or not training_crm is upgraded in the same run; Odoo only removes
the no-longer-defined `training_crm.*` xmlids at the very end of loading, by
which time none is left. A database without this addon installed gets no
rename: upgrading training_crm there removes the report with its old xmlids.
"""

import logging

_logger = logging.getLogger(__name__)

MOVED = (
    "training_crm_followup_action_analysis",
    "training_crm_followup_analysis_menu",
)


def migrate(cr, version):
    if not version:
        return
    for name in MOVED:
        # Skip when the new xmlid already exists (never expected): the old one
        # is then removed with its record when training_crm is upgraded.
        cr.execute(
            """
            UPDATE ir_model_data
               SET module = 'training_crm_reports'
             WHERE module = 'training_crm'
               AND name = %(name)s
               AND NOT EXISTS (
                   SELECT 1 FROM ir_model_data
                    WHERE module = 'training_crm_reports' AND name = %(name)s
               )
            """,
            {"name": name},
        )
        if cr.rowcount:
            _logger.info("xmlid training_crm.%s renamed to training_crm_reports.%s", name, name)

#!/usr/bin/env bash
# make run: set everything up, create the demo database once, serve Odoo.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${ODOO_DB:-training_crm}"
setup_all
if ! db_exists "$DB"; then
    log "creating database $DB: base, then the school's company, then both addons with demo data (first run only)"
    # A half-made database would pass for a ready one on the next run: drop it.
    trap 'log "setting up $DB failed: dropped, the next run starts afresh"; psql_db -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" || true' ERR
    # The company becomes a Chinese school (CNY, Asia/Shanghai, Simplified Chinese)
    # before any other module installs: modules follow the company's country
    # (Invoicing loads China's chart of accounts).
    prepare_company "$DB" school
    odoo -d "$DB" -i "$ADDONS" --stop-after-init --max-cron-threads=0 --log-level=warn
    # Again, for what the addons brought (the working hours' time zone).
    odoo shell -d "$DB" --no-http --max-cron-threads=0 --log-level=warn >/dev/null < "$ROOT/scripts/demo_school.py"
    # Chinese for the staff who want it, English staying installed
    # (--load-language on a new database would replace English).
    odoo shell -d "$DB" --no-http --max-cron-threads=0 --log-level=warn >/dev/null <<'PY'
for code in ("zh_CN", "zh_TW"):
    env["res.lang"]._activate_lang(code)
env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["zh_CN", "zh_TW"])
env.cr.commit()
PY
    trap - ERR
elif [ -n "${ODOO_UPDATE:-}" ] || needs_update "$DB"; then
    # A database from before sale_crm gets it (and Invoicing) with the update:
    # the company is made Chinese first, for China's chart of accounts.
    prepare_company "$DB" school
    log "updating our addons in $DB"
    odoo -d "$DB" -u "$ADDONS" --stop-after-init --max-cron-threads=0 --log-level=warn
fi
# A database from before the complaints addon gets it (and the OCA helpdesk).
if ! psql_db -d "$DB" -qtAc "SELECT 1 FROM ir_module_module WHERE name = 'training_crm_helpdesk' AND state = 'installed'" | grep -q 1; then
    log "installing training_crm_helpdesk (complaints on the OCA helpdesk) into $DB"
    odoo -d "$DB" -i training_crm_helpdesk --stop-after-init --max-cron-threads=0 --log-level=warn
fi
if [ -n "${ODOO_SETUP_ONLY:-}" ]; then
    log "database $DB is set up (ODOO_SETUP_ONLY: not serving)"
    exit 0
fi
log "serving http://127.0.0.1:$ODOO_PORT (database $DB, login admin / admin)"
odoo -d "$DB" --db-filter="^${DB}\$" "$@"

#!/usr/bin/env bash
# make run: set everything up, create the demo database once, serve Odoo.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${ODOO_DB:-training_crm}"
setup_all
if ! db_exists "$DB"; then
    log "creating database $DB with both addons and demo data (first run only)"
    odoo -d "$DB" -i "$ADDONS" --stop-after-init --max-cron-threads=0 --log-level=warn
    # Chinese for the staff who want it, English staying the default
    # (--load-language on a new database would replace English).
    odoo shell -d "$DB" --no-http --max-cron-threads=0 --log-level=warn >/dev/null <<'PY'
for code in ("zh_CN", "zh_TW"):
    env["res.lang"]._activate_lang(code)
env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["zh_CN", "zh_TW"])
env.cr.commit()
PY
elif [ -n "${ODOO_UPDATE:-}" ]; then
    log "updating both addons in $DB"
    odoo -d "$DB" -u "$ADDONS" --stop-after-init --max-cron-threads=0 --log-level=warn
fi
log "serving http://127.0.0.1:$ODOO_PORT (database $DB, login admin / admin)"
odoo -d "$DB" --db-filter="^${DB}\$" "$@"

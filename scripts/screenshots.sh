#!/usr/bin/env bash
# make screenshots: refresh README's images in docs/ from the real browser.
#
# Sets the demo database up (scripts/run.sh, ODOO_SETUP_ONLY; an existing one
# gets both addons updated so that the screens are the current ones), serves
# it on a free port without cron, takes the shots listed in
# scripts/screenshots.py as each role sees them, then stops the server.
#   ODOO_DB           database (default training_crm_screenshots, its own so
#                     that `make run`'s users keep their languages)
#   SCREENSHOTS_FRESH=1  drop that database first, for demo data as new
#   SCREENSHOTS_ONLY="pipeline dispute"  only the shots whose file names match
# Exits non-zero when a shot fails or a zh_CN screen shows an untranslated
# interface string (listed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${ODOO_DB:-training_crm_screenshots}"
setup_all
if [ -n "${SCREENSHOTS_FRESH:-}" ] && db_exists "$DB"; then
    log "dropping $DB (SCREENSHOTS_FRESH)"
    psql_db -d postgres -qc "DROP DATABASE \"$DB\" WITH (FORCE)"
fi
ODOO_DB="$DB" ODOO_SETUP_ONLY=1 ODOO_UPDATE=1 "$ROOT/scripts/run.sh"

PORT="${SCREENSHOTS_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
SERVER_LOG="$LOCAL/screenshots-server.log"
log "serving $DB on http://127.0.0.1:$PORT for the screenshots (log: $SERVER_LOG)"
# odoo-bin itself in the background (not lib.sh's odoo function in a subshell),
# so that $! is the server's own process.
"$PY" -c "import os; os.environ['TZ'] = 'UTC'; import odoo; odoo.cli.main()" -c "$ODOO_CONF" \
    -d "$DB" --db-filter="^${DB}\$" --http-port="$PORT" --max-cron-threads=0 \
    --log-level=warn --logfile="$SERVER_LOG" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$PORT/web/health" >/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { log "the server stopped: see $SERVER_LOG"; exit 1; }
    sleep 1
done
curl -fs "http://127.0.0.1:$PORT/web/health" >/dev/null || { log "the server does not answer: see $SERVER_LOG"; exit 1; }

crm_addons=""
IFS=, read -ra paths <<< "$ODOO_ADDONS"
for path in "${paths[@]}"; do [ -d "$path/crm" ] && crm_addons="$path"; done
only=()
for name in ${SCREENSHOTS_ONLY:-}; do only+=(--only "$name"); done
"$PY" "$ROOT/scripts/screenshots.py" --base "http://127.0.0.1:$PORT" --db "$DB" \
    --odoo-addons "$crm_addons" "${only[@]}"

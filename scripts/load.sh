#!/usr/bin/env bash
# make load [WORKERS="2 5"] [SECONDS=300] [CONSULTANTS=50] [SUPERVISORS=5]:
# a school's day (scripts/load.py) against `make serve`'s prefork server, once
# per number of workers, each time on a fresh copy (training_crm_load) of
# `make bench`'s 200,000-lead database (LOAD_TEMPLATE; build it with
# `make bench ONLY=kpis`). The server is configured as `make serve` configures
# it (scripts/serve_conf.py), on ports of its own (LOAD_PORT, 8369; websocket
# 8372), its scheduled actions running as in production. Results:
# .local/load.json, and the server's logs in .local/load-N-workers.log. Not in
# `make test`. LOAD_FAULT=worker|database injects a fault into the run
# (`make faults`, scripts/load.py).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
cd "$ROOT"

TEMPLATE="${LOAD_TEMPLATE:-training_crm_bench_addon_200k}"
DB=training_crm_load
PORT="${LOAD_PORT:-8369}"
CONF="$LOCAL/odoo-load.conf"
db_exists "$TEMPLATE" || { log "no $TEMPLATE: build it with \`make bench ONLY=kpis\`"; exit 1; }

server=""
stop_server() {
    [ -z "$server" ] || kill -- -"$server" 2>/dev/null || true
    [ -z "$server" ] || wait "$server" 2>/dev/null || true
    server=""
}
drop_db() {
    # The server's last connections (an autovacuum worker too) may take a moment to go.
    for _ in $(seq 30); do
        psql_db -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" 2>/dev/null && break
        sleep 1
    done
    rm -rf "$LOCAL/data/filestore/$DB"
}
cleanup() {
    stop_server
    drop_db >/dev/null 2>&1 || true
}
trap cleanup EXIT

status=0
for workers in ${LOAD_WORKERS:-2 5}; do
    log "copying $TEMPLATE into $DB"
    drop_db
    psql_db -d postgres -qc "CREATE DATABASE \"$DB\" TEMPLATE \"$TEMPLATE\""
    rm -rf "$LOCAL/data/filestore/$DB"
    [ ! -d "$LOCAL/data/filestore/$TEMPLATE" ] || cp -a "$LOCAL/data/filestore/$TEMPLATE" "$LOCAL/data/filestore/$DB"
    # As on any morning: last night's snapshot and the KPIs' closed months
    # stored. And the reclaim first in the cron worker's queue, to return its
    # 64,000 due leads by batches while the staff work on them (its nightly
    # run, at its worst).
    odoo shell -d "$DB" --no-http --max-cron-threads=0 --log-level=warn >/dev/null <<'PY'
env["training.crm.consultant.snapshot"]._cron_take_snapshot()
env.ref("training_crm.ir_cron_release_idle_leads").write(
    {"nextcall": odoo.fields.Datetime.now(), "priority": 0}
)
env.cr.commit()
PY
    "$PY" scripts/serve_conf.py --out "$CONF" --db "$DB" \
        --addons-path "$ODOO_ADDONS,$ROOT" --data-dir "$LOCAL/data" \
        --db-host "$DB_HOST" --db-port "$DB_PORT" --db-user "$DB_USER" --db-password "$DB_PASSWORD" \
        --http-port "$PORT" --gevent-port "$((PORT + 3))" --workers "$workers"
    server_log="$LOCAL/load-$workers-workers.log"
    : > "$server_log"
    SERVE_SETUP=0 SERVE_CONF="$CONF" setsid scripts/serve.sh --logfile="$server_log" &
    server=$!
    for _ in $(seq 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
        sleep 1
    done
    fault=()
    label="$workers workers"
    if [ -n "${LOAD_FAULT:-}" ]; then
        fault=(--fault "$LOAD_FAULT" --server-pid "$server" --server-log "$server_log")
        label="$workers workers, fault: $LOAD_FAULT"
    fi
    log "load against $workers workers for ${LOAD_SECONDS:-300} s${LOAD_FAULT:+, fault: $LOAD_FAULT}"
    "$PY" scripts/load.py "http://127.0.0.1:$PORT" "$DB" --prepare "$ODOO_CONF" \
        --label "$label" --seconds "${LOAD_SECONDS:-300}" "${fault[@]}" \
        --consultants "${LOAD_CONSULTANTS:-50}" --supervisors "${LOAD_SUPERVISORS:-5}" || status=1
    stop_server
    tracebacks=$(grep -c "^Traceback" "$server_log" || true)
    log "$workers workers: $tracebacks tracebacks in $server_log"
    # A restarted database's tracebacks are load.py's to sort (at the fault or not).
    [ "$tracebacks" = 0 ] || [ "${LOAD_FAULT:-}" = database ] || status=1
done
exit $status

#!/usr/bin/env bash
# make bench: stock crm vs crm + training_crm, same server, same run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
STOCK_DB=training_crm_bench_stock
ADDON_DB=training_crm_bench_addon
for pair in "$STOCK_DB:crm" "$ADDON_DB:training_crm"; do
    db="${pair%%:*}"; modules="${pair#*:}"
    if ! db_exists "$db"; then
        log "creating $db ($modules, no demo data)"
        odoo -d "$db" -i "$modules" --without-demo=all --stop-after-init --max-cron-threads=0 \
            --log-level=warn
    fi
done
cd "$ROOT"
"$PY" scripts/bench.py "$ODOO_CONF" "$STOCK_DB" "$ADDON_DB" "$LOCAL/bench.json"

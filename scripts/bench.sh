#!/usr/bin/env bash
# make bench [LEADS=n] [FOLLOWUPS=n]: stock crm + sale_crm vs training_crm on a
# school-chain data set (default 200,000 leads), same server, same run. The
# databases are kept for the next run; BENCH_REGENERATE=1 rebuilds them and
# BENCH_README=1 writes the results into README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
cd "$ROOT"
args=(--leads "${BENCH_LEADS:-200000}")
[ -z "${BENCH_FOLLOWUPS:-}" ] || args+=(--followups "$BENCH_FOLLOWUPS")
TZ=UTC "$PY" scripts/bench.py "$ODOO_CONF" training_crm_bench_stock training_crm_bench_addon \
    "$LOCAL/bench.json" "${args[@]}"

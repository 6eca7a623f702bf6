#!/usr/bin/env bash
# make bench [LEADS=n] [FOLLOWUPS=n] [CONSULTANTS=n] [ENROLMENTS=n] [ONLY=commissions|kpis|reclaim]
# [ENROL_DAYS=n]:
# stock crm + sale_crm vs training_crm on a school-chain data set (default
# 200,000 leads), same server, same run, the consultant KPI pivot and the
# champions on the addon's database, then last month's commission
# statements of CONSULTANTS consultants (300) over ENROLMENTS enrolments
# (50,000) on a database of their own (HISTORY=n adds n older months of as
# many enrolments); ONLY=commissions runs those alone, ONLY=kpis the KPI
# reads alone on the addon's lead database of LEADS leads, ONLY=reclaim the
# reclaim cron alone there (ENROL_DAYS=n: every grade's enrolment clock, rolled
# back). The
# databases are kept for the next run; BENCH_REGENERATE=1 rebuilds them,
# BENCH_PROFILE=1 profiles the statements (.local/bench-commissions.prof) and
# BENCH_README=1 writes the results into README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
cd "$ROOT"
args=(--leads "${BENCH_LEADS:-200000}")
[ -z "${BENCH_FOLLOWUPS:-}" ] || args+=(--followups "$BENCH_FOLLOWUPS")
[ -z "${BENCH_ONLY:-}" ] || args+=(--only "$BENCH_ONLY")
[ -z "${BENCH_CONSULTANTS:-}" ] || args+=(--consultants "$BENCH_CONSULTANTS")
[ -z "${BENCH_ENROLMENTS:-}" ] || args+=(--enrollments "$BENCH_ENROLMENTS")
[ -z "${BENCH_HISTORY:-}" ] || args+=(--history "$BENCH_HISTORY")
[ -z "${BENCH_ENROL_DAYS:-}" ] || args+=(--enrol-days "$BENCH_ENROL_DAYS")
TZ=UTC "$PY" scripts/bench.py "$ODOO_CONF" training_crm_bench_stock training_crm_bench_addon \
    "$LOCAL/bench.json" "${args[@]}"

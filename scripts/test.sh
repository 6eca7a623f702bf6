#!/usr/bin/env bash
# make test: set up, install our addons into a throwaway database, run the
# whole suite (ours, the wheel and uninstall checks, Odoo's own crm,
# sale_crm, sale, calendar and gamification tests and the OCA helpdesk_mgmt and
# helpdesk_mgmt_sla tests with our addons loaded, browser tours included)
# with pytest-odoo, drop it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ODOO_PORT="${TEST_ODOO_PORT:-8169}"     # a running `make run` keeps 8069
ODOO_CONF="$LOCAL/odoo-test.conf"
DB="training_crm_test_$$"
export TRAINING_CRM_UNINSTALL_DB="${DB}_uninstall"
export TRAINING_CRM_BACKUP_DB="${DB}_backup"
export TRAINING_CRM_UPGRADE_DB="${DB}_upgrade"
export TRAINING_CRM_SERVE_DB="${DB}_serve"
# pytest-xdist: one pytest process a core (at most 4), each on its own copy of
# the test database (pytest-odoo names it $DB-gwN), test files kept whole.
WORKERS="${TEST_WORKERS:-$(( $(nproc) < 4 ? $(nproc) : 4 ))}"

setup_all
# pytest-odoo copies the database for each worker with createdb/dropdb.
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"

cleanup() {
    for db in "$DB" "$TRAINING_CRM_UNINSTALL_DB" "$TRAINING_CRM_BACKUP_DB" "${TRAINING_CRM_BACKUP_DB}_restored" \
        "$TRAINING_CRM_UPGRADE_DB" "$TRAINING_CRM_SERVE_DB" $(seq -f "$DB-gw%g" 0 $((WORKERS - 1))); do
        psql_db -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
        rm -rf "$LOCAL/data/filestore/$db"
    done
}
trap cleanup EXIT

# Lint (make lint) beside the installation: each takes a core for a minute.
lint_log="$LOCAL/lint.log"
( cd "$ROOT" && make --no-print-directory lint ) > "$lint_log" 2>&1 &
lint_pid=$!

# A Chinese company before sale_crm brings Invoicing: China's chart of accounts.
prepare_company "$DB"
log "installing $ADDONS into $DB"
install_log="$LOCAL/test-install.log"
: > "$install_log"   # Odoo appends to its log file: start from an empty one
odoo -d "$DB" -i "$ADDONS" --stop-after-init --max-cron-threads=0 --log-level=warn \
    --logfile="$install_log"
if grep -E " (ERROR|CRITICAL) " "$install_log"; then
    log "installation logged errors (full log: $install_log)"
    exit 1
fi
# Copies for the uninstall, backup, upgrade and serve tests, taken before
# pytest holds connections: one each, as they may run at the same time.
for copy in "$TRAINING_CRM_UNINSTALL_DB" "$TRAINING_CRM_BACKUP_DB" "$TRAINING_CRM_UPGRADE_DB" "$TRAINING_CRM_SERVE_DB"; do
    psql_db -d postgres -qc "CREATE DATABASE \"$copy\" TEMPLATE \"$DB\""
done
[ ! -d "$LOCAL/data/filestore/$DB" ] || cp -a "$LOCAL/data/filestore/$DB" "$LOCAL/data/filestore/$TRAINING_CRM_BACKUP_DB"

if ! wait "$lint_pid"; then
    cat "$lint_log"
    log "lint failed"
    exit 1
fi

# Odoo's own crm and sale_crm tests, sale's on orders, refunds,
# cancellations and invoicing, calendar's (whose event and attendee rules
# trial classes narrow) and gamification's (whose badges carry the awards),
# with our addons loaded.
stock_tests=()
for dir in ${ODOO_ADDONS//,/ }; do
    [ -d "$dir/crm/tests" ] || continue
    stock_tests=("$dir/crm/tests" "$dir/sale_crm/tests")
    for name in test_sale_order test_sale_refund test_sale_order_cancel test_sale_to_invoice; do
        stock_tests+=("$dir/sale/tests/$name.py")
    done
    stock_tests+=("$dir/calendar/tests" "$dir/gamification/tests")
    break
done

# The OCA helpdesk modules' own tests, where their wheels installed them
# (site-packages/odoo/addons), with training_crm_helpdesk loaded: those Odoo's
# own runner (and OCA's CI) runs, helpdesk_mgmt's HOOT unit test of its team
# kanban view in Chromium (test_js.py, about 15 s) included. conftest.py
# deselects the copies only pytest collects, which their authors never run:
# - test_js.py imports web's WebSuite, whose 7 tests pytest runs there too (all
#   fail at once: no _test_params outside Odoo's runner), and its
#   TestHelpdesMgmtJs inherits them: test_get_hoot_filter and
#   test_qunit_desktop fail ("No tests matched the filter"), and test_hoot
#   opens HOOT's own test page filtered to @helpdesk_mgmt, which logs
#   "[ERROR] HootError: no tests to run" but never the success signal, and
#   unit_test_error_checker does not stop on it: Chromium and Odoo then sit
#   idle until browser_js's 30-minute timeout (why it was left out before).
# - helpdesk_mgmt_sla's CommonHelpdeskMgmtSla subclasses helpdesk_mgmt's
#   TestHelpdeskTicket: pytest re-runs its 14 ticket tests in both SLA classes.
#   Both copies of test_helpdesk_ticket_duplicates fail, on a database with
#   the OCA modules alone too (upstream; 18.0.1.19.5 and 18.0.2.1.1 are the
#   newest 18.0 wheels): the SLA fixture archives every ticket but its own two
#   (`search([("id", "not in", ...)]).active = False`), self.ticket and
#   ticket_b_unassigned among them, and duplicate_ids, a One2many to a model
#   with `active`, leaves the archived duplicate out (active_test):
#   ticket_b_unassigned.duplicate_ids is empty. The original in helpdesk_mgmt
#   passes.
oca_tests=()
for name in helpdesk_mgmt helpdesk_mgmt_sla; do
    oca_tests+=("$("$PY" -c "import importlib.util as u; print(u.find_spec('odoo.addons.$name').submodule_search_locations[0])")/tests")
done

# Two of Odoo's own tests cannot run in this database as they are (a skipped
# test fails the run, conftest.py): sale's
# test_partial_invoicing_interaction_with_invoicing_switch_threshold
# needs Enterprise's account_accountant and skips itself without it; sale_crm's
# test_sale_crm_revenue takes USD for the main company's currency (the stock
# demo company's), and ours is CNY: it runs last, on its own, once the main
# company is in USD. (A -k of your own in "$@" replaces this selection.)
not_here="not test_sale_crm_revenue and not test_partial_invoicing_interaction_with_invoicing_switch_threshold"

cd "$ROOT"
status=0
suite() {
    # pytest's 5: nothing selected (a selection of your own may hold no browser test).
    local rc=0
    "$PY" -m pytest -p no:cacheprovider \
        --odoo-database="$DB" --odoo-config="$ODOO_CONF" --odoo-http -k "$not_here" \
        training_crm training_crm_reports training_crm_helpdesk tests "${oca_tests[@]}" \
        "${stock_tests[@]}" "$@" || rc=$?
    [ "$rc" = 5 ] && rc=0
    return "$rc"
}
# First everything but the browser tests, on every core; then the browser
# tests (tours, HOOT) one at a time with the machine to themselves, on the
# test database itself, which the first run left untouched (conftest.py).
log "the suite but its browser tests, on $WORKERS workers"
suite -n "$WORKERS" --dist loadgroup -m "not browser" "$@" || status=$?
log "the browser tests, one at a time"
suite -m browser "$@" || status=$?

if [ $# -eq 0 ] && [ ${#stock_tests[@]} -gt 0 ]; then
    log "sale_crm's test_sale_crm_revenue, on the USD main company it takes for granted"
    psql_db -d "$DB" -qc "UPDATE res_currency SET active = TRUE WHERE name = 'USD';
        UPDATE res_company SET currency_id = (SELECT id FROM res_currency WHERE name = 'USD')
         WHERE id = (SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'main_company')"
    "$PY" -m pytest -p no:cacheprovider -q \
        --odoo-database="$DB" --odoo-config="$ODOO_CONF" -k test_sale_crm_revenue \
        "${stock_tests[1]}/test_sale_crm.py" || status=$?
fi
exit "$status"

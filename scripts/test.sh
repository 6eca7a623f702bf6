#!/usr/bin/env bash
# make test: set up, install both addons into a throwaway database, run the
# whole suite (ours, the wheel and uninstall checks, and Odoo's own crm tests
# with our addons loaded, browser tours included) with pytest-odoo, drop it.
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

crm_tests=""
for dir in ${ODOO_ADDONS//,/ }; do
    [ -d "$dir/crm/tests" ] && { crm_tests="$dir/crm/tests"; break; }
done

cd "$ROOT"
"$PY" -m pytest -p no:cacheprovider \
    --odoo-database="$DB" --odoo-config="$ODOO_CONF" --odoo-http \
    training_crm training_crm_reports tests "$crm_tests" "$@"

# shellcheck shell=bash
# Shared set-up for `make run` and `make test`: Debian packages, PostgreSQL,
# the virtual environment and the Odoo 18.0 source. Every step is idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
LOCAL="$ROOT/.local"                      # generated config, filestore, logs
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/training_crm"
ODOO_CACHE="$CACHE/odoo-18.0"
ODOO_URL="${ODOO_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
ODOO_PORT="${ODOO_PORT:-8069}"
ODOO_CONF="$LOCAL/odoo.conf"
PY="$VENV/bin/python"
ADDONS="training_crm,training_crm_reports,training_crm_helpdesk"

log() { printf '\033[1m[training_crm]\033[0m %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# Debian packages: build headers for psycopg2/python-ldap, PostgreSQL (only
# when no server is given through PG*), wkhtmltopdf for PDF reports and
# chromium for web-client tours.
ensure_apt() {
    local wanted=(curl libpq-dev libldap2-dev libsasl2-dev python3-venv gettext wkhtmltopdf chromium fonts-noto-cjk)
    [ -n "${PGHOST:-}" ] || wanted+=(postgresql)
    local missing=()
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The Odoo 18.0 source: $ODOO_SRC, else the cache, else the official archive.
ensure_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || { log "ODOO_SRC=$ODOO_SRC is not an Odoo source tree"; exit 1; }
    elif [ -f "$ODOO_CACHE/odoo/release.py" ]; then
        ODOO_SRC="$ODOO_CACHE"
    else
        log "downloading Odoo 18.0 into $ODOO_CACHE"
        mkdir -p "$ODOO_CACHE"
        local tmp
        tmp="$(mktemp -d)"
        curl -fSL --retry 3 -o "$tmp/odoo.tar.gz" "$ODOO_URL"
        tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_CACHE" --strip-components=1
        rm -rf "$tmp"
        ODOO_SRC="$ODOO_CACHE"
    fi
    grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || { log "$ODOO_SRC is not Odoo 18.0"; exit 1; }
    # Git checkouts keep most addons in addons/, nightly archives in odoo/addons/.
    ODOO_ADDONS="$ODOO_SRC/odoo/addons"
    [ -d "$ODOO_SRC/addons/crm" ] && ODOO_ADDONS="$ODOO_SRC/addons,$ODOO_ADDONS"
    export ODOO_SRC ODOO_ADDONS
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha"
    local want
    want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"
    if [ ! -x "$PY" ]; then
        log "creating virtual environment $VENV"
        python3 -m venv "$VENV"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "installing Python requirements"
        "$PY" -m pip install -q --upgrade pip
        "$PY" -m pip install -q -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
        echo "$want" > "$stamp"
    fi
    # The OCA addons of training_crm_helpdesk: their wheels require an `odoo`
    # distribution, which a source install is not, hence --no-deps (their
    # OCA dependencies are pinned in the same file). A stamp of their own.
    local oca_stamp="$VENV/.requirements-oca.sha" oca_want
    oca_want="$(sha256sum "$ROOT/requirements-oca.txt" | cut -d' ' -f1)"
    if [ "$(cat "$oca_stamp" 2>/dev/null)" != "$oca_want" ]; then
        log "installing the OCA addons (requirements-oca.txt, --no-deps)"
        "$PY" -m pip install -q --no-deps -r "$ROOT/requirements-oca.txt"
        echo "$oca_want" > "$oca_stamp"
    fi
    # Make `import odoo` resolve to the chosen source tree.
    local site
    site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" > "$site/training_crm_odoo_src.pth"
}

# PostgreSQL: the server named by PG* if given, else a local cluster on
# loopback with a password role for Odoo (Odoo refuses the superuser).
ensure_pg() {
    if [ -n "${PGHOST:-}" ]; then
        DB_HOST="$PGHOST"; DB_PORT="${PGPORT:-5432}"
        DB_USER="${PGUSER:-$(id -un)}"; DB_PASSWORD="${PGPASSWORD:-}"
        return
    fi
    if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        local ver
        ver="$(ls /usr/lib/postgresql | sort -n | tail -1)"
        log "creating PostgreSQL $ver cluster"
        as_root pg_createcluster "$ver" main >/dev/null
    fi
    local ver name port status
    read -r ver name port status _ < <(pg_lsclusters -h | head -1)
    if [ "$status" != online ]; then
        log "starting PostgreSQL $ver/$name on 127.0.0.1:$port"
        as_root pg_ctlcluster "$ver" "$name" start   # Debian listens on localhost only
    fi
    DB_HOST=127.0.0.1; DB_PORT="$port"; DB_USER=training_crm; DB_PASSWORD=training_crm
    as_postgres psql -p "$port" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1 \
        || as_postgres psql -p "$port" -qc "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
}

write_conf() {
    mkdir -p "$LOCAL/data"
    cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_ADDONS,$ROOT
data_dir = $LOCAL/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $ODOO_PORT
max_cron_threads = 1
CONF
}

setup_all() {
    ensure_apt
    ensure_odoo
    ensure_venv
    ensure_pg
    write_conf
}

# odoo [COMMAND] ARGS: odoo-bin with the generated config.
odoo() {
    local cmd=()
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then cmd=("$1"); shift; fi
    "$PY" -c "import os; os.environ['TZ'] = 'UTC'; import odoo; odoo.cli.main()" \
        "${cmd[@]}" -c "$ODOO_CONF" "$@"
}

psql_db() {
    PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$@"
}

db_exists() {
    psql_db -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1
}

# prepare_company DB [school]: make the main company Chinese (CN, CNY,
# Asia/Shanghai) before our addons install, on a new database (created with
# `base` alone first) as on an existing one that has no `account` yet (our
# addons from before they depended on sale_crm). `account`, which sale_crm
# brings, loads the chart of accounts of the company's country when it
# installs: l10n_cn then, not the generic chart in dollars. Once `account` is
# in, the company is left alone (its chart and currency are set). "school"
# (make run) also makes it the demo school: name, address, Chinese.
prepare_company() {
    local db="$1" mode="${2:-country}"
    if ! db_exists "$db"; then
        log "creating $db with base alone, to set its company before anything else installs"
        odoo -d "$db" -i base --stop-after-init --max-cron-threads=0 --log-level=warn
    elif psql_db -d "$db" -qtAc "SELECT 1 FROM ir_module_module WHERE name = 'account' AND state = 'installed'" | grep -q 1; then
        return 0
    fi
    log "making the main company of $db Chinese before Sales and Invoicing install"
    TRAINING_CRM_COMPANY="$mode" odoo shell -d "$db" --no-http --max-cron-threads=0 --log-level=warn \
        >/dev/null < "$ROOT/scripts/demo_school.py"
}

# needs_update DB: our addons are installed in DB without sale_crm, which they
# now depend on (a database from before): it must be updated to serve them.
needs_update() {
    psql_db -d "$1" -qtAc "SELECT 1 FROM ir_module_module WHERE name = 'sale_crm' AND state = 'installed'" | grep -q 1 && return 1
    psql_db -d "$1" -qtAc "SELECT 1 FROM ir_module_module WHERE name = 'training_crm' AND state = 'installed'" | grep -q 1
}

#!/usr/bin/env bash
# make serve: the production command. Odoo's prefork workers and a cron
# worker behind a reverse proxy (deploy/nginx/training_crm.conf), on the
# school's database alone, configured by scripts/serve_conf.py into
# .local/odoo-serve.conf (mode 0600, its random master password kept across
# runs). A database that does not exist yet is created without demo data.
#
#   make serve [DB=training_crm] [WORKERS=n]     (as root or a sudoer: set-up)
#   SERVE_SETUP=0 scripts/serve.sh               (the systemd unit: no set-up,
#                                                 the existing configuration)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ODOO_CONF="${SERVE_CONF:-$LOCAL/odoo-serve.conf}"     # SERVE_CONF: another path (tests)
GEVENT_PORT="${GEVENT_PORT:-8072}"

conf_get() {
    "$PY" -c 'import configparser, sys
p = configparser.ConfigParser(interpolation=None)
p.read(sys.argv[1])
print(p.get("options", sys.argv[2], fallback=""))' "$ODOO_CONF" "$1"
}

if [ "${SERVE_SETUP:-1}" != 0 ]; then
    DB="${ODOO_DB:-training_crm}"
    ensure_apt
    ensure_odoo
    ensure_venv
    ensure_pg
    mkdir -p "$LOCAL/data"
    workers=()
    [ -n "${WORKERS:-}" ] && workers=(--workers "$WORKERS")
    "$PY" "$ROOT/scripts/serve_conf.py" --out "$ODOO_CONF" --db "$DB" \
        --addons-path "$ODOO_ADDONS,$ROOT" --data-dir "$LOCAL/data" \
        --db-host "$DB_HOST" --db-port "$DB_PORT" --db-user "$DB_USER" --db-password "$DB_PASSWORD" \
        --http-port "$ODOO_PORT" --gevent-port "$GEVENT_PORT" "${workers[@]}"
    if ! db_exists "$DB"; then
        log "creating database $DB for production: base, the company's country, the three addons, no demo data"
        trap 'log "setting up $DB failed: dropped, the next run starts afresh"; psql_db -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" || true' ERR
        prepare_company "$DB"
        odoo -d "$DB" -i "$ADDONS" --stop-after-init --max-cron-threads=0 --workers=0 --log-level=warn
        # Chinese for the staff who want it, English staying installed; the
        # administrator gets a random password (not Odoo's `admin`), shown once
        # and kept in .local/serve-admin-password (0600).
        admin_file="$LOCAL/serve-admin-password"
        (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(12))' > "$admin_file")
        TRAINING_CRM_ADMIN_PASSWORD="$(cat "$admin_file")" \
            odoo shell -d "$DB" --no-http --max-cron-threads=0 --workers=0 --log-level=warn >/dev/null <<'PY'
import os
for code in ("zh_CN", "zh_TW"):
    env["res.lang"]._activate_lang(code)
env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["zh_CN", "zh_TW"])
env.ref("base.user_admin").password = os.environ["TRAINING_CRM_ADMIN_PASSWORD"]
env.cr.commit()
PY
        trap - ERR
        log "database $DB created: log in as admin with the password in $admin_file"
    elif [ -n "${ODOO_UPDATE:-}" ]; then
        log "updating our addons in $DB"
        odoo -d "$DB" -u "$ADDONS" --stop-after-init --max-cron-threads=0 --workers=0 --log-level=warn
    fi
else
    [ -f "$ODOO_CONF" ] || { log "$ODOO_CONF is missing: run \`make serve\` once first"; exit 1; }
    DB="$(conf_get db_name)"
fi

# wkhtmltopdf fetches the report's CSS and images over HTTP: from the server's
# own loopback port, not from web.base.url (the proxy's public name, which the
# server may not reach, or reach only through the proxy).
report_url="http://127.0.0.1:$(conf_get http_port)"
odoo shell -d "$DB" --no-http --max-cron-threads=0 --workers=0 --log-level=warn >/dev/null <<PY
env["ir.config_parameter"].sudo().set_param("report.url", "$report_url")
env.cr.commit()
PY

log "serving $DB with $(conf_get workers) workers and a cron worker on http://127.0.0.1:$(conf_get http_port) (websocket: $(conf_get gevent_port)); put the reverse proxy in front (deploy/)"
# Through odoo-bin itself, not `python -c`: the prefork server starts its
# gevent worker as `sys.executable sys.argv[0] gevent ...`. The source tree is
# the one the virtual environment imports (ensure_venv's .pth file).
odoo_bin="$("$PY" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))')/odoo-bin"
[ -f "$odoo_bin" ] || { log "no odoo-bin beside the odoo package ($odoo_bin)"; exit 1; }
exec "$PY" "$odoo_bin" -c "$ODOO_CONF" "$@"

#!/usr/bin/env bash
# make backup / make restore: Odoo's own dump (`odoo db dump`/`odoo db load`:
# a zip of pg_dump's SQL, the filestore and a manifest of the modules), the
# format of the database manager's Backup and Restore.
#
#   scripts/backup.sh backup DB [FILE]     FILE defaults to .local/backups/DB-<UTC time>.zip
#   scripts/backup.sh restore DB FILE      DB must not exist (FORCE=1 drops it first)
#
# BACKUP_CONF=an existing Odoo configuration (its database server and data_dir)
# skips the set-up; by default the set-up of `make run` is done and its
# configuration used (the same database server and filestore as `make serve`).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${1:-}" DB="${2:-}" FILE="${3:-}"
usage() { log "usage: $0 backup DB [FILE] | $0 restore DB FILE"; exit 2; }
[ -n "$DB" ] || usage

if [ -n "${BACKUP_CONF:-}" ]; then
    ODOO_CONF="$BACKUP_CONF"
    ensure_odoo
else
    setup_all
fi

case "$mode" in
backup)
    if [ -z "$FILE" ]; then
        (umask 077 && mkdir -p "$LOCAL/backups")
        FILE="$LOCAL/backups/$DB-$(date -u +%Y%m%d-%H%M%S).zip"
    fi
    # The dump holds every customer's data: readable by its owner alone.
    (umask 077 && odoo db dump "$DB" "$FILE")
    log "backed up $DB (database and filestore) to $FILE ($(du -h "$FILE" | cut -f1))"
    echo "$FILE"
    ;;
restore)
    [ -n "$FILE" ] || usage
    [ -f "$FILE" ] || { log "no such file: $FILE"; exit 1; }
    # Odoo refuses an existing database ("Target database DB exists"):
    # restore under another name, or FORCE=1 to drop it first.
    force=()
    [ -n "${FORCE:-}" ] && force=(--force)
    odoo db load "${force[@]}" "$DB" "$FILE"
    log "restored $FILE into $DB (database and filestore)"
    ;;
*)
    usage
    ;;
esac

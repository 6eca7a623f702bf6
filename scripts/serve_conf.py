"""`make serve`'s Odoo configuration: prefork workers behind a reverse proxy.

`make run` is the demo (one threaded process, master password `admin`, the
database manager open on loopback); `make serve` writes its own configuration,
`.local/odoo-serve.conf`, from the same database settings: Odoo's prefork
workers and a cron worker, `proxy_mode` for the reverse proxy's X-Forwarded-*
headers, the school's database alone (`dbfilter`, no database list), a random
master password generated once and kept across runs, and Odoo's memory and
time limits. `scripts/serve.sh` calls it; tests/test_deploy.py imports it.

    python scripts/serve_conf.py --out .local/odoo-serve.conf --db training_crm \
        --addons-path ... --data-dir ... --db-host ... [--workers 5]
"""

import argparse
import configparser
import os
import pathlib
import re
import secrets

# The ports nginx proxies to (deploy/nginx/training_crm.conf): HTTP and
# Odoo 18's gevent worker, which alone serves /websocket in prefork mode.
HTTP_PORT = 8069
GEVENT_PORT = 8072

MIB = 1024 * 1024
# Per worker: past the soft limit a worker finishes its request and is
# recycled; past the hard limit an allocation fails and the request with it.
LIMIT_MEMORY_SOFT_MIB = 1536
LIMIT_MEMORY_HARD_MIB = 2048
# Per request: CPU seconds and wall-clock seconds (the proxy's read timeout
# matches the latter). PDF statements of a whole team and big exports fit.
LIMIT_TIME_CPU = 120
LIMIT_TIME_REAL = 240
# The cron worker's wall-clock limit per job: batched jobs commit between
# batches, and the nightly refreshes of a school chain take minutes.
LIMIT_TIME_REAL_CRON = 1800
LIMIT_REQUEST = 8192
# Connections per process: workers serve one request at a time; the gevent
# worker multiplexes the websockets. Keeps (workers + 2) pools well under
# PostgreSQL's default max_connections (100) in practice.
DB_MAXCONN = 16
DB_MAXCONN_GEVENT = 32


def default_workers(cores=None):
    """Odoo's rule of thumb: 2 workers per core, plus one."""
    cores = cores or os.cpu_count() or 1
    return 2 * cores + 1


def dbfilter(db):
    """The school's database alone, whatever the Host header says."""
    return f"^{re.escape(db)}$"


def existing_admin_passwd(path):
    """The master password an earlier run generated, if any (never `admin`)."""
    path = pathlib.Path(path)
    if not path.exists():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    passwd = parser.get("options", "admin_passwd", fallback="")
    return passwd if passwd and passwd != "admin" else None


def serve_options(
    db,
    *,
    addons_path,
    data_dir,
    db_host,
    db_port,
    db_user,
    db_password,
    admin_passwd=None,
    workers=None,
    http_port=HTTP_PORT,
    gevent_port=GEVENT_PORT,
    http_interface="127.0.0.1",
):
    """The [options] of the serve configuration, as Odoo reads them."""
    workers = int(workers) if workers else default_workers()
    if workers < 2:
        # Odoo refuses PDF rendering with a single worker (it would wait on
        # itself for the report's assets).
        raise ValueError("make serve needs at least 2 workers (PDF reports)")
    return {
        "addons_path": addons_path,
        "data_dir": data_dir,
        "db_host": db_host,
        "db_port": str(db_port),
        "db_user": db_user,
        "db_password": db_password,
        "db_name": db,
        "dbfilter": dbfilter(db),
        "list_db": "False",
        "admin_passwd": admin_passwd or secrets.token_urlsafe(24),
        "proxy_mode": "True",
        "http_interface": http_interface,
        "http_port": str(http_port),
        "gevent_port": str(gevent_port),
        "workers": str(workers),
        "max_cron_threads": "1",
        "limit_memory_soft": str(LIMIT_MEMORY_SOFT_MIB * MIB),
        "limit_memory_hard": str(LIMIT_MEMORY_HARD_MIB * MIB),
        "limit_time_cpu": str(LIMIT_TIME_CPU),
        "limit_time_real": str(LIMIT_TIME_REAL),
        "limit_time_real_cron": str(LIMIT_TIME_REAL_CRON),
        "limit_request": str(LIMIT_REQUEST),
        "db_maxconn": str(DB_MAXCONN),
        "db_maxconn_gevent": str(DB_MAXCONN_GEVENT),
        # A school's database never gets demo data, base's included.
        "without_demo": "all",
    }


def render(options):
    lines = ["[options]"] + [f"{key} = {value}" for key, value in options.items()]
    return "\n".join(lines) + "\n"


def write_conf(path, options):
    """Write the configuration readable by its owner alone (it holds the
    master password and the database password)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(render(options))
    os.chmod(path, 0o600)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db-host", required=True)
    parser.add_argument("--db-port", required=True)
    parser.add_argument("--db-user", required=True)
    parser.add_argument("--db-password", default="")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--http-port", type=int, default=HTTP_PORT)
    parser.add_argument("--gevent-port", type=int, default=GEVENT_PORT)
    args = parser.parse_args(argv)
    options = serve_options(
        args.db,
        addons_path=args.addons_path,
        data_dir=args.data_dir,
        db_host=args.db_host,
        db_port=args.db_port,
        db_user=args.db_user,
        db_password=args.db_password,
        admin_passwd=existing_admin_passwd(args.out),
        workers=args.workers,
        http_port=args.http_port,
        gevent_port=args.gevent_port,
    )
    write_conf(args.out, options)
    return options


if __name__ == "__main__":
    main()

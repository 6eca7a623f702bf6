"""What the top-level tests share: a plain connection to a database of the
test server, and Odoo's command line in a process of its own (a registry of
another database cannot load inside the test process, which is in test mode)."""

import contextlib
import os
import subprocess
import sys

import psycopg2

from odoo.tools import config


@contextlib.contextmanager
def connect(dbname, autocommit=False):
    conn = psycopg2.connect(
        dbname=dbname,
        host=config["db_host"],
        port=config["db_port"],
        user=config["db_user"],
        password=config["db_password"],
    )
    conn.autocommit = autocommit
    try:
        yield conn
    finally:
        conn.close()


def query(dbname, sql, params=None):
    with connect(dbname) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def odoo_cli(*args, stdin=None, env=None, check=False):
    """`odoo` with the test server's configuration, in UTC as the server runs."""
    return subprocess.run(
        [sys.executable, "-c", "import odoo; odoo.cli.main()", *args, "-c", config.rcfile],
        input=stdin,
        env={**os.environ, "TZ": "UTC", **(env or {})},
        text=True,
        capture_output=True,
        check=check,
    )


def odoo_shell(dbname, script, env=None):
    """Run `script` in `odoo shell` on `dbname`; its output."""
    return odoo_cli(
        "shell",
        "-d",
        dbname,
        "--no-http",
        "--max-cron-threads=0",
        "--log-level=warn",
        stdin=script,
        env=env,
        check=True,
    ).stdout

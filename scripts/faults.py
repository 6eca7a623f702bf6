"""Fault runs for the production path (issue 18), scripted, not in `make test`.

    make faults [FAULT=cron] [TEMPLATE=training_crm_bench_addon_10k]

cron: the reclaim's scheduled action killed (`kill -9`) in the middle of its
batches, then run again, as the cron worker would at its next call. On a copy
of a `make bench` lead database (built by `make bench`), whose leads past
their return date are due: the first run is killed once some batches are
committed; the second must return the others, and no lead may be returned
twice (one "back to the pool" message each) nor left half-returned (owned,
with a returned rule, or unowned without one).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
RELEASED = "training_crm.mt_lead_released"


def connect(config, dbname):
    conn = psycopg2.connect(
        dbname=dbname,
        host=config["db_host"],
        port=config["db_port"],
        user=config["db_user"],
        password=config["db_password"],
    )
    conn.autocommit = True
    return conn


def scalar(conn, query, params=()):
    with conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchone()[0]


def odoo_shell(config_file, dbname, code):
    """An `odoo shell` on the database running `code`, in a process group of
    its own (killed whole)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import odoo; odoo.cli.main()",
            "shell",
            "-c",
            config_file,
            "-d",
            dbname,
            "--no-http",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TZ": "UTC"},
    )
    process.stdin.write(code)
    process.stdin.close()
    return process


RELEASE = "env['crm.lead']._cron_release_idle_leads()\nenv.cr.commit()\n"
DUE = """
    SELECT count(*) FROM crm_lead
     WHERE active AND user_id IS NOT NULL
       AND pool_return_date <= (now() AT TIME ZONE 'UTC')
"""
RETURNED_MESSAGES = """
    SELECT count(*), count(DISTINCT m.res_id) FROM mail_message m
      JOIN mail_message_subtype s ON s.id = m.subtype_id
      JOIN ir_model_data d ON d.model = 'mail.message.subtype' AND d.res_id = s.id
     WHERE m.model = 'crm.lead' AND d.module || '.' || d.name = %s AND m.id > %s
"""


def cron_killed(config, config_file, template):
    dbname = f"{template}_fault"
    admin = connect(config, "postgres")
    with admin.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cr.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
    conn = connect(config, dbname)
    try:
        due = scalar(conn, DUE)
        if not due:
            sys.exit(f"{template}: no lead due to return; build it with make bench")
        last_message = scalar(conn, "SELECT COALESCE(max(id), 0) FROM mail_message")
        start = time.monotonic()
        first = odoo_shell(config_file, dbname, RELEASE)
        returned_at_kill = 0
        while first.poll() is None:
            returned_at_kill = due - scalar(conn, DUE)
            if returned_at_kill:
                os.killpg(first.pid, signal.SIGKILL)
                break
            time.sleep(0.05)
        first.wait()
        killed = first.returncode == -signal.SIGKILL
        after_kill = due - scalar(conn, DUE)
        second = odoo_shell(config_file, dbname, RELEASE)
        if second.wait():
            sys.exit(f"second run failed:\n{second.stderr.read()[-4000:]}")
        left = scalar(conn, DUE)
        messages, leads = (
            scalar(
                conn,
                f"SELECT row(c, d)::text FROM ({RETURNED_MESSAGES}) x (c, d)",
                (RELEASED, last_message),
            )
            .strip("()")
            .split(",")
        )
        half = scalar(
            conn,
            """
            SELECT count(*) FROM crm_lead
             WHERE active AND ((user_id IS NULL AND pool_return_date <= now() AT TIME ZONE 'UTC'
                                AND pool_return_reason IS NULL)
                               OR (user_id IS NOT NULL AND pool_return_date <= now() AT TIME
                                   ZONE 'UTC'))
            """,
        )
        result = {
            "due": due,
            "killed": killed,
            "returned when killed": after_kill,
            "left after the second run": left,
            "messages": int(messages),
            "leads with a message": int(leads),
            "half-returned": half,
            "seconds": round(time.monotonic() - start, 1),
        }
        result["pass"] = (
            killed
            and 0 < after_kill < due
            and left == 0
            and int(messages) == int(leads) == due
            and half == 0
        )
        return result
    finally:
        conn.close()
        with admin.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("fault", choices=["cron"], nargs="?", default="cron")
    parser.add_argument("--template", default="training_crm_bench_addon_10k")
    args = parser.parse_args()
    import odoo

    odoo.tools.config.parse_config(["-c", args.config])
    result = cron_killed(odoo.tools.config, args.config, args.template)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["pass"] else 1)


if __name__ == "__main__":
    main()

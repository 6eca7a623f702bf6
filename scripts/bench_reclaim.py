"""The reclaim (issue 17) as one scheduled action on a bench database.

    .venv/bin/python scripts/bench_reclaim.py -c ODOO_CONF -d DB [--enrol-days M]

Runs `training_crm.ir_cron_release_idle_leads` as the cron runner does (its
user, a progress record, called again while leads remain), in test mode: no
commit, everything rolled back at the end. Reports the leads due and in the
warning window before, then calls, seconds, queries, leads returned and
warnings created. With --enrol-days, every grade's enrolment clock is set to
M days first (in the same rolled-back transaction) and the time that takes
(the recomputation of the leads' return dates) is reported too. For
`make bench` to wire in (scripts/bench.py is not edited here).
"""

import argparse
import json
import threading
import time

import odoo
from odoo import api, fields
from odoo.modules.registry import Registry

CRON_MAX_CALLS = 20


def counts(cr, warning_days):
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE pool_return_date <= now() AT TIME ZONE 'UTC'),
               count(*) FILTER (WHERE pool_return_date > now() AT TIME ZONE 'UTC'
                   AND pool_return_date <= now() AT TIME ZONE 'UTC' + %s * interval '1 day'),
               count(*)
          FROM crm_lead WHERE active AND user_id IS NOT NULL
        """,
        [warning_days],
    )
    due, window, owned = cr.fetchone()
    cr.execute(
        """SELECT count(*) FROM mail_activity a JOIN ir_model_data d
             ON d.res_id = a.activity_type_id AND d.model = 'mail.activity.type'
            WHERE d.module = 'training_crm' AND d.name = 'mail_activity_type_pool_return'"""
    )
    return {"due": due, "warning_window": window, "owned": owned, "warnings": cr.fetchone()[0]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--enrol-days", type=int, default=0)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--max-cron-threads=0"])
    threading.current_thread().testing = True  # no commit: rolled back at the end
    registry = Registry(args.database)
    result = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        warning_days = env["crm.lead"]._get_pool_warning_days()
        if args.enrol_days:
            start = time.perf_counter()
            grades = env["training.crm.grade"].search([])
            grades.write({"enrol_days": args.enrol_days})
            env.flush_all()
            result["set_enrol_days_seconds"] = round(time.perf_counter() - start, 2)
        result["before"] = counts(cr, warning_days)
        cron = env.ref("training_crm.ir_cron_release_idle_leads")
        seconds = queries = calls = 0
        while calls < CRON_MAX_CALLS:
            job = cron.with_user(cron.user_id).with_context(lastcall=cron.lastcall)
            job, progress = job._add_progress()
            start, count = time.perf_counter(), cr.sql_log_count
            job.env["crm.lead"]._cron_release_idle_leads()
            job.env.flush_all()
            seconds += time.perf_counter() - start
            queries += cr.sql_log_count - count
            calls += 1
            if not progress.remaining:
                break
        result.update(
            calls=calls,
            seconds=round(seconds, 2),
            queries=queries,
            after=counts(cr, warning_days),
            now=fields.Datetime.to_string(fields.Datetime.now()),
        )
        cr.rollback()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

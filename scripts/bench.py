"""Benchmarks, as ratios against stock Odoo CRM in the same run.

    scripts/bench.sh   (make bench)

Each scenario runs on two databases of one server: `stock` has crm only,
`addon` has crm + training_crm. Query counts are exact; times vary by about
10% on two cores. Every scenario is rolled back, so the databases are reusable.
"""

import json
import sys
import time

import odoo
from odoo import api
from odoo.modules.registry import Registry

BATCH = 5000


def lead_vals(n, offset=0, **extra):
    return [
        {
            "name": f"Bench lead {i}",
            "contact_name": f"Student {i}",
            "phone": f"+86 139 {i // 10000:04d} {i % 10000:04d}",
            "email_from": f"bench{i}@example.com",
            "country_id": extra.get("country_id"),
            "team_id": extra.get("team_id"),
            "user_id": extra.get("user_id", False),
        }
        for i in range(offset, offset + n)
    ]


def measure(cr, fn):
    queries = cr.sql_log_count
    start = time.perf_counter()
    fn()
    return {"seconds": round(time.perf_counter() - start, 3), "queries": cr.sql_log_count - queries}


def run(dbname):
    results = {}
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env.ref("base.main_company").country_id = env.ref("base.cn")
        team = env["crm.team"].create({"name": "Bench Campus"})
        admin = env.ref("base.user_admin")
        common = {"country_id": env.ref("base.cn").id, "team_id": team.id}
        # People already owned: 1% of the imported batch will collide with them.
        env["crm.lead"].create(lead_vals(BATCH // 100, 0, user_id=admin.id, **common))
        env.flush_all()
        Lead = env["crm.lead"].with_user(admin)

        def import_batch():
            Lead.with_context(import_file=True).create(lead_vals(BATCH, 0, **common))
            env.flush_all()

        results[f"import {BATCH} leads (1% known people)"] = measure(cr, import_batch)

        def create_one():
            for i in range(50):
                Lead.create(lead_vals(1, 100000 + i, **common))
                env.flush_all()

        results["create 50 leads one by one"] = measure(cr, create_one)

        def search_pipeline():
            for _i in range(20):
                Lead.search_fetch([("type", "=", "opportunity")], ["name", "user_id"], limit=80)
                env.invalidate_all()

        results["search the pipeline 20 times"] = measure(cr, search_pipeline)
        cr.rollback()
    return results


def run_protection(dbname, leads=100_000):
    """The protection cron on `leads` idle leads (addon only: stock has no such cron)."""
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        grade = env.ref("training_crm.grade_b")
        admin = env.ref("base.user_admin")
        stage = env["crm.stage"].search([], limit=1)
        # Bulk rows straight in SQL: the fixture is not what is measured.
        cr.execute(
            """
            INSERT INTO crm_lead (name, type, active, probability, user_id, company_id,
                                  stage_id, intent_grade_id, date_open, create_date,
                                  write_date, create_uid, write_uid, priority)
            SELECT 'Idle ' || n, 'opportunity', TRUE, 10, %s, %s, %s, %s,
                   now() - interval '60 days', now() - interval '60 days', now(), 1, 1, '0'
              FROM generate_series(1, %s) n
            """,
            [admin.id, env.company.id, stage.id, grade.id, leads],
        )
        result = measure(cr, lambda: env["crm.lead"]._cron_release_idle_leads(commit=False))
        cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Idle %%' AND user_id IS NULL")
        result["released"] = cr.fetchone()[0]
        cr.rollback()
    return result


def main():
    config_file, stock_db, addon_db = sys.argv[1:4]
    odoo.tools.config.parse_config(["-c", config_file, "--max-cron-threads=0", "--log-level=warn"])
    table = {}
    for label, dbname in (("stock", stock_db), ("addon", addon_db)):
        for name, figures in run(dbname).items():
            table.setdefault(name, {})[label] = figures
    print(
        f"{'scenario':45} {'stock q':>8} {'addon q':>8} {'q ratio':>8} "
        f"{'stock s':>8} {'addon s':>8} {'s ratio':>8}"
    )
    for name, row in table.items():
        stock, addon = row["stock"], row["addon"]
        print(
            f"{name:45} {stock['queries']:>8} {addon['queries']:>8} "
            f"{addon['queries'] / max(stock['queries'], 1):>8.2f} "
            f"{stock['seconds']:>8.2f} {addon['seconds']:>8.2f} "
            f"{addon['seconds'] / max(stock['seconds'], 1e-6):>8.2f}"
        )
    protection = run_protection(addon_db)
    print(
        f"protection cron, {protection['released']} idle leads released: "
        f"{protection['seconds']:.1f} s, {protection['queries']} queries "
        f"({protection['queries'] / max(protection['released'], 1) * 1000:.0f} per 1000 leads)"
    )
    table["protection cron"] = {"addon": protection}
    with open(sys.argv[4] if len(sys.argv) > 4 else "/dev/null", "w") as out:
        json.dump(table, out, indent=2)


if __name__ == "__main__":
    main()

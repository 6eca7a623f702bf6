"""Benchmarks on a school-chain data set, as ratios against stock Odoo CRM.

    scripts/bench.sh                 (make bench [LEADS=200000] [FOLLOWUPS=970000])
    scripts/bench.py --readme [JSON] (put a result file's table into README.md)

Two databases per size on one server: `stock` has crm and sale_crm (what
training_crm depends on), `addon` has those + training_crm +
training_crm_reports, with the same leads (bench_data.py); the addon's also
has 100,000 enrolments for the enrolment state scheduled action and families
up to 100,000 contacts with an enrolment for the value grade action.
Other people's jobs share the machine, so absolute times are noisy: every
scenario runs on both databases, alternating, and is reported as the median
of 5 runs (after one warm-up) and as a ratio. Every run is rolled back.
"""

import argparse
import cProfile
import gc
import inspect
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import bench_data
from lxml import etree

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 5  # the imports: 10 s a run
# Single acts take tens of milliseconds: a checkpoint or an autovacuum of the
# shared server can double one run, so they take the median of more runs.
REPEAT_FAST = 21
SMALL = 10_000  # the import must be as fast at the default size as at this one
FOLLOWUPS_PER_LEAD = 970_000 / 200_000
IMPORT_ROWS = 1000
KNOWN_PEOPLE = 15  # 1.5% of the imported rows are people already in the database
CRON_MAX_CALLS = 200  # 64 calls if the refactored cron does one batch of 1,000 a call
ORDER_LINES = 100  # an order of a whole class's courses, one line each
ORDER_PRODUCTS = 10  # courses (addon) or service products (stock) on those lines
TARGETS = {
    "ratio": 1.3,
    "import_growth": 1.2,
    "cron_seconds": 60,  # the reclaim and its warnings as one action (issue 17)
    "cron_mb": 300,
    "order_extra_queries_growth": 0,
    "enrollment_cron_seconds": 60,
    "care_cron_seconds": 60,
    "value_grades_seconds": 60,
    "commission_seconds": 30,
    "kpi_seconds": 2,  # issue 16: the KPI pivot by month x consultant
    "kpi_refresh_seconds": 60,  # issue 16: the nightly snapshot and closed months' sums
}
PROFILE_ROWS = 25  # functions listed when BENCH_PROFILE=1 profiles the statements


def db_name(prefix, leads):
    return f"{prefix}_{leads // 1000}k" if leads % 1000 == 0 else f"{prefix}_{leads}"


class Database:
    """One database kept open for the run; each scenario run is rolled back."""

    def __init__(self, dbname):
        self.registry = Registry(dbname)
        self.cr = self.registry.cursor()
        self.env = api.Environment(self.cr, api.SUPERUSER_ID, {"tz": bench_data.TZ})
        self.addon = "training.crm.followup" in self.env
        self.users = self.env["res.users"].with_context(active_test=False)
        self.manager = self.users.search([("login", "=", "bench_manager")])
        self.cache = {}

    def rows(self, query, *args):
        self.cr.execute(query, args)
        return self.cr.fetchall()

    def cached_rows(self, query, *args):
        """Rows that every run of a scenario picks from (the runs roll back)."""
        if (query, args) not in self.cache:
            self.cache[query, args] = self.rows(query, *args)
        return self.cache[query, args]

    def run(self, prepare, rep, vacuum):
        """Prepare outside the measure, then time the action with its flush."""
        action = prepare(self, rep)
        self.env.flush_all()
        self.env.invalidate_all()
        queries, start = self.cr.sql_log_count, time.perf_counter()
        action()
        self.env.flush_all()
        seconds = time.perf_counter() - start
        queries = self.cr.sql_log_count - queries
        self.cr.rollback()
        if vacuum:
            self.vacuum()
        return seconds, queries

    def vacuum(self):
        """Rolled-back rows stay in the indexes as dead entries until vacuumed,
        and only lookups (the addon's, by phone and e-mail) pay for them: each
        run starts from the same table, as it would after committed imports."""
        with odoo.sql_db.db_connect(self.cr.dbname).cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute("VACUUM ANALYZE crm_lead")


def measure(pair, prepare, repeat=REPEAT_FAST, vacuum=False):
    """Median of `repeat` runs per database, stock and addon alternating;
    `vacuum` after each run that wrote many leads (the imports)."""
    runs = {label: [] for label in pair}
    for rep in range(-1, repeat):  # -1: warm-up (ormcaches, compiled views), not counted
        for label, database in pair.items():
            figures = database.run(prepare, rep, vacuum)
            if rep >= 0:
                runs[label].append(figures)
    result = {}
    for label, figures in runs.items():
        result[label] = {
            "seconds": round(statistics.median(s for s, _q in figures), 4),
            "queries": int(statistics.median(q for _s, q in figures)),
            "runs": [round(s, 4) for s, _q in figures],
        }
    result["ratio"] = round(result["addon"]["seconds"] / result["stock"]["seconds"], 2)
    print(
        f"  stock {result['stock']['seconds']:.3f} s, {result['stock']['queries']} queries; "
        f"addon {result['addon']['seconds']:.3f} s, {result['addon']['queries']} queries; "
        f"ratio {result['ratio']:.2f}",
        flush=True,
    )
    return result


def campus(db, rep):
    return db.env["crm.team"].search([("name", "=", f"Campus {rep % 20 + 1:02d}")]).id


def consultant_of_team(db, team_id, rep=0):
    members = db.env["crm.team"].browse(team_id).member_ids.sorted("id")
    return members[rep % len(members)]


def owned_leads(db):
    """Open owned leads with their due activity, the same ones in both databases."""
    return db.cached_rows(
        """SELECT l.id, l.user_id FROM crm_lead l
            WHERE l.active AND l.user_id IS NOT NULL AND l.probability < 100
              AND EXISTS (SELECT 1 FROM mail_activity a
                           WHERE a.res_model = 'crm.lead' AND a.res_id = l.id)
         ORDER BY l.id LIMIT %s""",
        REPEAT_FAST + 1,
    )


def create_lead(db, rep):
    team_id = campus(db, rep)
    user = consultant_of_team(db, team_id, rep)
    vals = {
        "name": "王小明 · 雅思",
        "contact_name": "王小明",
        "phone": f"+86 177 0000 {rep + 1:04d}",
        "email_from": f"new.student{rep + 1}@qq.com",
        "team_id": team_id,
    }
    return lambda: db.env["crm.lead"].with_user(user).create(vals)


def import_rows(db, rep):
    """Rows as Odoo's importer passes them: strings, names for relations."""
    known = db.rows(
        """SELECT phone, email_from FROM crm_lead
            WHERE user_id IS NOT NULL AND active ORDER BY id LIMIT %s OFFSET %s""",
        KNOWN_PEOPLE,
        rep * KNOWN_PEOPLE + KNOWN_PEOPLE,
    )
    rows = []
    for k in range(IMPORT_ROWS):
        n = (rep + 1) * IMPORT_ROWS + k
        phone, email = f"+86 177 {n // 10000:04d} {n % 10000:04d}", f"import{n}@163.com"
        if k % (IMPORT_ROWS // KNOWN_PEOPLE) == 0 and known:
            phone, email = known.pop()
        rows.append(
            [f"导入 {n} · 编程", f"学生 {n}", phone, email or "", f"Campus {k % 20 + 1:02d}"]
        )
    rows = [[*row, "China"] for row in rows]
    columns = ["name", "contact_name", "phone", "email_from", "team_id", "country_id"]

    def load():
        result = (
            db.env["crm.lead"]
            .with_user(db.manager)
            .with_context(import_file=True)
            .load(columns, rows)
        )
        errors = [m for m in result["messages"] if m.get("type") == "error"]
        assert not errors and len(result["ids"]) == IMPORT_ROWS, errors[:3]

    return load


def log_followup(db, rep):
    """The consultant closes the due contact on their own lead and plans the next."""
    lead_id, user_id = owned_leads(db)[rep + 1]
    user = db.users.browse(user_id)
    lead = db.env["crm.lead"].with_user(user).browse(lead_id)
    note = "Reached the mother: wants the weekend class, calls back after the exam."
    if db.addon:
        vals = {"lead_id": lead_id, "outcome": "reached", "channel": "phone", "note": note}
        return lambda: db.env["training.crm.followup"].with_user(user).create(vals)

    def stock():
        todo = db.env.ref("mail.mail_activity_data_todo")
        lead.activity_ids.filtered(lambda a: a.activity_type_id == todo).action_feedback(
            feedback=note
        )
        lead.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date.today() + timedelta(days=7),
            user_id=user.id,
        )

    return stock


def first_contact(db, rep):
    """A consultant reaches a person of their team's pool and so takes the lead."""
    pool = db.cached_rows(
        """SELECT l.id, l.team_id FROM crm_lead l
            WHERE l.user_id IS NULL AND l.active
              AND NOT EXISTS (SELECT 1 FROM crm_lead o
                               WHERE o.phone_sanitized = l.phone_sanitized AND o.id != l.id)
              AND NOT EXISTS (SELECT 1 FROM crm_lead o
                               WHERE o.email_normalized = l.email_normalized AND o.id != l.id)
         ORDER BY l.id LIMIT %s""",
        REPEAT_FAST + 1,
    )
    lead_id, team_id = pool[rep + 1]
    user = consultant_of_team(db, team_id, rep)
    lead = db.env["crm.lead"].with_user(user).browse(lead_id)
    note = "First call: looking for an IELTS course in spring."
    if db.addon:
        vals = {"lead_id": lead_id, "outcome": "reached", "channel": "phone", "note": note}
        return lambda: db.env["training.crm.followup"].with_user(user).create(vals)

    def stock():
        lead.write({"user_id": user.id})
        lead.message_post(body=note, subtype_xmlid="mail.mt_note")

    return stock


def kanban_spec(env):
    """The fields crm's kanban view (with training_crm's) asks web_search_read for."""
    view = env["crm.lead"].get_views([(False, "kanban")])
    arch = etree.fromstring(view["views"]["kanban"]["arch"])
    model_fields = view["models"]["crm.lead"]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        kind = model_fields[name]["type"]
        if kind == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif kind in ("one2many", "many2many"):
            tags = node.get("widget") == "many2many_tags"
            spec[name] = {"fields": {"display_name": {}, "color": {}} if tags else {}}
        else:
            spec.setdefault(name, {})
    progressbar = arch.find(".//progressbar")
    if progressbar is not None:
        spec.setdefault(progressbar.get("field"), {})
    return spec


def kanban(db, rep):
    team_id = campus(db, rep)
    user = consultant_of_team(db, team_id, rep)
    Lead = db.env["crm.lead"].with_user(user)
    spec = kanban_spec(Lead.env)
    domain = [("user_id", "=", user.id), ("type", "=", "opportunity")]

    def read():
        result = Lead.web_search_read(domain, specification=spec, limit=80)
        assert result["records"], "the consultant has no lead"  # 80 from ~50k leads on

    return read


def confirm_order(lines):
    """A consultant confirms the order on their own lead: `lines` lines of
    service products (stock), of courses with a class each (addon, which
    checks the seats, enrols a student per line and wins the lead)."""

    def prepare(db, rep):
        lead_id, user_id = owned_leads(db)[rep + 1]
        user = db.users.browse(user_id)
        env = db.env
        parent = env["res.partner"].create({"name": "王爸爸 (bench)"})
        if db.addon:
            courses = env["training.course"].create(
                [
                    {
                        "name": f"Scratch {k} (bench)",
                        "teaching_mode": "face_to_face",
                        "lesson_hours": 48,
                        "list_price": 6000,
                    }
                    for k in range(ORDER_PRODUCTS)
                ]
            )
            classes = env["training.class"].create(
                [
                    {
                        "name": f"Spring {k} (bench)",
                        "course_id": courses[k % ORDER_PRODUCTS].id,
                        "date_start": date.today() + timedelta(days=30),
                        "date_end": date.today() + timedelta(days=120),
                        "seats": 30,
                    }
                    for k in range(lines)
                ]
            )
            line_vals = [
                {"product_id": c.course_id.product_id.id, "training_class_id": c.id}
                for c in classes
            ]
        else:
            products = env["product.product"].create(
                [
                    {"name": f"Scratch {k} (bench)", "type": "service", "list_price": 6000}
                    for k in range(ORDER_PRODUCTS)
                ]
            )
            line_vals = [{"product_id": products[k % ORDER_PRODUCTS].id} for k in range(lines)]
        order = env["sale.order"].create(
            {
                "partner_id": parent.id,
                "user_id": user.id,
                "opportunity_id": lead_id,
                "order_line": [Command.create(vals) for vals in line_vals],
            }
        )

        def confirm():
            order.with_user(user).action_confirm()
            assert order.state == "sale"
            if db.addon:
                assert len(order.training_enrollment_ids) == lines

        return confirm

    return prepare


SCENARIOS = [
    ("create one lead as a consultant", create_lead),
    ("log a follow-up on one's own lead", log_followup),
    ("first contact on a pool lead", first_contact),
    ("kanban My Pipeline, 80 cards", kanban),
]
# Confirming orders: the addon's extra queries must not grow with the lines.
# (lines, runs): the order of 100 lines takes seconds, as the imports.
ORDER_SCENARIOS = [(1, REPEAT_FAST), (ORDER_LINES, REPEAT)]


def eligible_count(cr):
    """Leads the reclaim would still return (its own domain, in SQL)."""
    cr.execute(
        """SELECT count(*) FROM crm_lead
            WHERE active AND user_id IS NOT NULL
              AND pool_return_date <= now() AT TIME ZONE 'UTC'"""
    )
    return cr.fetchone()[0]


def warning_count(cr):
    """Warnings before reclaim: the activities of their own type."""
    cr.execute(
        """SELECT count(*) FROM mail_activity a
             JOIN ir_model_data d
               ON d.model = 'mail.activity.type' AND d.res_id = a.activity_type_id
            WHERE d.module = 'training_crm' AND d.name = 'mail_activity_type_pool_return'"""
    )
    return cr.fetchone()[0]


def reset_peak_rss():
    """Start VmHWM afresh at the current resident size (Linux's clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def rss_mb(key="VmRSS"):
    """Resident memory now (VmRSS) or at its peak (VmHWM). Not ru_maxrss: Linux
    keeps that across exec, so a child started from a large parent reports
    the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def drain_cron(env, xmlid, call, remaining):
    """Call a scheduled action as the cron runner does (its user, a progress
    record) until remaining() finds nothing left to do, as a batched action
    needs; returns how many calls, seconds, queries and the peak memory."""
    cr = env.cr
    cron = env.ref(xmlid)
    baseline = rss_mb()
    seconds = queries = calls = 0
    left = remaining()
    while left and calls < CRON_MAX_CALLS:
        job = cron.with_user(cron.user_id).with_context(lastcall=cron.lastcall)
        job, _progress = job._add_progress()
        start, count = time.perf_counter(), cr.sql_log_count
        call(job.env)
        job.env.flush_all()
        seconds += time.perf_counter() - start
        queries += cr.sql_log_count - count
        calls += 1
        left = remaining()
    return {
        "left": left,
        "calls": calls,
        "seconds": round(seconds, 2),
        "queries": queries,
        "peak_rss_mb": round(rss_mb("VmHWM")),
        "rss_before_mb": round(baseline),
    }


def cron_child(dbname, enrol_days=0):
    """The reclaim cron as the cron runner calls it, in this (fresh) process.
    Test mode keeps it from committing; the transaction is rolled back at the end.
    `enrol_days`: every grade's enrolment clock set to that many days first
    (timed: the leads' return dates are recomputed), in the same transaction."""
    threading.current_thread().testing = True
    registry = Registry(dbname)
    enrol_clock = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        if enrol_days:
            start = time.perf_counter()
            env["training.crm.grade"].search([]).write({"enrol_days": enrol_days})
            env.flush_all()
            enrol_clock = {
                "enrol_days": enrol_days,
                "set_seconds": round(time.perf_counter() - start, 1),
            }
            # A supervisor's settings change, not the cron's: its records leave
            # the cache, and the peak memory counts from here.
            env.invalidate_all()
            gc.collect()
            reset_peak_rss()
        before = eligible_count(cr)
        warnings_before = warning_count(cr)
        method = type(env["crm.lead"])._cron_release_idle_leads
        kwargs = {"commit": False} if "commit" in inspect.signature(method).parameters else {}
        run = drain_cron(
            env,
            "training_crm.ir_cron_release_idle_leads",
            lambda job_env: job_env["crm.lead"]._cron_release_idle_leads(**kwargs),
            lambda: eligible_count(cr),
        )
        warnings = warning_count(cr) - warnings_before
        cr.rollback()
    released = before - run["left"]
    return {
        "eligible": before,
        "released": released,
        "warnings": warnings,
        "signature": "commit=False" if kwargs else "no commit argument",
        **enrol_clock,
        **run,
        "queries_per_1000": round(run["queries"] * 1000 / max(released, 1), 1),
    }


def due_enrollments(cr, today):
    """Enrolments the state action would still move on (its domains, in SQL)."""
    cr.execute(
        """SELECT count(*) FROM training_enrollment
            WHERE (state IN ('enrolled', 'studying') AND end_date < %(today)s)
               OR (state = 'enrolled' AND start_date <= %(today)s
                   AND (end_date IS NULL OR end_date >= %(today)s))""",
        {"today": today},
    )
    return cr.fetchone()[0]


def enrollment_cron_child(dbname):
    """The enrolment state action as the cron runner calls it, as cron_child
    does for the protection cron; rolled back at the end."""
    threading.current_thread().testing = True
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        cron = env.ref("training_crm.ir_cron_training_enrollment_state")
        today = fields.Date.context_today(env["training.enrollment"].with_user(cron.user_id))
        cr.execute("SELECT count(*) FROM training_enrollment")
        total = cr.fetchone()[0]
        before = due_enrollments(cr, today)
        run = drain_cron(
            env,
            "training_crm.ir_cron_training_enrollment_state",
            lambda job_env: job_env["training.enrollment"]._cron_update_state(),
            lambda: due_enrollments(cr, today),
        )
        cr.rollback()
    moved = before - run["left"]
    return {
        "enrollments": total,
        "due": before,
        "moved": moved,
        **run,
        "queries_per_1000": round(run["queries"] * 1000 / max(moved, 1), 1),
    }


# The care actions: which scheduled action, its method, and the enrolments it
# would still plan an activity for (its own domains, in SQL).
CARE_CRONS = {
    "course_followups": (
        "training_crm.ir_cron_training_course_followups",
        "_cron_plan_course_followups",
        """SELECT count(*) FROM training_enrollment
            WHERE (NOT COALESCE(course_confirm_planned, false) AND state = 'enrolled'
                   AND start_date BETWEEN %(today)s AND %(today)s + 3)
               OR (NOT COALESCE(return_visit_planned, false) AND state != 'cancelled'
                   AND end_date < %(today)s AND end_date >= %(today)s - 30)""",
    ),
    "renewals": (
        "training_crm.ir_cron_training_renewals",
        "_cron_plan_renewals",
        """SELECT count(*) FROM training_enrollment
            WHERE NOT COALESCE(renewal_planned, false) AND state IN ('enrolled', 'studying')
              AND end_date BETWEEN %(today)s AND %(today)s + 14""",
    ),
}


def care_cron_child(dbname, kind):
    """A care action (course follow-ups, renewals) as the cron runner calls
    it, with the default settings, as cron_child does; rolled back at the end."""
    xmlid, method, due_query = CARE_CRONS[kind]
    threading.current_thread().testing = True
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        cron = env.ref(xmlid)
        today = fields.Date.context_today(env["training.enrollment"].with_user(cron.user_id))
        cr.execute("SELECT count(*) FROM training_enrollment")
        total = cr.fetchone()[0]

        def due():
            cr.execute(due_query, {"today": today})
            return cr.fetchone()[0]

        before = due()
        run = drain_cron(
            env, xmlid, lambda job_env: getattr(job_env["training.enrollment"], method)(), due
        )
        cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'training.enrollment'")
        activities = cr.fetchone()[0]
        cr.rollback()
    planned = before - run["left"]
    return {
        "enrollments": total,
        "due": before,
        "planned": planned,
        "activities": activities,
        **run,
        "queries_per_1000": round(run["queries"] * 1000 / max(planned, 1), 1),
    }


# The value grade action: contacts of families with an enrolment (not
# cancelled), that the recomputation grades; those still without a grade.
VALUE_CANDIDATES = """
    SELECT partner_id FROM training_enrollment WHERE state != 'cancelled'
    UNION SELECT payer_id FROM training_enrollment
     WHERE state != 'cancelled' AND payer_id IS NOT NULL
    UNION SELECT g.guardian_id FROM training_guardian g
      JOIN training_enrollment e ON e.partner_id = g.student_id AND e.state != 'cancelled'
"""


def value_grade_child(dbname):
    """The quarterly value grade action on the data set's families (100,000
    contacts with an enrolment, bench_data.VALUE_CONTACTS), as the cron runner
    calls it; rolled back at the end."""
    threading.current_thread().testing = True
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        cr.execute(f"SELECT count(*) FROM ({VALUE_CANDIDATES}) AS candidates")
        contacts = cr.fetchone()[0]

        def ungraded():
            cr.execute(
                f"""SELECT count(*) FROM res_partner
                     WHERE training_value_grade IS NULL AND id IN ({VALUE_CANDIDATES})"""
            )
            return cr.fetchone()[0]

        run = drain_cron(
            env,
            "training_crm.ir_cron_training_value_grades",
            lambda job_env: job_env["res.partner"]._cron_recompute_training_value_grades(),
            ungraded,
        )
        cr.execute(
            "SELECT training_value_grade, count(*) FROM res_partner"
            " WHERE training_value_grade IS NOT NULL GROUP BY 1 ORDER BY 1"
        )
        grades = dict(cr.fetchall())
        cr.execute("SELECT count(*) FROM training_value_grade_history")
        history = cr.fetchone()[0]
        cr.rollback()
    graded = sum(grades.values())
    return {
        "contacts": contacts,
        "graded": graded,
        "grades": grades,
        "history": history,
        **run,
        "queries_per_1000": round(run["queries"] * 1000 / max(graded, 1), 1),
    }


# ------------------------------------------------------------
# Consultant KPIs and champions (training_crm_reports)
# ------------------------------------------------------------

KPI_REPEAT = 5  # warm runs of each read, after the cold one


def pivot_spec(env, model):
    """The measures (with their aggregators) and the row then column group-bys
    of a model's default pivot view, as the web client's pivot asks them."""
    view = env[model].get_views([(False, "pivot")])
    arch = etree.fromstring(view["views"]["pivot"]["arch"])
    model_fields = view["models"][model]["fields"]
    measures, rows, cols = [], [], []
    for node in arch.iter("field"):
        name = node.get("name")
        if node.get("type") == "measure":
            measures.append(f"{name}:{model_fields[name]['aggregator']}")
        elif node.get("type") in ("row", "col"):
            spec = f"{name}:{node.get('interval')}" if node.get("interval") else name
            (rows if node.get("type") == "row" else cols).append(spec)
    return measures, rows, cols


def list_fields(env, model):
    """The fields a model's default list view shows (its groups' aside)."""
    view = env[model].get_views([(False, "list")])
    arch = etree.fromstring(view["views"]["list"]["arch"])
    return [node.get("name") for node in arch.iter("field") if not node.get("groups")]


def timed_reads(env, registry, read):
    """`read()` cold (the ORM's caches cleared), then KPI_REPEAT times warm:
    seconds, queries and the size of its answer."""
    cr = env.cr
    figures = []
    for run in range(KPI_REPEAT + 1):
        env.invalidate_all()
        if not run:
            registry.clear_all_caches()
        count, start = cr.sql_log_count, time.perf_counter()
        answer = read()
        seconds, queries = time.perf_counter() - start, cr.sql_log_count - count
        if isinstance(answer, dict):  # read on cursors of its own
            answer, queries = answer["answer"], answer["queries"]
        figures.append((seconds, queries))
        cr.rollback()  # SET LOCAL jit = off ends with the transaction, as with a request
    warm = figures[1:]
    return {
        "cold": {"seconds": round(figures[0][0], 3), "queries": figures[0][1]},
        "warm": {
            "seconds": round(statistics.median(s for s, _q in warm), 3),
            "queries": int(statistics.median(q for _s, q in warm)),
            "runs": [round(s, 3) for s, _q in warm],
        },
        "rows": len(answer),
    }


def kpi_child(dbname):
    """The consultant KPI pivot and the champions, read as their users do,
    in this (fresh) process: a supervisor (bench_manager, a Sales
    Administrator, which implies training_crm's supervisor) and a consultant
    (the record rule: their own rows) read the pivot's default measures by
    consultant by month over all months and over this year; the consultant
    reads the champions' default list (this month's top three) and this
    year's ranking. First the nightly action, timed and committed (the
    snapshot, and the closed months' sums the reads then use, as on any
    morning); the reads are rolled back."""
    threading.current_thread().testing = True
    load_before = os.getloadavg()[0]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tz": bench_data.TZ})
        users = env["res.users"]
        supervisor = users.search([("login", "=", "bench_manager")])
        consultant = users.search([("login", "=", "bench_consultant_000")])
        sizes = {}
        for table in (
            "crm_lead", "training_crm_followup", "training_enrollment",
            "training_crm_grade_history", "training_crm_invalidation", "training_trial",
            "training_crm_consultant_snapshot",
        ):  # fmt: skip
            cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
            sizes[table] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_users WHERE login LIKE 'bench_consultant_%'")
        sizes["consultants"] = cr.fetchone()[0]
        nightly = drain_cron(
            env,
            "training_crm_reports.ir_cron_consultant_snapshot",
            lambda job_env: job_env["training.crm.consultant.snapshot"]._cron_take_snapshot(),
            iter((True, False)).__next__,
        )
        cr.execute("SELECT count(*), min(closed_before) FROM training_crm_consultant_report_closed")
        nightly["stored_rows"], closed_before = cr.fetchone()
        nightly["closed_before"] = str(closed_before)
        cr.commit()
        today = fields.Date.context_today(env["res.users"].with_user(supervisor))
        year = [
            ("date", ">=", today.replace(month=1, day=1)),
            ("date", "<=", today.replace(month=12, day=31)),
        ]
        model = "training.crm.consultant.report"
        measures, rows, cols = pivot_spec(env, model)
        groupby = rows + cols  # as the pivot: rows then columns

        def pivot(user, domain):
            report = env[model].with_user(user)
            return lambda: report.read_group(domain, measures, groupby, lazy=False)

        def pivot_load(user, domain):
            """The pivot's first load: one read_group per pair of row and
            column group-by prefixes (none, rows, columns, both)."""
            report = env[model].with_user(user)

            def load():
                groups = []
                for row_by in ([], rows):
                    for col_by in ([], cols):
                        groups += report.read_group(domain, measures, row_by + col_by, lazy=False)
                return groups

            return load

        def pivot_load_parallel(user, domain):
            """The same four reads at once, each on a cursor of its own, as
            the browser sends them (four requests) to a server with workers."""

            def one(groupby, out):
                threading.current_thread().testing = True
                with registry.cursor() as other:
                    other_env = api.Environment(other, api.SUPERUSER_ID, env.context)
                    report = other_env[model].with_user(user)
                    groups = report.read_group(domain, measures, groupby, lazy=False)
                    out.append((groups, other.sql_log_count))
                    other.rollback()

            def load():
                out = []
                threads = [
                    threading.Thread(target=one, args=(row_by + col_by, out))
                    for row_by in ([], rows)
                    for col_by in ([], cols)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                assert len(out) == len(threads), "a read failed"
                return {
                    "answer": [group for groups, _count in out for group in groups],
                    "queries": sum(count for _groups, count in out),
                }

            return load

        champion_fields = list_fields(env, "training.crm.champion")

        def champions(user, domain):
            Champion = env["training.crm.champion"].with_user(user)
            return lambda: Champion.search_read(domain, champion_fields, limit=80)

        month_start = today.replace(day=1)
        cases = [
            ("supervisor", "pivot, all months", pivot(supervisor, [])),
            ("supervisor", "pivot, this year", pivot(supervisor, year)),
            ("supervisor", "pivot's first load (4 reads), all months", pivot_load(supervisor, [])),
            (
                "supervisor",
                "pivot's first load, the 4 reads at once, all months",
                pivot_load_parallel(supervisor, []),
            ),
            ("consultant", "pivot, all months", pivot(consultant, [])),
            ("consultant", "pivot, this year", pivot(consultant, year)),
            (
                "consultant",
                "champions: this month's top 3",
                champions(
                    consultant,
                    [("period", "=", "month"), ("date", "=", month_start), ("rank", "<=", 3)],
                ),
            ),
            (
                "consultant",
                "champions: this year's ranking",
                champions(
                    consultant,
                    [("period", "=", "year"), ("date", "=", today.replace(month=1, day=1))],
                ),
            ),
        ]
        reads = []
        for who, name, read in cases:
            print(f"  {who}: {name} …", file=sys.stderr, flush=True)
            reads.append({"who": who, "name": name, **timed_reads(env, registry, read)})
        months = len(env[model]._read_group([], ["date:month"]))
        cr.rollback()
    return {
        "sizes": sizes,
        "months": months,
        "measures": measures,
        "groupby": groupby,
        "today": str(today),
        "reads": reads,
        "snapshot": nightly,
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def run_kpis(config_file, dbname):
    """The KPI reads in a process of their own (a cold start)."""
    return run_child("--kpis-child", dbname, config_file)


def kpi_lines(run):
    """The KPI reads' figures as a paragraph and a table."""
    sizes = run["sizes"]
    lines = [
        f"Consultant KPIs and champions (addon only): {sizes['consultants']:,} consultants, "
        f"{sizes['crm_lead']:,} leads, {sizes['training_crm_followup']:,} follow-ups, "
        f"{sizes['training_enrollment']:,} enrolments, {sizes['training_crm_grade_history']:,} "
        f"grade changes, {sizes['training_crm_invalidation']:,} invalidations, "
        f"{sizes['training_trial']:,} trials, {sizes['training_crm_consultant_snapshot']:,} "
        f"daily snapshots; {run['months']} months. The pivot's default measures "
        f"({', '.join(m.split(':')[0] for m in run['measures'])}) by "
        f"{' by '.join(run['groupby'])}, `read_group(lazy=False)` as the pivot calls it; a "
        "supervisor (Sales Administrator) reads everyone's, a consultant their own (record "
        "rule). Cold: the ORM's caches cleared; warm: median of "
        f"{KPI_REPEAT}. Load average {' then '.join(f'{x:g}' for x in run['load'])}.",
        "",
        "| who | read | groups / rows | cold s | cold queries | warm s | warm queries |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for read in run["reads"]:
        lines.append(
            f"| {read['who']} | {read['name']} | {read['rows']:,} | {read['cold']['seconds']:.2f} "
            f"| {read['cold']['queries']:,} | {read['warm']['seconds']:.2f} "
            f"| {read['warm']['queries']:,} |"
        )
    snapshot = run["snapshot"]
    lines += [
        "",
        f"Nightly action, before the reads: the snapshot (the month-end figures' source) and "
        f"the sums of the months before {snapshot.get('closed_before', '?')} "
        f"({snapshot.get('stored_rows', 0):,} rows; this month is read from the sources), "
        f"{snapshot['seconds']:.1f} s, {snapshot['queries']:,} queries.",
    ]
    return lines


def commission_db(prefix, consultants, enrollments, history=0):
    size = f"{enrollments // 1000}k" if enrollments % 1000 == 0 else str(enrollments)
    return f"{prefix}_{consultants}x{size}" + (f"_h{history}" if history else "")


def profile_rows(profiler):
    """The functions that took the most time of their own, with what they
    and their callees took: where the statements' time goes."""
    stats = pstats.Stats(profiler)
    rows = []
    for (path, line, name), (_cc, calls, own, cumulative, _callers) in stats.stats.items():
        where = path
        for marker in ("/odoo/addons/", "/odoo/", str(ROOT) + "/"):
            if marker in path:
                where = path.split(marker, 1)[1]
                break
        rows.append(
            {
                "function": f"{where}:{line}({name})",
                "calls": calls,
                "own_s": round(own, 3),
                "cumulative_s": round(cumulative, 3),
            }
        )
    rows.sort(key=lambda row: row["own_s"], reverse=True)
    return rows[:PROFILE_ROWS]


def commissions_child(dbname, profile_path=None):
    """A supervisor generates last month's commission statements of every
    consultant (training.commission.statement._generate), on each basis of
    the plan (confirmed enrolments, cash received): cold (the ORM's caches
    cleared; the first run in a fresh process), then once more (regeneration
    replaces the drafts); rolled back at the end. `profile_path`: cProfile
    the first run into that file."""
    threading.current_thread().testing = True
    load_before = os.getloadavg()[0]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {"tz": bench_data.TZ})
        month = env["ir.config_parameter"].get_param(bench_data.COMMISSION_MONTH)
        date_from, date_to = (fields.Date.to_date(day) for day in month.split())
        supervisor = env["res.users"].search([("login", "=", "bench_manager")])
        consultants = env["res.users"].search([("login", "=like", "bench_consultant_%")])
        tz = env.company.partner_id.tz or "UTC"
        period = {"tz": tz, "date_from": date_from, "date_to": date_to}
        cr.execute(
            """SELECT count(*), count(*) FILTER (WHERE state = 'cancelled'),
                      count(*) FILTER (WHERE c.enrollment_id IS NOT NULL)
                 FROM training_enrollment e
            LEFT JOIN (SELECT DISTINCT enrollment_id FROM training_enrollment_credit) c
                   ON c.enrollment_id = e.id
                WHERE (e.create_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                      BETWEEN %(date_from)s AND %(date_to)s""",
            period,
        )
        enrollments, cancelled, split = cr.fetchone()
        cr.execute(
            """SELECT count(*), count(DISTINCT enrollment_id) FROM training_enrollment_payment
                WHERE date BETWEEN %(date_from)s AND %(date_to)s""",
            period,
        )
        payments, paid = cr.fetchone()
        cr.execute("SELECT count(*) FROM training_enrollment")
        total = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM training_commission_statement WHERE state != 'draft'")
        confirmed = cr.fetchone()[0]
        plan = env["training.commission.plan"]._get_plan(env.company, date_from)
        bases = [value for value, _label in plan._fields["basis"].selection]
        Statement = env["training.commission.statement"].with_user(supervisor)
        runs = {}
        for basis in bases:
            plan.write({"basis": basis})
            # Each basis starts from no draft (the other basis' are replaced untimed).
            env["training.commission.statement"].search(
                [("state", "=", "draft"), ("date_from", "=", date_from)]
            ).unlink()
            env.flush_all()
            figures = runs[basis] = {}
            for run in ("first", "again"):
                env.invalidate_all()
                registry.clear_all_caches()
                users = consultants.with_env(Statement.env)
                profile = profile_path and basis == bases[0] and run == "first"
                profiler = cProfile.Profile() if profile else None
                count, start = cr.sql_log_count, time.perf_counter()
                if profiler:
                    profiler.enable()
                statements = Statement._generate(users, date_from, date_to)
                Statement.env.flush_all()
                if profiler:
                    profiler.disable()
                figures[run] = {
                    "seconds": round(time.perf_counter() - start, 2),
                    "queries": cr.sql_log_count - count,
                }
                if profiler:
                    profiler.dump_stats(profile_path)
                    figures[run]["profile"] = profile_rows(profiler)
            cr.execute(
                """SELECT kind, count(*) FROM training_commission_statement_line
                    WHERE statement_id IN %s GROUP BY kind""",
                [tuple(statements.ids) or (0,)],
            )
            kinds = dict(cr.fetchall())
            cr.execute(
                "SELECT COALESCE(SUM(amount_total), 0) FROM training_commission_statement"
                " WHERE id IN %s",
                [tuple(statements.ids) or (0,)],
            )
            figures.update(
                statements=len(statements),
                lines=sum(kinds.values()),
                kinds=kinds,
                commission=round(float(cr.fetchone()[0]), 2),
            )
        cr.rollback()
    return {
        "month": month,
        "consultants": len(consultants),
        "enrollments": enrollments,
        "enrollments_total": total,
        "confirmed_before": confirmed,
        "cancelled": cancelled,
        "split": split,
        "paid": paid,
        "payments": payments,
        "bases": runs,
        "peak_rss_mb": round(rss_mb("VmHWM")),
        # Other jobs share the machine: the load says how much they took.
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def run_commissions(config_file, dbname):
    """The statements in a process of their own (a cold start, its own peak memory)."""
    args = ["--commissions-child", dbname, config_file]
    if os.environ.get("BENCH_PROFILE"):
        args += ["--profile", str(ROOT / ".local" / "bench-commissions.prof")]
    return run_child(*args)


def commission_lines(run):
    """The statements' figures as a paragraph and a table (and the profile, if any)."""
    lines = [
        f"Commission statements (addon only): a supervisor generates the statements of "
        f"{run['consultants']:,} consultants for {run['month'].replace(' ', ' to ')}, "
        f"{run['enrollments']:,} enrolments sold that month ({run['cancelled']:,} cancelled, "
        f"{run['split']:,} with split credit, {run['paid']:,} with {run['payments']:,} "
        f"payments received in the month), {run['enrollments_total']:,} in all (the month "
        f"before has {run['confirmed_before']:,} confirmed statements, clawed back and "
        f"adjusted on). Cold: the ORM's caches cleared; again: regenerated, replacing the "
        f"drafts. Peak RSS {run['peak_rss_mb']} MB; load average "
        f"{' then '.join(f'{load:g}' for load in run.get('load', []))} on {os.cpu_count()} CPUs.",
        "",
        "| basis | statements | lines (sale / clawback / adjustment) | cold s | cold queries "
        "| again s | again queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for basis, figures in run["bases"].items():
        kinds = figures["kinds"]
        lines.append(
            f"| {basis} | {figures['statements']:,} | {figures['lines']:,} ("
            + " / ".join(f"{kinds.get(kind, 0):,}" for kind in ("sale", "clawback", "adjustment"))
            + f") | {figures['first']['seconds']:.1f} | {figures['first']['queries']:,} "
            f"| {figures['again']['seconds']:.1f} | {figures['again']['queries']:,} |"
        )
    profile = next(
        (f["first"]["profile"] for f in run["bases"].values() if f["first"].get("profile")),
        None,
    )
    if profile:
        lines += [
            "",
            "| function (profile of the first run) | calls | own s | cumulative s |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| `{row['function']}` | {row['calls']:,} | {row['own_s']:.2f} "
            f"| {row['cumulative_s']:.2f} |"
            for row in profile
        ]
    return lines


def run_cron(config_file, dbname, kind="protection", enrol_days=0):
    extra = ["--enrol-days", str(enrol_days)] if enrol_days else []
    return run_child("--cron-child", dbname, config_file, "--cron-kind", kind, *extra)


def run_child(*args):
    """This script again in a process of its own, in UTC: the JSON its last line prints."""
    output = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def machine(cr):
    cpu = platform.processor()
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), cpu)
    with open("/proc/meminfo") as info:
        ram = int(next(line.split()[1] for line in info if line.startswith("MemTotal"))) / 2**20
    cr.execute("SHOW server_version")
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(ram),
        "cpu": cpu,
        "postgresql": cr.fetchone()[0].split()[0],
    }


def targets(report):
    """The project's stated targets: shown as PASS/FAIL, never failing the run."""
    checks = []
    for row in report.get("scenarios", []):
        if (
            "ratio" in row
            and not row["name"].startswith(f"import {IMPORT_ROWS:,} leads at {SMALL:,}")
            and not row["name"].startswith("confirm an order")
        ):
            checks.append((f"{row['name']}: time ratio", row["ratio"], TARGETS["ratio"]))
    imports = [row for row in report.get("scenarios", []) if row["name"].startswith("import")]
    if len(imports) == 2:
        growth = round(imports[1]["addon"]["seconds"] / imports[0]["addon"]["seconds"], 2)
        checks.append(("addon import: largest size / 10k", growth, TARGETS["import_growth"]))
    cron = report.get("cron")
    if cron:
        checks.append(("reclaim cron: seconds", cron["seconds"], TARGETS["cron_seconds"]))
        checks.append(("reclaim cron: peak RSS MB", cron["peak_rss_mb"], TARGETS["cron_mb"]))
    extra = report.get("order_extra_queries")
    if extra:
        checks.append(
            (
                f"order confirmation: addon's extra queries, {ORDER_LINES} lines - 1 line",
                extra[str(ORDER_LINES)] - extra["1"],
                TARGETS["order_extra_queries_growth"],
            )
        )
    enrollment_cron = report.get("enrollment_cron")
    if enrollment_cron:
        checks.append(
            (
                "enrolment state action: seconds",
                enrollment_cron["seconds"],
                TARGETS["enrollment_cron_seconds"],
            )
        )
    for kind, run in report.get("care_crons", {}).items():
        checks.append(
            (
                f"{kind.replace('_', ' ')} action: seconds",
                run["seconds"],
                TARGETS["care_cron_seconds"],
            )
        )
    value_grades = report.get("value_grades")
    if value_grades:
        checks.append(
            (
                f"value grade action, {value_grades['contacts']:,} contacts: seconds",
                value_grades["seconds"],
                TARGETS["value_grades_seconds"],
            )
        )
    nightly = (report.get("kpis") or {}).get("snapshot")
    if nightly and "stored_rows" in nightly:
        checks.append(
            (
                "KPIs: nightly snapshot and closed months' sums, seconds",
                nightly["seconds"],
                TARGETS["kpi_refresh_seconds"],
            )
        )
    for read in (report.get("kpis") or {}).get("reads", []):
        checks.append(
            (
                f"KPIs, {read['who']}: {read['name']}, warm s",
                read["warm"]["seconds"],
                TARGETS["kpi_seconds"],
            )
        )
    commissions = report.get("commissions")
    for basis, figures in (commissions or {}).get("bases", {}).items():
        checks.append(
            (
                f"commission statements ({basis}), {commissions['consultants']:,} consultants "
                f"over {commissions['enrollments']:,} enrolments: seconds",
                figures["first"]["seconds"],
                TARGETS["commission_seconds"],
            )
        )
    return [
        {"target": name, "value": value, "limit": limit, "pass": value <= limit}
        for name, value, limit in checks
    ]


def table(report):
    """The results as a Markdown table, for the terminal and README.md alike."""
    lines = []
    if report.get("scenarios"):
        lines += [
            "| scenario | stock queries | addon queries | stock s | addon s | ratio |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in report["scenarios"]:
            stock, addon = row["stock"], row["addon"]
            lines.append(
                f"| {row['name']} | {stock['queries']:,} | {addon['queries']:,} "
                f"| {stock['seconds']:.3f} | {addon['seconds']:.3f} | {row['ratio']:.2f} |"
            )
        lines.append("")
    cron = report.get("cron")
    if cron:
        lines.append(
            (
                f"Every grade's enrolment clock set to {cron['enrol_days']} days first "
                f"({cron['set_seconds']:.1f} s, the return dates recomputed). "
                if cron.get("enrol_days")
                else ""
            )
            + f"Reclaim cron (addon only): returned {cron['released']:,} of "
            f"{cron['eligible']:,} leads due to the pool and warned owners of "
            f"{cron.get('warnings', 0):,} more in {cron['calls']} call(s), "
            f"{cron['seconds']:.1f} s, {cron['queries']:,} queries "
            f"({cron['queries_per_1000']:g} per 1,000 leads), peak RSS {cron['peak_rss_mb']} MB "
            f"({cron['rss_before_mb']} MB before the first call; {cron['signature']})."
        )
        lines.append("")
    extra = report.get("order_extra_queries")
    if extra:
        lines.append(
            "Order confirmation: the addon adds "
            + " and ".join(
                f"{count:,} queries to Sales' for {lines_} line{'s' if lines_ != '1' else ''}"
                for lines_, count in extra.items()
            )
            + " (checking the classes' seats, enrolling one student per seat in one batch, "
            "winning the lead, opening the students' dialog)."
        )
        lines.append("")
    enrollment_cron = report.get("enrollment_cron")
    if enrollment_cron:
        run = enrollment_cron
        lines.append(
            f"Enrolment state action (addon only): moved {run['moved']:,} of {run['due']:,} "
            f"due enrolments (of {run['enrollments']:,}) in {run['calls']} call(s), "
            f"{run['seconds']:.1f} s, {run['queries']:,} queries "
            f"({run['queries_per_1000']:g} per 1,000 enrolments), peak RSS "
            f"{run['peak_rss_mb']} MB ({run['rss_before_mb']} MB before the first call)."
        )
        lines.append("")
    for kind, run in report.get("care_crons", {}).items():
        lines.append(
            f"{kind.replace('_', ' ').capitalize()} action (addon only): planned "
            f"{run['planned']:,} of {run['due']:,} due enrolments (of {run['enrollments']:,}) "
            f"in {run['calls']} call(s), {run['seconds']:.1f} s, {run['queries']:,} queries "
            f"({run['queries_per_1000']:g} per 1,000 enrolments), peak RSS "
            f"{run['peak_rss_mb']} MB ({run['rss_before_mb']} MB before the first call)."
        )
        lines.append("")
    value_grades = report.get("value_grades")
    if value_grades:
        run = value_grades
        lines.append(
            f"Value grade action (addon only): graded {run['graded']:,} of {run['contacts']:,} "
            f"contacts with a family enrolment "
            f"({', '.join(f'{g} {n:,}' for g, n in run['grades'].items())}), "
            f"{run['history']:,} history rows, in {run['calls']} call(s), "
            f"{run['seconds']:.1f} s, {run['queries']:,} queries "
            f"({run['queries_per_1000']:g} per 1,000 contacts), peak RSS "
            f"{run['peak_rss_mb']} MB ({run['rss_before_mb']} MB before the first call)."
        )
        lines.append("")
    if report.get("kpis"):
        lines += kpi_lines(report["kpis"])
        lines.append("")
    if report.get("commissions"):
        lines += commission_lines(report["commissions"])
        lines.append("")
    lines.append("| target | value | limit | |")
    lines.append("|---|---:|---:|---|")
    for check in report["targets"]:
        verdict = "PASS" if check["pass"] else "**FAIL**"
        lines.append(f"| {check['target']} | {check['value']:g} | {check['limit']:g} | {verdict} |")
    return "\n".join(lines)


def describe(report):
    size, host = report["size"], report["machine"]
    generated = "; ".join(f"{db}: {took}" for db, took in report.get("generation", {}).items())
    if size.get("only") == "kpis":  # make bench ONLY=kpis
        return (
            f"Run on {report['date']}: consultant KPIs and champions only, {size['leads']:,} "
            f"leads and {size['followups']:,} follow-ups; {host['nproc']} CPUs ({host['cpu']}), "
            f"{host['ram_gb']} GB RAM, PostgreSQL {host['postgresql']}. "
            f"Data set generation: {generated}."
        )
    if "leads" not in size:  # make bench ONLY=commissions
        return (
            f"Run on {report['date']}: commission statements only, {size['consultants']:,} "
            f"consultants, {size['enrollments']:,} enrolments in a month; {host['nproc']} CPUs "
            f"({host['cpu']}), {host['ram_gb']} GB RAM, PostgreSQL {host['postgresql']}. "
            f"Data set generation: {generated}."
        )
    return (
        f"Run on {report['date']}: {size['leads']:,} leads and {size['followups']:,} "
        f"follow-ups (import also at {SMALL:,} leads); {host['nproc']} CPUs ({host['cpu']}), "
        f"{host['ram_gb']} GB RAM, PostgreSQL {host['postgresql']}. Medians of {REPEAT} "
        f"runs (imports, {ORDER_LINES}-line orders) or {REPEAT_FAST} runs (single acts) "
        "after a warm-up; "
        f"ratio = addon s / stock s. Data set generation: {generated}."
    )


def write_readme(report, readme=ROOT / "README.md"):
    text = readme.read_text()
    block = f"<!-- bench:start -->\n{describe(report)}\n\n{table(report)}\n<!-- bench:end -->"
    new, count = re.subn(r"<!-- bench:start -->.*?<!-- bench:end -->", block, text, flags=re.S)
    if not count:
        raise SystemExit(f"{readme}: no <!-- bench:start --> … <!-- bench:end --> markers")
    readme.write_text(new)
    print(f"{readme}: Performance section updated", flush=True)


def generation_time(dbname):
    with Registry(dbname).cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        return env["ir.config_parameter"].get_param(bench_data.TIMING)


def bench_commissions(args, dbname):
    """make bench ONLY=commissions: the statements alone, on their own
    database, into a result file of their own (README.md keeps the full run's)."""
    bench_data.ensure_commissions(
        args.config, dbname, args.consultants, args.enrollments, args.history
    )
    registry = Registry(dbname)
    with registry.cursor() as cr:
        host = machine(cr)
    report = {
        "date": fields.Datetime.now().strftime("%Y-%m-%d %H:%M UTC"),
        "size": {
            "consultants": args.consultants,
            "enrollments": args.enrollments,
            "history_months": args.history,
        },
        "machine": host,
        "generation": {"commissions": generation_time(dbname)},
    }
    print("commission statements …", flush=True)
    report["commissions"] = run_commissions(args.config, dbname)
    save_section(report, Path(args.json).with_name("bench-commissions.json"))


def bench_reclaim(args):
    """make bench ONLY=reclaim: the reclaim and its warnings as one scheduled
    action alone, on the addon's lead database of the size asked for."""
    dbname, report = addon_section(args, "reclaim")
    print("reclaim cron …", flush=True)
    report["cron"] = run_cron(args.config, dbname, enrol_days=args.enrol_days)
    save_section(report, Path(args.json).with_name("bench-reclaim.json"))


def addon_section(args, only):
    """A section run alone on the addon's lead database of the size asked
    for (built or updated first): its name and the report's heading."""
    followups = args.followups or round(args.leads * FOLLOWUPS_PER_LEAD)
    dbname = db_name(args.addon, args.leads)
    bench_data.ensure(args.config, dbname, bench_data.ADDON_MODULES, args.leads, followups)
    with Registry(dbname).cursor() as cr:
        host = machine(cr)
    return dbname, {
        "date": fields.Datetime.now().strftime("%Y-%m-%d %H:%M UTC"),
        "size": {"leads": args.leads, "followups": followups, "only": only},
        "machine": host,
        "generation": {f"addon {args.leads // 1000}k": generation_time(dbname)},
    }


def save_section(report, path):
    """A section run alone (ONLY=...): its targets, figures and JSON file."""
    report["targets"] = targets(report)
    print(describe(report))
    print(table(report))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"results in {path}")


def bench_kpis(args):
    """make bench ONLY=kpis: the KPI reads alone, on the addon's lead database
    of the size asked for, into a result file of their own."""
    dbname, report = addon_section(args, "kpis")
    print("consultant KPIs and champions …", flush=True)
    report["kpis"] = run_kpis(args.config, dbname)
    save_section(report, Path(args.json).with_name("bench-kpis.json"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?")
    parser.add_argument("stock", nargs="?", default="training_crm_bench_stock")
    parser.add_argument("addon", nargs="?", default="training_crm_bench_addon")
    parser.add_argument("json", nargs="?", default=str(ROOT / ".local" / "bench.json"))
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--followups", type=int)
    parser.add_argument(
        "--only",
        choices=["commissions", "kpis", "reclaim"],
        help="one section alone: commissions (without the lead data set), kpis (the addon's"
        " lead database alone)",
    )
    parser.add_argument(
        "--enrol-days",
        type=int,
        default=0,
        help="the reclaim's enrolment clock, for every grade (0: as the grades have it)",
    )
    parser.add_argument("--consultants", type=int, default=bench_data.CONSULTANTS)
    parser.add_argument("--enrollments", type=int, default=bench_data.COMMISSION_ENROLLMENTS)
    parser.add_argument(
        "--history", type=int, default=0, help="months of older enrolments (commissions)"
    )
    parser.add_argument("--commissions-db", default="training_crm_bench_commissions")
    parser.add_argument("--readme", action="store_true", help="rewrite README.md from JSON")
    parser.add_argument("--cron-child", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--cron-kind", default="protection", help=argparse.SUPPRESS)
    parser.add_argument("--commissions-child", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--kpis-child", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.readme:  # bench.py --readme [JSON]
        write_readme(json.loads(Path(args.config or args.json).read_text()))
        return
    if args.commissions_child:  # bench.py --commissions-child DB CONFIG [--profile FILE]
        odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
        print(json.dumps(commissions_child(args.commissions_child, args.profile)))
        return
    if args.kpis_child:  # bench.py --kpis-child DB CONFIG
        odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
        print(json.dumps(kpi_child(args.kpis_child)))
        return
    if args.cron_child:  # bench.py --cron-child DB CONFIG
        odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
        if args.cron_kind in CARE_CRONS:
            print(json.dumps(care_cron_child(args.cron_child, args.cron_kind)))
            return
        if args.cron_kind == "value_grades":
            print(json.dumps(value_grade_child(args.cron_child)))
            return
        if args.cron_kind == "enrollment":
            print(json.dumps(enrollment_cron_child(args.cron_child)))
            return
        print(json.dumps(cron_child(args.cron_child, args.enrol_days)))
        return
    odoo.tools.config.parse_config(["-c", args.config, "--max-cron-threads=0", "--log-level=warn"])
    commissions = commission_db(
        args.commissions_db, args.consultants, args.enrollments, args.history
    )
    if args.only == "commissions":
        bench_commissions(args, commissions)
        return
    if args.only == "kpis":
        bench_kpis(args)
        return
    if args.only == "reclaim":
        bench_reclaim(args)
        return
    followups = args.followups or round(args.leads * FOLLOWUPS_PER_LEAD)
    sizes = [(args.leads, followups)]
    if args.leads != SMALL:
        sizes.insert(0, (SMALL, round(followups * SMALL / args.leads)))
    report = {
        "date": fields.Datetime.now().strftime("%Y-%m-%d %H:%M UTC"),
        "size": {"leads": args.leads, "followups": followups},
        "scenarios": [],
        "generation": {},
    }
    for leads, size_followups in sizes:
        for prefix, modules in (
            (args.stock, bench_data.STOCK_MODULES),
            (args.addon, bench_data.ADDON_MODULES),
        ):
            dbname = db_name(prefix, leads)
            bench_data.ensure(args.config, dbname, modules, leads, size_followups)
    bench_data.ensure_commissions(
        args.config, commissions, args.consultants, args.enrollments, args.history
    )
    for leads, _followups in sizes:
        pair = {
            "stock": Database(db_name(args.stock, leads)),
            "addon": Database(db_name(args.addon, leads)),
        }
        report["machine"] = machine(pair["stock"].cr)
        for label, database in pair.items():
            took = database.env["ir.config_parameter"].get_param(bench_data.TIMING)
            report["generation"][f"{label} {leads // 1000}k"] = took
        name = f"import {IMPORT_ROWS:,} leads at {leads:,} leads"
        print(f"{name} …", flush=True)
        report["scenarios"].append(
            {"name": name, **measure(pair, import_rows, REPEAT, vacuum=True)}
        )
        if leads == args.leads:
            for name, prepare in SCENARIOS:
                print(f"{name} …", flush=True)
                report["scenarios"].append({"name": name, **measure(pair, prepare)})
            extra = {}
            for lines, repeat in ORDER_SCENARIOS:
                name = f"confirm an order of {lines:,} course line{'s' if lines > 1 else ''}"
                print(f"{name} …", flush=True)
                row = {"name": name, **measure(pair, confirm_order(lines), repeat)}
                report["scenarios"].append(row)
                extra[str(lines)] = row["addon"]["queries"] - row["stock"]["queries"]
            report["order_extra_queries"] = extra
        for database in pair.values():
            database.cr.close()
    print("reclaim cron …", flush=True)
    report["cron"] = run_cron(
        args.config, db_name(args.addon, args.leads), enrol_days=args.enrol_days
    )
    print("enrolment state action …", flush=True)
    report["enrollment_cron"] = run_cron(
        args.config, db_name(args.addon, args.leads), kind="enrollment"
    )
    for kind in CARE_CRONS:
        print(f"{kind.replace('_', ' ')} action …", flush=True)
        report.setdefault("care_crons", {})[kind] = run_cron(
            args.config, db_name(args.addon, args.leads), kind=kind
        )
    print("value grade action …", flush=True)
    report["value_grades"] = run_cron(
        args.config, db_name(args.addon, args.leads), kind="value_grades"
    )
    print("consultant KPIs and champions …", flush=True)
    report["kpis"] = run_kpis(args.config, db_name(args.addon, args.leads))
    report["generation"]["commissions"] = generation_time(commissions)
    print("commission statements …", flush=True)
    report["commissions"] = run_commissions(args.config, commissions)
    report["targets"] = targets(report)
    print(describe(report))
    print(table(report))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"results in {args.json}")
    if os.environ.get("BENCH_README"):
        write_readme(report)


if __name__ == "__main__":
    main()

"""School-chain data set for `make bench`: stock crm + sale_crm, and training_crm.

Both databases hold the same people, teams and leads; only the addon's data
(grades, follow-ups, first contacts) differs. Users and teams go through the
ORM; leads, follow-ups and activities are written with COPY because the ORM
would take hours, then a sample of them is recomputed with the ORM and the
run fails if any stored computed value differs. A marker in
`ir_config_parameter` keeps a database for the next run while the size, the
generator and the stored fields are unchanged.

The addon's database also holds ENROLLMENTS enrolments (COPY as well), on
courses and classes made with the ORM, most of them due to move on (enrolled
in a class that has started or ended): what the state scheduled action works
through in the bench; and families (parents, students, graduated enrolments)
up to VALUE_CONTACTS contacts, that the value grade action grades.
"""

import hashlib
import io
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import demo_school
import pytz

import odoo
from odoo import Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL, email_normalize

GENERATOR_VERSION = 7
MARKER = "training_crm_bench.size"
TIMING = "training_crm_bench.generated_in"
CODE = "training_crm_bench.code"
STOCK_MODULES = "crm,sale_crm"  # what training_crm depends on
ADDON_MODULES = "training_crm,training_crm_reports"
TZ = "Asia/Shanghai"
TEAMS = 20
CONSULTANTS = 300
OWNED_SHARE = 0.8
DUPLICATE_SHARE = 0.02
EMAIL_SHARE = 0.4
ELIGIBLE_SHARE = 0.32  # leads the protection cron releases: ~64,000 of 200,000
MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "158", "159", "186", "188", "150")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超")
COURSES = ("雅思", "托福", "少儿英语", "编程", "钢琴", "美术", "数学思维", "考研英语")
EMAIL_DOMAINS = ("qq.com", "qq.com", "163.com", "126.com", "sina.com", "gmail.com", "pku.edu.cn")
NOTES = (
    "Asked about the schedule and the price of the course.",
    "Parent wants a trial class first.",
    "Comparing with another school nearby.",
    "Busy, call back next week.",
    "Interested in the summer intensive course.",
)
CHANNELS = {"phone": 50, "wechat": 25, "sms": 5, "email": 5, "visit": 5, "trial_class": 5}
CHANNELS["online"] = 5
# Outcome weights per attempt; competitor only closes a lead's history.
OUTCOMES = {"reached": 66, "not_interested": 8, "no_answer": 21, "unreachable": 4, "competitor": 1}
REACHED = ("reached", "not_interested", "competitor")
# training_crm's invalidation rules (无效客户): FAILED attempts on INVALID_AFTER
# distinct local days in a row (unreachable), "not interested" once INVALID_AFTER
# follow-ups reached the person (no need), a competitor at once. A failed
# attempt is retried after RETRY_DAYS at most; a new lead is due after
# FIRST_DELAY_DAYS. Checked against the settings, as GRADE_DAYS.
FAILED = ("no_answer", "unreachable")
INVALID_AFTER = 3
RETRY_DAYS = 1
FIRST_DELAY_DAYS = 1
GRADES = {"s": 5, "a": 15, "b": 30, "c": 30, "d": 20}
# training_crm's grade data (gap between follow-ups, protection days), checked
# against the records: stock gets the same dates without having grades.
GRADE_DAYS = {"s": (1, 3), "a": (2, 5), "b": (7, 14), "c": (14, 30), "d": (30, 60)}
# Stored computed fields the sample check does not recompute, and why.
# Enrolments for the state scheduled action (addon only), whatever the leads.
ENROLLMENTS = 100_000
STUDENTS = 2_000
CLASSES_PER_COURSE = 40
CANCELLED_SHARE = 0.03
# Contacts of families with an enrolment, for the value grade action (addon
# only): the STUDENTS above, then families of one parent for every four
# students, each with one to three enrolments in classes that have ended.
VALUE_CONTACTS = 100_000
# The consultant KPIs' sources (addon only): REGRADE_SHARE of the graded
# leads with follow-ups were graded otherwise at first and regraded later;
# trial classes where a follow-up's channel is a trial class (attended when
# the person was reached, no-show when not answering); a nightly snapshot for
# each of SNAPSHOT_DAYS days (the leads' history).
REGRADE_SHARE = 0.25
TRIAL_STATES = {"reached": "attended", "no_answer": "no_show"}
SNAPSHOT_DAYS = 400
# Columns of the KPI sources the generator leaves empty, and why: any other
# column it does not write fails the generation (a new stored field).
KPI_EMPTY = {
    "training_crm_grade_history": {"id": "the sequence's"},
    "training_crm_invalidation": {
        "id": "the sequence's",
        "competitor_contract_end": "the follow-ups give none",
        "restored_date": "no lead restored",
        "return_date": "no lead restored",
    },
    "training_trial": {
        "id": "the sequence's",
        "class_id": "trials of one-to-one lessons, in no class",
        "note": "no note",
    },
    "training_crm_consultant_snapshot": {"id": "the sequence's"},
    "crm_lead_training_course_rel": {},
}
UNCHECKED = {
    # Odoo stamps "now" when empty and keeps any value: nothing to derive.
    ("crm.lead", "date_last_stage_update"),
    # "Now" at each change of salesperson; leads owned before the reclaim clocks
    # existed got crm's assignment date (crm.lead._auto_init), as generated here.
    ("crm.lead", "owner_date"),
}


def marker(leads, followups, schema):
    return f"v{GENERATOR_VERSION} leads={leads} followups={followups} schema={schema}"


def schema_hash(env):
    """Stored fields of the models the generator writes: new code, new data set."""
    names = sorted(
        f"{model}.{name}"
        for model in (
            "crm.lead",
            "training.crm.followup",
            "mail.activity",
            "training.enrollment",
            "training.crm.grade.history",
            "training.crm.invalidation",
            "training.trial",
            "training.crm.consultant.snapshot",
        )
        if model in env
        for name, field in env[model]._fields.items()
        if field.store and field.column_type
    )
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


def code_hash(modules):
    """The project's modules' code and data files: a database kept for its
    data set is updated when they change (a report's SQL, an index)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for module in modules.split(","):
        if not module.startswith("training_crm"):
            continue
        for path in sorted((root / module).rglob("*")):
            if path.suffix in (".py", ".xml", ".csv") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def install(config_file, dbname, modules, update=False):
    """Install modules (without demo data) through Odoo's command line, or
    update them."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo; odoo.cli.main()",
            "-c",
            config_file,
            "-d",
            dbname,
            "-u" if update else "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        check=True,
        env={**os.environ, "TZ": "UTC"},
    )


def ensure(config_file, dbname, modules, leads, followups, seed=42):
    """Return the database ready for the bench, regenerating it when stale."""
    prepare(
        config_file,
        dbname,
        modules,
        lambda env: marker(leads, followups, schema_hash(env)),
        lambda: Generator(dbname, leads, followups, seed).run(),
    )


def prepare(config_file, dbname, modules, wanted_marker, generate):
    """Keep the database if its MARKER is `wanted_marker(env)`, else (re)create
    it: install `modules` for a Chinese company, then `generate()` its data."""
    assert dbname.startswith("training_crm_bench"), dbname
    if dbname in odoo.service.db.list_dbs(True):
        registry = Registry(dbname)
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            current = env["ir.config_parameter"].get_param(MARKER)
            code = env["ir.config_parameter"].get_param(CODE)
            wanted = wanted_marker(env)
        if current == wanted and not os.environ.get("BENCH_REGENERATE"):
            print(f"{dbname}: reusing data set ({current})", flush=True)
            if code != code_hash(modules):
                print(f"{dbname}: the modules changed, updating {modules}", flush=True)
                install(config_file, dbname, modules, update=True)
                Registry.delete(dbname)
                with Registry(dbname).cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    env["ir.config_parameter"].set_param(CODE, code_hash(modules))
            return
        print(f"{dbname}: data set is {current or 'missing'}, want {wanted}", flush=True)
        Registry.delete(dbname)
        odoo.service.db.exp_drop(dbname)
    start = time.perf_counter()
    print(f"{dbname}: installing {modules}", flush=True)
    # base alone, then a Chinese company, then the modules: `account` (which
    # sale_crm brings) loads China's chart of accounts, as scripts/lib.sh's
    # prepare_company does for `make run` and `make test`.
    install(config_file, dbname, "base")
    with Registry(dbname).cursor() as cr:
        demo_school.configure_country(api.Environment(cr, api.SUPERUSER_ID, {}))
    # That registry knows base alone: the generator must load the installed modules'.
    Registry.delete(dbname)
    install(config_file, dbname, modules)
    installed = time.perf_counter()
    generate()
    took = f"install {installed - start:.0f} s + data {time.perf_counter() - installed:.0f} s"
    print(f"{dbname}: {took}", flush=True)
    with Registry(dbname).cursor() as cr:
        params = api.Environment(cr, api.SUPERUSER_ID, {})["ir.config_parameter"]
        params.set_param(TIMING, took)
        params.set_param(CODE, code_hash(modules))


def copy_rows(cr, table, columns, rows):
    """COPY rows (tuples, None for NULL) into table, in chunks of 50,000."""

    def text(value):
        if value is None:
            return r"\N"
        if value is True or value is False:
            return "t" if value else "f"
        return str(value)

    for start in range(0, len(rows), 50_000):
        buffer = io.StringIO()
        for row in rows[start : start + 50_000]:
            buffer.write("\t".join(map(text, row)))
            buffer.write("\n")
        buffer.seek(0)
        cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def check_columns(cr, table, columns, empty):
    """Fail on a column of `table` that is neither written (`columns`) nor
    known to stay empty (`empty`): a new stored field the generator ignores."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    missing = {row[0] for row in cr.fetchall()} - set(columns) - set(empty)
    assert not missing, f"{table} columns the generator ignores: {sorted(missing)}"


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Generator:
    """One database's data set; the same seed gives the same leads in both."""

    n_consultants = CONSULTANTS

    def __init__(self, dbname, leads, followups, seed):
        self.dbname = dbname
        self.n_leads = leads
        self.n_followups = followups
        self.seed = seed

    def run(self):
        registry = Registry(self.dbname)
        with registry.cursor() as cr:
            self.cr = cr
            self.env = env = api.Environment(cr, api.SUPERUSER_ID, {"tz": TZ})
            self.addon = "training.crm.followup" in env
            self.now = fields.Datetime.now().replace(microsecond=0)
            self.rng = random.Random(self.seed)
            step = time.perf_counter()
            self.create_people()
            self.make_leads()
            self.write_leads()
            print(f"  {len(self.leads):,} leads in {time.perf_counter() - step:.0f} s", flush=True)
            if self.addon:
                step = time.perf_counter()
                self.write_followups()
                print(
                    f"  {self.followup_rows:,} follow-ups in {time.perf_counter() - step:.0f} s",
                    flush=True,
                )
                step = time.perf_counter()
                self.write_enrollments()
                print(
                    f"  {ENROLLMENTS:,} enrolments (and {self.won_enrollments:,} of won leads) "
                    f"in {time.perf_counter() - step:.0f} s",
                    flush=True,
                )
                step = time.perf_counter()
                self.write_kpi_sources()
                print(
                    "  "
                    + ", ".join(f"{count:,} {table}" for table, count in self.kpi_rows.items())
                    + f" in {time.perf_counter() - step:.0f} s",
                    flush=True,
                )
                step = time.perf_counter()
                self.write_pool_dates()
                print(
                    f"  {self.pool_dates:,} return dates to the pool in "
                    f"{time.perf_counter() - step:.0f} s",
                    flush=True,
                )
            step = time.perf_counter()
            self.write_activities()
            self.reset_sequences()
            env.invalidate_all()
            # Scoring covers leads created since this date: the whole data set.
            start = fields.Date.to_string(self.now - timedelta(days=800))
            env["ir.config_parameter"].set_param("crm.pls_start_date", start)
            env["crm.lead"]._cron_update_automated_probabilities()
            self.score_closed_leads()
            env.flush_all()
            print(f"  lead scoring in {time.perf_counter() - step:.0f} s", flush=True)
            if self.addon:
                step = time.perf_counter()
                self.write_snapshots()
                print(
                    f"  {self.snapshot_rows:,} snapshots in {time.perf_counter() - step:.0f} s "
                    f"(today's by the scheduled action's method in {self.snapshot_seconds:.1f} s)",
                    flush=True,
                )
            step = time.perf_counter()
            check_sample(env, self.rng)
            print(f"  ORM check of 200 leads in {time.perf_counter() - step:.0f} s", flush=True)
            if self.addon:
                check_enrollment_sample(env, self.rng)
                check_kpi_sample(env, random.Random(self.seed + 7))
            env["ir.config_parameter"].set_param(
                MARKER, marker(self.n_leads, self.n_followups, schema_hash(env))
            )
            cr.commit()

    def create_people(self):
        """Campuses and consultants through the ORM: few, and full of defaults."""
        env = self.env(
            context=dict(
                self.env.context,
                no_reset_password=True,
                mail_create_nolog=True,
                tracking_disable=True,
            )
        )
        company = env.ref("base.main_company")
        company.write({"country_id": env.ref("base.cn").id, "name": "Bench School Chain"})
        group = env.ref(
            "training_crm.group_consultant" if self.addon else "sales_team.group_sale_salesman"
        )
        internal = env.ref("base.group_user")
        self.manager = env["res.users"].create(
            {
                "name": "Bench Manager",
                "login": "bench_manager",
                "email": "manager@school.example.cn",
                "tz": TZ,
                "groups_id": [
                    Command.set([internal.id, env.ref("sales_team.group_sale_manager").id])
                ],
            }
        )
        users = env["res.users"].create(
            [
                {
                    "name": f"Consultant {k:03d}",
                    "login": f"bench_consultant_{k:03d}",
                    "email": f"consultant{k:03d}@school.example.cn",
                    "tz": TZ,
                    "groups_id": [Command.set([internal.id, group.id])],
                }
                for k in range(self.n_consultants)
            ]
        )
        per_team = -(-self.n_consultants // TEAMS)  # the last teams may be smaller
        self.teams = env["crm.team"].create(
            [
                {
                    "name": f"Campus {t + 1:02d}",
                    "user_id": self.manager.id,
                    "company_id": company.id,
                    "use_leads": False,
                    "use_opportunities": True,
                    "crm_team_member_ids": [
                        Command.create({"user_id": user.id})
                        for user in users[t * per_team : (t + 1) * per_team]
                    ],
                }
                for t in range(TEAMS)
            ]
        )
        self.members = [team.member_ids.ids for team in self.teams]
        self.company_id = company.id
        stages = env["crm.stage"].search([])
        self.stage_won = stages.filtered("is_won")[:1].id
        self.stages_open = stages.filtered(lambda s: not s.is_won).ids[:3]
        if self.addon:
            self.grades = {code: env.ref(f"training_crm.grade_{code}") for code in GRADES}
            for code, grade in self.grades.items():
                days = (grade.followup_gap_days, grade.protection_days)
                assert days == GRADE_DAYS[code], f"grade {code} changed: update GRADE_DAYS"
            lead_model = env["crm.lead"]
            settings = (
                env["training.crm.followup"]._get_invalid_after_attempts(),
                lead_model._get_int_param("training_crm.retry_delay_days", 1),
                lead_model._get_int_param("training_crm.first_followup_delay_days", 1),
                lead_model._get_bool_param("training_crm.failed_attempts_count_days", True),
            )
            wanted = (INVALID_AFTER, RETRY_DAYS, FIRST_DELAY_DAYS, True)
            assert settings == wanted, f"training_crm settings changed: {settings}"
        self.lost_reasons = {
            key: env.ref(f"training_crm.lost_reason_{key}").id if self.addon else None
            for key in ("competitor", "unreachable", "no_need")
        }
        env.flush_all()

    def days_ago(self, low, high):
        return self.now - timedelta(seconds=int(self.rng.uniform(low, high) * 86400))

    def make_leads(self):
        """Leads as dicts, follow-up histories included, for both databases alike."""
        rng = self.rng
        self.cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_lead")
        first_id = self.cr.fetchone()[0] + 1
        leads = []
        for i in range(self.n_leads):
            team = rng.randrange(TEAMS)
            owned = rng.random() < OWNED_SHARE
            digits = (i * 48271 + 12345) % 100_000_000
            prefix = MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)]
            phone = f"+86 {prefix} {digits // 10000:04d} {digits % 10000:04d}"
            person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            email = None
            if rng.random() < EMAIL_SHARE:
                email = f"student{i}@{rng.choice(EMAIL_DOMAINS)}"
            if leads and rng.random() < DUPLICATE_SHARE:  # the same person again
                other = rng.choice(leads)
                if other["email"] and rng.random() < 0.5:
                    email = other["email"]
                else:
                    phone = other["phone"]
                person = other["contact"]
            leads.append(
                {
                    "id": first_id + i,
                    "team": team,
                    "user": rng.choice(self.members[team]) if owned else None,
                    "phone": phone,
                    "email": email,
                    "contact": person,
                    "name": f"{person} · {rng.choice(COURSES)}",
                    "priority": weighted(rng, {"0": 50, "1": 30, "2": 15, "3": 5}),
                    "grade": weighted(rng, GRADES) if owned else None,
                    "history": [],
                }
            )
        owned = [lead for lead in leads if lead["user"]]
        counts = Counter(rng.choice(range(len(owned))) for _ in range(self.n_followups))
        for index, lead in enumerate(owned):
            lead["history"] = history = self.outcomes(counts[index])
            last = history[-1] if history else None
            streak = 0
            for outcome in reversed(history):
                if outcome not in FAILED:
                    break
                streak += 1
            reached = sum(outcome in REACHED for outcome in history)
            lead["lost"] = None
            if last == "competitor":
                lead["lost"] = "competitor"
            elif last in FAILED and streak >= INVALID_AFTER:
                lead["lost"] = "unreachable"  # date_lead puts them on distinct days
            elif last == "not_interested" and reached >= INVALID_AFTER:
                lead["lost"] = "no_need"
            lead["won"] = not lead["lost"] and rng.random() < 0.05
        candidates = [lead for lead in owned if not lead["lost"] and not lead["won"]]
        idle = rng.sample(candidates, min(len(candidates), round(self.n_leads * ELIGIBLE_SHARE)))
        for lead in idle:
            lead["idle"] = True
        for lead in leads:
            self.date_lead(lead)
        self.leads = leads
        self.link_collisions()

    def outcomes(self, count):
        """A history a consultant could have logged: what invalidates a lead (a
        competitor, the third failure in a row, "not interested" from the third
        contact that reached the person on) comes last if at all."""
        history, streak, reached = [], 0, 0
        for position in range(count):
            weights = dict(OUTCOMES)
            if position < count - 1:
                weights.pop("competitor")
                if streak == INVALID_AFTER - 1:
                    for outcome in FAILED:
                        weights.pop(outcome)
                if reached >= INVALID_AFTER - 1:
                    weights.pop("not_interested")
            outcome = weighted(self.rng, weights)
            streak = streak + 1 if outcome in FAILED else 0
            reached += outcome in REACHED
            history.append(outcome)
        return history

    def date_lead(self, lead):
        """Dates in the past; idle leads have no follow-up within their protection
        period, the other owned open leads have one (or were opened within it)."""
        rng = self.rng
        protection = GRADE_DAYS[lead["grade"]][1] if lead["grade"] else 0
        count = len(lead["history"])
        if not lead["user"]:
            lead["create"] = self.days_ago(0.05, 400)
            lead["open"] = None
            lead["dates"] = []
            return
        if lead.get("idle"):
            lead["create"] = self.days_ago(protection + 2, 400)
        elif not lead["lost"] and not lead["won"] and not count:
            lead["create"] = self.days_ago(0.05, protection - 0.1)
        else:
            lead["create"] = self.days_ago(1, 400)
        lead["open"] = lead["create"] + timedelta(seconds=rng.randrange(60, 3 * 3600))
        start = lead["open"]
        end = self.now - timedelta(minutes=5)
        if lead.get("idle"):
            end = self.now - timedelta(days=protection, hours=1)
        elif not lead["lost"] and not lead["won"] and count:
            # the newest follow-up falls within the protection period
            newest = self.now - timedelta(seconds=int(rng.uniform(300, (protection - 0.1) * 86400)))
            end = max(newest, start + timedelta(minutes=count + 1))
            end = min(end, self.now - timedelta(minutes=1))
        span = max((end - start).total_seconds(), count + 1)
        offsets = sorted(rng.sample(range(1, int(span) + 1), count)) if count else []
        if offsets and not lead.get("idle") and not lead["lost"] and not lead["won"]:
            offsets[-1] = int(span)
        lead["dates"] = dates = [start + timedelta(seconds=offset) for offset in offsets]
        if lead["lost"] == "unreachable":
            # Failed attempts count once a local day: the last ones a day apart
            # at least (the time zone has no daylight saving time).
            for k in range(len(dates) - 2, -1, -1):
                step = (
                    timedelta(days=1) if k >= len(dates) - INVALID_AFTER else timedelta(seconds=1)
                )
                dates[k] = min(dates[k], dates[k + 1] - step)
            if dates[0] <= lead["open"]:
                shift = lead["open"] - dates[0] + timedelta(minutes=1)
                lead["open"] -= shift
                lead["create"] -= shift

    def link_collisions(self):
        """撞单 as training_crm records it at creation: an earlier open lead of the
        same person, owned by someone else."""
        first_owned = {}
        for lead in self.leads:
            lead["collision"] = None
            keys = [key for key in (lead["phone"], lead["email"]) if key]
            for key in keys:
                match = first_owned.get(key)
                if match and match["user"] != lead["user"]:
                    lead["collision"] = match["id"]
                    break
            if lead["user"] and not lead["lost"] and not lead["won"]:
                for key in keys:
                    first_owned.setdefault(key, lead)

    def write_leads(self):
        from odoo.addons.iap.tools import iap_tools  # importable once the addons path is set

        lead_columns = [
            "id", "name", "contact_name", "type", "active", "priority", "color", "user_id",
            "team_id", "company_id", "stage_id", "phone", "phone_sanitized", "phone_state",
            "email_from", "email_normalized", "email_domain_criterion", "email_state",
            "date_open", "day_open", "date_closed", "day_close", "date_last_stage_update",
            "probability", "lost_reason_id", "expected_revenue", "prorated_revenue",
            "recurring_revenue", "recurring_revenue_monthly", "recurring_revenue_prorated",
            "recurring_revenue_monthly_prorated", "message_bounce",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        addon_columns = [
            "intent_grade_id", "followup_count", "last_followup_date", "failed_attempt_count",
            "next_followup_date", "first_contact_date", "first_contact_user_id",
            "collision_lead_id", "has_collision",
        ]  # fmt: skip
        rows = []
        manager = self.manager.id
        for lead in self.leads:
            self.lead_stats(lead)
            email = email_normalize(lead["email"]) if lead["email"] else None
            closed = None
            if lead.get("lost") or lead.get("won"):
                closed = lead["dates"][-1] if lead["dates"] else lead["open"]
            stage = self.stage_won if lead.get("won") else self.rng.choice(self.stages_open)
            probability = 100 if lead.get("won") else 0 if lead.get("lost") else None
            row = [
                lead["id"], lead["name"], lead["contact"], "opportunity", not lead.get("lost"),
                lead["priority"], 0, lead["user"], self.teams[lead["team"]].id, self.company_id,
                stage, lead["phone"], "+86" + lead["phone"][4:].replace(" ", ""), "correct",
                lead["email"], email,
                iap_tools.mail_prepare_for_domain_search(email) if email else None,
                "correct" if email else None,
                lead["open"], abs((lead["open"] - lead["create"]).days) if lead["open"] else 0,
                closed, abs((closed - lead["create"]).days) if closed else 0, lead["create"],
                probability, self.lost_reasons.get(lead.get("lost")), 0, 0, 0, 0, 0, 0, 0,
                lead["create"], lead["write"], manager, lead["user"] or manager,
            ]  # fmt: skip
            if self.addon:
                row += [
                    self.grades[lead["grade"]].id if lead["grade"] else None,
                    lead["count"], lead["last"], lead["streak"], lead["next"],
                    lead["first_contact"], lead["first_contact_user"], lead["collision"],
                    bool(lead["collision"]),
                ]  # fmt: skip
            rows.append(row)
        columns = lead_columns + (addon_columns if self.addon else [])
        copy_rows(self.cr, "crm_lead", columns, rows)

    def lead_stats(self, lead):
        """What training_crm's computes derive from the follow-up log."""
        history, dates = lead["history"], lead["dates"]
        grade = self.grades[lead["grade"]] if self.addon and lead["grade"] else None
        gap = GRADE_DAYS[lead["grade"]][0] if lead["grade"] else 7
        lead["followups"] = []
        for outcome, date in zip(history, dates, strict=True):
            regraded = self.rng.random() < 0.1  # drawn in both databases alike
            # The consultants' time zone is TZ, the context's.
            local_day = self.local_day(date)
            days = min(gap, RETRY_DAYS) if outcome in FAILED else gap
            lead["followups"].append(
                {
                    "date": date,
                    "local_day": local_day,
                    "outcome": outcome,
                    "grade": grade if regraded else None,
                    "next": None if outcome == "competitor" else local_day + timedelta(days=days),
                }
            )
        lead["count"] = len(history)
        lead["last"] = dates[-1] if dates else None
        streak_days = set()
        for followup in reversed(lead["followups"]):
            if followup["outcome"] not in FAILED:
                break
            streak_days.add(followup["local_day"])
        lead["streak"] = len(streak_days)  # attempts on the same local day count once
        if history:
            lead["next"] = lead["followups"][-1]["next"]
        else:  # a new lead is due after the first follow-up delay (the grade's gap if sooner)
            lead["next"] = self.local_day(lead["create"]) + timedelta(
                days=min(FIRST_DELAY_DAYS, gap) if lead["grade"] else FIRST_DELAY_DAYS
            )
        first = next((f for f in lead["followups"] if f["outcome"] in REACHED), None)
        lead["first_contact"] = first and first["date"]
        lead["first_contact_user"] = first and lead["user"]
        lead["write"] = lead["last"] or lead["open"] or lead["create"]

    def local_day(self, date):
        return fields.Datetime.context_timestamp(self.env["crm.lead"], date).date()

    def write_followups(self):
        self.cr.execute("SELECT COALESCE(MAX(id), 0) FROM training_crm_followup")
        next_id = self.cr.fetchone()[0] + 1
        rows = []
        for lead in self.leads:
            team = self.teams[lead["team"]].id
            for followup in lead["followups"]:
                outcome = followup["outcome"]
                # Kept for the KPI sources (trials, invalidations): the same draws as before.
                followup["id"] = next_id
                followup["channel"] = channel = weighted(self.rng, CHANNELS)
                rows.append(
                    (
                        next_id, lead["id"], lead["user"], followup["date"],
                        channel, outcome, self.rng.choice(NOTES),
                        followup["next"], outcome in REACHED, outcome in FAILED, team,
                        self.company_id, followup["grade"] and followup["grade"].id,
                        followup["local_day"],
                        followup["date"], followup["date"], lead["user"], lead["user"],
                    )
                )  # fmt: skip
                next_id += 1
        columns = [
            "id", "lead_id", "user_id", "date", "channel", "outcome", "note", "next_date",
            "reached", "failed", "team_id", "company_id", "grade_id", "local_date",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(self.cr, "training_crm_followup", columns, rows)
        self.followup_rows = len(rows)

    def write_pool_dates(self):
        """The reclaim's stored dates (addon only): owned leads were taken when
        assigned and pool leads entered the pool when created (as
        crm.lead._auto_init fills them), booked trials hold their
        leads, and each owned lead's return date and rule are the ORM's own
        `_get_pool_return`, written by batches with SQL."""
        cr = self.cr
        cr.execute(
            "UPDATE crm_lead SET owner_date = COALESCE(date_open, create_date) "
            "WHERE user_id IS NOT NULL"
        )
        # Pool leads entered the pool when they were created (as _auto_init fills them).
        cr.execute("UPDATE crm_lead SET pool_entry_date = create_date WHERE user_id IS NULL")
        cr.execute(
            """
            UPDATE crm_lead l SET pool_trial_date = t.date
              FROM (SELECT lead_id, max(date) AS date FROM training_trial
                     WHERE state = 'booked' GROUP BY lead_id) t
             WHERE l.id = t.lead_id
            """
        )
        self.env.invalidate_all()
        cr.execute(
            "SELECT id FROM crm_lead WHERE user_id IS NOT NULL AND active "
            "AND intent_grade_id IS NOT NULL ORDER BY id"
        )
        ids = [row[0] for row in cr.fetchall()]
        self.pool_dates = 0
        Lead = self.env["crm.lead"]
        for start in range(0, len(ids), 10_000):
            leads = Lead.browse(ids[start : start + 10_000])
            rows = [(lead.id, *lead._get_pool_return()) for lead in leads]
            rows = [row for row in rows if row[1]]
            if rows:
                cr.execute(
                    """
                    UPDATE crm_lead l SET pool_return_date = v.date, pool_return_rule = v.rule
                      FROM unnest(%s::int[], %s::timestamp[], %s::varchar[]) v (id, date, rule)
                     WHERE l.id = v.id
                    """,
                    [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
                )
            self.pool_dates += len(rows)
            self.env.invalidate_all()

    def write_kpi_sources(self):
        """What the consultant KPIs read besides leads, follow-ups and
        enrolments, as the addon writes them, in their own random stream:
        grade changes (the owner grades a lead at the first follow-up, or
        when it is assigned; REGRADE_SHARE of those with two follow-ups or
        more graded otherwise first, then regraded to the lead's grade at a
        later one), an invalidation record for each lead the follow-up log
        invalidated, trial classes where a follow-up's channel is one; and
        each lead's course of interest, the one its name says (complete
        information, on the snapshots)."""
        rng = random.Random(self.seed + 4)
        grades = {code: grade.id for code, grade in self.grades.items()}
        history, invalid, trials, interests = [], [], [], []
        for lead in self.leads:
            user, team = lead["user"], self.teams[lead["team"]].id
            followups = lead["followups"]
            course = self.courses[lead["name"].split(" · ")[1]]
            interests.append((lead["id"], course))  # the course its name says
            if lead["grade"]:
                final = grades[lead["grade"]]
                first = followups[0]["date"] if followups else lead["open"]
                changes = [(None, final, first)]
                if len(followups) >= 2 and rng.random() < REGRADE_SHARE:
                    initial = grades[rng.choice([c for c in GRADES if c != lead["grade"]])]
                    later = rng.choice(followups[1:])["date"]
                    changes = [(None, initial, first), (initial, final, later)]
                history += [
                    (
                        lead["id"], old, new, user, team, self.company_id, date,
                        date, date, user, user,
                    )
                    for old, new, date in changes
                ]  # fmt: skip
            if lead.get("lost"):
                last = followups[-1]
                invalid.append(
                    (
                        lead["id"], self.lost_reasons[lead["lost"]], user, team, self.company_id,
                        last["id"], lead["lost"], last["date"], last["date"], last["date"],
                        user, user,
                    )
                )  # fmt: skip
            for followup in followups:
                state = TRIAL_STATES.get(followup["outcome"])
                if followup["channel"] != "trial_class" or not state:
                    continue
                booked = followup["date"] - timedelta(days=rng.randint(1, 7))
                trials.append(
                    (
                        lead["id"], team, self.company_id, course, user, state,
                        followup["date"], 1.0, booked, followup["date"], user, user,
                    )
                )  # fmt: skip
        sources = (
            ("crm_lead_training_course_rel", ["lead_id", "course_id"], interests),
            (
                "training_crm_grade_history",
                [
                    "lead_id", "old_grade_id", "new_grade_id", "user_id", "team_id",
                    "company_id", "date", "create_date", "write_date", "create_uid", "write_uid",
                ],
                history,
            ),
            (
                "training_crm_invalidation",
                [
                    "lead_id", "lost_reason_id", "user_id", "team_id", "company_id",
                    "followup_id", "reason", "date", "create_date", "write_date",
                    "create_uid", "write_uid",
                ],
                invalid,
            ),
            (
                "training_trial",
                [
                    "lead_id", "team_id", "company_id", "course_id", "user_id", "state", "date",
                    "duration", "create_date", "write_date", "create_uid", "write_uid",
                ],
                trials,
            ),
        )  # fmt: skip
        self.kpi_rows = {}
        for table, columns, rows in sources:
            check_columns(self.cr, table, columns, KPI_EMPTY[table])
            copy_rows(self.cr, table, columns, rows)
            self.kpi_rows[table] = len(rows)

    def write_snapshots(self):
        """The nightly snapshot of every consultant's open leads: today's by
        the scheduled action's own method (timed), the SNAPSHOT_DAYS days
        before derived from it with COPY, as if it had run every night: fewer
        open leads the further back (the data set grows), the same shares
        covered, overdue and complete give or take 5%. Its own random stream."""
        rng = random.Random(self.seed + 6)
        Snapshot = self.env["training.crm.consultant.snapshot"]
        step = time.perf_counter()
        Snapshot._take_snapshot(now=self.now)
        self.snapshot_seconds = time.perf_counter() - step
        self.cr.execute(
            """SELECT day, user_id, team_id, company_id, open_lead_count, covered_lead_count,
                      overdue_lead_count, complete_lead_count
                 FROM training_crm_consultant_snapshot ORDER BY user_id, team_id"""
        )
        today = self.cr.fetchall()
        columns = [
            "day", "user_id", "team_id", "company_id", "open_lead_count", "covered_lead_count",
            "overdue_lead_count", "complete_lead_count",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        check_columns(
            self.cr, "training_crm_consultant_snapshot", columns,
            KPI_EMPTY["training_crm_consultant_snapshot"],
        )  # fmt: skip
        rows = []
        for day, user, team, company, opened, covered, overdue, complete in today:
            for age in range(1, SNAPSHOT_DAYS + 1):
                past = day - timedelta(days=age)
                count = round(opened * (1 - 0.5 * age / SNAPSHOT_DAYS) * rng.uniform(0.95, 1.05))
                shares = [
                    min(count, round(count * part / opened * rng.uniform(0.95, 1.05)))
                    if opened
                    else 0
                    for part in (covered, overdue, complete)
                ]
                # Taken at 23:50 in Shanghai, 15:50 UTC, by the scheduled action (OdooBot).
                stamp = datetime.combine(past, datetime.min.time()) + timedelta(
                    hours=15, minutes=50
                )
                rows.append((past, user, team, company, count, *shares, stamp, stamp, 1, 1))
        copy_rows(self.cr, "training_crm_consultant_snapshot", columns, rows)
        self.snapshot_rows = len(rows) + len(today)
        self.cr.execute("ANALYZE training_crm_consultant_snapshot")

    def create_classes(self, env, rng, day, low, high, sign=1):
        """The bench's courses (ORM), CLASSES_PER_COURSE classes each, starting
        `low` to `high` days after `day` (before it, sign -1) and lasting 60 to
        150 days."""
        courses = env["training.course"].create(
            [
                {
                    "name": f"{name} (bench)",
                    "teaching_mode": "face_to_face",
                    "lesson_hours": 48,
                    "list_price": 6000,
                }
                for name in COURSES
            ]
        )
        return env["training.class"].create(
            [
                {
                    "name": f"{course.name} {k + 1:02d}",
                    "course_id": course.id,
                    "date_start": (start := day + sign * timedelta(days=rng.randint(low, high))),
                    "date_end": start + timedelta(days=rng.randint(60, 150)),
                }
                for course in courses
                for k in range(CLASSES_PER_COURSE)
            ]
        )

    def write_enrollments(self):
        """Courses, their classes and students through the ORM (few), then
        ENROLLMENTS enrolments with COPY, all still `enrolled` (and a few
        cancelled) as if the state action had not run: classes started up to
        18 months ago or start within 3 months, so most enrolments are due to
        become studying or graduated. Their own random stream, so that the
        leads stay the same in both databases."""
        rng = random.Random(self.seed + 1)
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        today = self.now.date()
        classes = self.create_classes(env, rng, today, -90, 540, sign=-1)
        students = env["res.partner"].create(
            [
                {"name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)}
                for _k in range(STUDENTS)
            ]
        )
        env.flush_all()
        currency = env.ref("base.main_company").currency_id.id
        consultants = [member for members in self.members for member in members]
        team_of = {member: self.teams[t].id for t, ms in enumerate(self.members) for member in ms}
        classes = [(c.id, c.course_id.id, c.date_start, c.date_end) for c in classes]
        students = students.ids
        rows = []
        for _k in range(ENROLLMENTS):
            class_id, course_id, start, end = rng.choice(classes)
            user = rng.choice(consultants)
            cancelled = rng.random() < CANCELLED_SHARE
            created = self.now - timedelta(days=max((today - start).days, 0) + rng.randint(1, 60))
            student = rng.choice(students)
            rows.append(
                (
                    student, student, course_id, class_id, 48.0, 0.0, 48.0, currency, 6000.0,
                    start, end, "cancelled" if cancelled else "enrolled", user, user,
                    team_of[user], self.company_id, created, created, self.manager.id,
                    self.manager.id,
                )
            )  # fmt: skip
        # No class adviser and no default one: each enrolment's adviser is its consultant.
        columns = [
            "partner_id", "payer_id", "course_id", "class_id", "hours", "hours_consumed",
            "hours_remaining", "currency_id", "amount", "start_date", "end_date", "state",
            "user_id", "adviser_id", "team_id", "company_id",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(self.cr, "training_enrollment", columns, rows)
        self.courses = {
            course.name.removesuffix(" (bench)"): course.id
            for course in env["training.course"].search([("name", "like", "% (bench)")])
        }
        self.write_won_enrollments(classes, students, currency, columns)
        self.write_value_families(classes, currency, consultants, team_of)
        self.type_enrollments()
        # Cancelled on the day they were last written (the ORM stamps the day of cancelling).
        self.cr.execute(
            """UPDATE training_enrollment
                  SET cancel_date = ((write_date AT TIME ZONE 'UTC') AT TIME ZONE %s)::date
                WHERE state = 'cancelled' AND cancel_date IS NULL""",
            [TZ],
        )
        # The students' lifecycle: enrolled while one of their enrolments is.
        self.cr.execute(
            """UPDATE res_partner SET training_lifecycle = 'enrolled'
                WHERE id IN (SELECT partner_id FROM training_enrollment WHERE state = 'enrolled')"""
        )

    def write_won_enrollments(self, classes, students, currency, columns):
        """One enrolment for each won lead, by its owner on its closing day,
        in a class of the lead's course starting after it if any (the
        consultant KPIs' won leads, conversions and converted trials), still
        `enrolled` as the others. Their own random stream."""
        rng = random.Random(self.seed + 5)
        by_course = defaultdict(list)
        for row in classes:
            by_course[row[1]].append(row)
        rows = []
        for lead in self.leads:
            if not lead.get("won"):
                continue
            closed = lead["dates"][-1] if lead["dates"] else lead["open"]
            offered = by_course[self.courses[lead["name"].split(" · ")[1]]]
            later = [row for row in offered if row[2] >= closed.date()]
            class_id, course_id, start, end = rng.choice(later or offered)
            student, user = rng.choice(students), lead["user"]
            rows.append(
                (
                    student, student, course_id, class_id, 48.0, 0.0, 48.0, currency,
                    rng.choice((3000.0, 6000.0, 12000.0)), start, end, "enrolled", user, user,
                    self.teams[lead["team"]].id, self.company_id, closed, closed, user, user,
                    lead["id"],
                )
            )  # fmt: skip
        copy_rows(self.cr, "training_enrollment", [*columns, "lead_id"], rows)
        self.won_enrollments = len(rows)

    def write_value_families(self, classes, currency, consultants, team_of):
        """Families for the value grade action, up to VALUE_CONTACTS contacts
        with an enrolment: parents (guardian and primary payer of two
        students each) and students, with COPY; one to three graduated
        enrolments a student, in classes ended over a month ago (nothing for
        the state or care actions to do), of 3,000 to 20,000 CNY."""
        rng = random.Random(self.seed + 2)
        today = self.now.date()
        ended = [c for c in classes if c[3] < today - timedelta(days=31)]
        missing = VALUE_CONTACTS - STUDENTS
        parents = missing // 5
        self.cr.execute(
            """INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                        partner_share, autopost_bills, create_date, write_date)
               SELECT '家长 ' || n, '家长 ' || n, TRUE, 'contact', FALSE, TRUE, 'ask', now(), now()
                 FROM generate_series(1, %s) AS n
            RETURNING id""",
            [missing],
        )
        ids = sorted(row[0] for row in self.cr.fetchall())
        parent_ids, student_ids = ids[:parents], ids[parents:]
        self.cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids]
        )
        self.cr.execute(
            "UPDATE res_partner SET name = '学员 ' || id, complete_name = '学员 ' || id"
            " WHERE id = ANY(%s)",
            [student_ids],
        )
        payer = {student_ids[2 * k + j]: p for k, p in enumerate(parent_ids) for j in (0, 1)}
        copy_rows(
            self.cr,
            "training_guardian",
            ["student_id", "guardian_id", "relationship", "is_primary_payer"],
            [(student, parent, "mother", True) for student, parent in payer.items()],
        )
        rows = []
        for student in student_ids:
            for class_id, course_id, start, end in rng.sample(ended, rng.randint(1, 3)):
                user = rng.choice(consultants)
                created = self.now - timedelta(days=(today - start).days + rng.randint(1, 60))
                rows.append(
                    (
                        student, payer.get(student, student), course_id, class_id, 48.0, 0.0,
                        48.0, currency, rng.choice((3000.0, 6000.0, 12000.0, 20000.0)), start,
                        end, "graduated", user, user, team_of[user], self.company_id, created,
                        created, self.manager.id, self.manager.id,
                    )
                )  # fmt: skip
        columns = [
            "partner_id", "payer_id", "course_id", "class_id", "hours", "hours_consumed",
            "hours_remaining", "currency_id", "amount", "start_date", "end_date", "state",
            "user_id", "adviser_id", "team_id", "company_id",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(self.cr, "training_enrollment", columns, rows)
        self.cr.execute(
            "UPDATE res_partner SET training_lifecycle = 'graduated' WHERE id = ANY(%s)",
            [student_ids],
        )

    def type_enrollments(self):
        """Renewal, added subject or new, as the ORM computes them when each
        enrolment is made: from the student's other enrolments (not cancelled)
        that began before it, by start date then id; the same subject is the
        course's category, else the course."""
        self.cr.execute(
            """
            WITH subject AS (
                SELECT e.id, e.partner_id, e.state,
                       COALESCE(e.start_date, 'infinity'::date) AS start,
                       CASE WHEN c.category_id IS NULL THEN 'course:' || c.id
                            ELSE 'category:' || c.category_id END AS subject
                  FROM training_enrollment e
                  JOIN training_course c ON c.id = e.course_id
            ), windowed AS (
                SELECT id,
                       array_agg(id) FILTER (WHERE state != 'cancelled') OVER (
                           PARTITION BY partner_id, subject ORDER BY start, id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                       ) AS same_subject,
                       count(*) FILTER (WHERE state != 'cancelled') OVER (
                           PARTITION BY partner_id ORDER BY start, id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                       ) AS before
                  FROM subject
            ), typed AS (
                SELECT id, same_subject[array_upper(same_subject, 1)] AS renewal_of_id,
                       before > 0 AS has_before
                  FROM windowed
            )
            UPDATE training_enrollment enrollment
               SET renewal_of_id = typed.renewal_of_id,
                   enrollment_type = CASE WHEN typed.renewal_of_id IS NOT NULL THEN 'renewal'
                                          WHEN typed.has_before THEN 'added_subject'
                                          ELSE 'new' END
              FROM typed
             WHERE typed.id = enrollment.id
            """
        )

    def write_activities(self):
        """One open activity per owned open lead: the follow-up due (addon) or a
        To-Do (stock), the thing a consultant closes when logging a contact."""
        env = self.env
        xmlid = "training_crm.mail_activity_type_followup" if self.addon else None
        activity_type = env.ref(xmlid or "mail.mail_activity_data_todo")
        model_id = env["ir.model"]._get_id("crm.lead")
        rows = []
        for lead in self.leads:
            if not lead["user"] or lead.get("lost") or lead.get("won"):
                continue
            base = lead["last"] or lead["open"]
            deadline = lead["next"] or (base + timedelta(days=3)).date()
            rows.append(
                (
                    model_id, "crm.lead", lead["id"], lead["name"], activity_type.id,
                    activity_type.summary or None, deadline, lead["user"], True, True, TZ,
                    base, base, lead["user"], lead["user"],
                )
            )  # fmt: skip
        columns = [
            "res_model_id", "res_model", "res_id", "res_name", "activity_type_id", "summary",
            "date_deadline", "user_id", "automated", "active", "user_tz",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(self.cr, "mail_activity", columns, rows)

    def score_closed_leads(self):
        """Odoo's scoring cron skips won and lost leads; their automated
        probability is what the ORM computes for them, written in one go."""
        env = self.env
        closed = (
            env["crm.lead"]
            .with_context(active_test=False)
            .search([("probability", "in", (0, 100))])
        )
        by_value = defaultdict(list)
        for lead_id, value in closed._pls_get_naive_bayes_probabilities().items():
            by_value[value].append(lead_id)
        for value, ids in by_value.items():
            self.cr.execute(
                "UPDATE crm_lead SET automated_probability = %s WHERE id = ANY(%s)", [value, ids]
            )
        env.invalidate_all()

    def reset_sequences(self):
        """COPY bypasses the id sequences; ANALYZE gives the planner the new sizes."""
        tables = ["crm_lead", "mail_activity"]
        if self.addon:
            tables += ["training_crm_followup", "training_enrollment"]
            tables += ["training_crm_grade_history", "training_crm_invalidation", "training_trial"]
        for table in tables:
            self.cr.execute(
                SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM %s",
                    table,
                    SQL.identifier(table),
                )
            )
            self.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def check_enrollment_sample(env, rng, size=200):
    """The enrolments' stored computed fields (dates from the class, the
    order, the adviser, the hours, renewals) and their students' (the
    lifecycle), recomputed with the ORM for `size` random ones."""
    env.cr.execute("SELECT id FROM training_enrollment ORDER BY id")
    ids = rng.sample([row[0] for row in env.cr.fetchall()], size)
    enrollments = env["training.enrollment"].browse(ids)
    check_records(env, [enrollments, enrollments.partner_id])


def check_kpi_sample(env, rng, size=200):
    """The KPI sources against the ORM: the trials' stored computed fields
    (team, company, consultant) recomputed for a sample; each graded lead's
    last grade change ends at its grade; each invalid lead (lost) has the
    invalidation record of its lost reason, made by its last follow-up."""
    env.cr.execute("SELECT id FROM training_trial ORDER BY id")
    ids = [row[0] for row in env.cr.fetchall()]
    check_records(env, [env["training.trial"].browse(rng.sample(ids, min(size, len(ids))))])
    env.cr.execute(
        """SELECT count(*) FROM crm_lead l
             LEFT JOIN LATERAL (SELECT new_grade_id FROM training_crm_grade_history h
                                 WHERE h.lead_id = l.id ORDER BY date DESC, id DESC LIMIT 1) h
               ON TRUE
            WHERE l.intent_grade_id IS DISTINCT FROM h.new_grade_id"""
    )
    assert not env.cr.fetchone()[0], "leads whose grade is not their last grade change"
    env.cr.execute(
        """SELECT count(*) FROM crm_lead l
             LEFT JOIN training_crm_invalidation i ON i.lead_id = l.id
             LEFT JOIN training_crm_followup f ON f.id = i.followup_id
            WHERE NOT l.active AND (i.id IS NULL OR i.lost_reason_id != l.lost_reason_id
                                    OR f.date != i.date OR f.lead_id != l.id
                                    OR f.date != l.last_followup_date)"""
    )
    assert not env.cr.fetchone()[0], "invalid leads without their invalidation record"


def check_sample(env, rng, size=200):
    """Recompute the stored computed fields of `size` random leads, their
    follow-ups and activities with the ORM; raise on any difference."""
    env.cr.execute("SELECT id FROM crm_lead ORDER BY id")
    ids = rng.sample([row[0] for row in env.cr.fetchall()], size)
    leads = env["crm.lead"].with_context(active_test=False).browse(ids)
    samples = [leads]
    if "training.crm.followup" in env:
        samples.append(leads.followup_ids)
    samples.append(
        env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "in", ids)])
    )
    check_records(env, samples)


def check_records(env, samples, unchecked=frozenset()):
    """Recompute the stored computed fields of each recordset of `samples`
    with the ORM (but `unchecked` ones, (model, field) pairs); raise on any
    difference."""
    errors = defaultdict(list)
    for records in samples:
        model = records._name
        names = [
            name
            for name, field in records._fields.items()
            if field.store
            and field.compute
            and (model, name) not in UNCHECKED
            and (model, name) not in unchecked
        ]
        env.invalidate_all()
        stored = {name: [record[name] for record in records] for name in names}
        for name in names:
            env.transaction.clear()
            field = records._fields[name]
            field.compute_value(records)
            computed = [record[name] for record in records]
            for record, have, want in zip(records, stored[name], computed, strict=True):
                if have != want:
                    errors[model, name].append(f"{record.id}: stored {have!r}, ORM {want!r}")
    env.transaction.clear()
    if errors:
        raise SystemExit(
            "The generated data set disagrees with the ORM:\n"
            + "\n".join(
                f"{model}.{name}, {len(cases)} records, e.g. {'; '.join(cases[:3])}"
                for (model, name), cases in errors.items()
            )
        )


# ------------------------------------------------------------
# Commission statements: a database of their own (no leads)
# ------------------------------------------------------------

COMMISSION_GENERATOR_VERSION = 2
COMMISSION_MONTH = "training_crm_bench.commission_month"
COMMISSION_ENROLLMENTS = 50_000
# The month before has PREVIOUS_SHARE as many enrolments, its statements are
# confirmed; PREVIOUS_CANCELLED of them are cancelled in the benched month
# (clawbacks) and LATE_SPLIT_SHARE get a credit split after the confirmation
# (adjustments).
PREVIOUS_SHARE = 0.1
PREVIOUS_CANCELLED = 0.05
LATE_SPLIT_SHARE = 0.01
SPLIT_SHARE = 0.02  # 分单: credit split between the consultant and a colleague
PAID_SHARE = 0.20  # cash received in the month, in one or two payments
AMOUNTS = (2800.0, 3600.0, 4800.0, 6000.0, 8800.0, 12000.0, 16800.0, 20000.0)
# The plan in force: attainment tiers (from %, rate %), marginal, and a bonus
# on enrolments won at grades S and A (seed 000: A-class conversions pay more).
TIERS = ((0.0, 3.0), (80.0, 5.0), (100.0, 7.0))
GRADE_BONUS = {"s": 2.0, "a": 1.0}
# Columns of training_enrollment the generator leaves empty, and why: any
# other column it does not write fails the generation (a new stored field).
ENROLLMENT_EMPTY = {
    "sale_line_id": "entered directly, not from a sales order",
    "sale_order_id": "related to sale_line_id",
    "lead_id": "no leads in this database",
    "renewal_of_id": "set with enrollment_type, in SQL, afterwards",
    "enrollment_type": "set in SQL afterwards, as the ORM computes it",
    "suspend_date": "not suspended",
    "survey_planned_date": "no survey planned",
    "training_value_grade": "the families have no value grade (the action did not run)",
}
# The enrolments' money columns follow their invoices and payments, which are
# header-only moves (see write_payments): the ORM, reading invoice lines,
# would find none.
MONEY_FIELDS = frozenset(
    ("training.enrollment", name)
    for name in ("amount_invoiced", "amount_refunded", "amount_paid", "amount_due")
)


def commission_marker(consultants, enrollments, env, history=0):
    models = (
        "training.enrollment",
        "training.enrollment.credit",
        "training.enrollment.payment",
        "training.enrollment.refund",
        "training.sales.target",
        "training.commission.plan",
        "training.commission.plan.tier",
        "training.commission.plan.grade",
        "training.commission.statement",
        "training.commission.statement.line",
    )
    names = sorted(
        f"{model}.{name}"
        for model in models
        if model in env
        for name, field in env[model]._fields.items()
        if field.store and field.column_type
    )
    schema = hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]
    return (
        f"commissions v{COMMISSION_GENERATOR_VERSION} consultants={consultants} "
        f"enrollments={enrollments} history={history} schema={schema}"
    )


def ensure_commissions(config_file, dbname, consultants, enrollments, history=0, seed=42):
    """The commission database (training_crm and training_crm_reports, no
    leads), regenerated when stale, as `ensure` does; `history`: months of
    older enrolments."""
    prepare(
        config_file,
        dbname,
        ADDON_MODULES,
        lambda env: commission_marker(consultants, enrollments, env, history),
        lambda: CommissionGenerator(dbname, consultants, enrollments, seed, history).run(),
    )


class CommissionGenerator(Generator):
    """A month of enrolments (last month, in the school's time zone) spread
    over the consultants, with what statements are computed from: a plan in
    force with tiers and grade bonuses, a month's target per consultant,
    split credits, cancellations, refunds and cash received; and the month
    before, smaller, with confirmed statements, some of whose enrolments are
    cancelled or split in the benched month (clawbacks, adjustments).
    Consultants, teams, courses, classes, the plan, targets and the previous
    month's statements through the ORM; students, enrolments, credit splits,
    invoices, payments and refunds with SQL."""

    def __init__(self, dbname, consultants, enrollments, seed, history=0):
        super().__init__(dbname, 0, 0, seed)
        self.n_consultants = consultants
        self.n_enrollments = enrollments
        self.history = history

    def run(self):
        registry = Registry(self.dbname)
        with registry.cursor() as cr:
            self.cr = cr
            self.env = env = api.Environment(cr, api.SUPERUSER_ID, {"tz": TZ})
            self.addon = True
            self.now = fields.Datetime.now().replace(microsecond=0)
            self.rng = random.Random(self.seed + 3)
            step = time.perf_counter()
            self.create_people()
            self.set_months()
            print(
                f"  {self.n_consultants} consultants in {time.perf_counter() - step:.0f} s",
                flush=True,
            )
            step = time.perf_counter()
            self.write_enrollments()
            self.write_credits()
            self.write_payments()
            self.reset_commission_sequences()
            env.invalidate_all()
            print(
                f"  {len(self.enrollments):,} enrolments ({self.n_enrollments:,} last month), "
                f"{self.credit_count:,} split, {self.payment_count:,} payments, "
                f"{self.refund_count:,} refunds in {time.perf_counter() - step:.0f} s",
                flush=True,
            )
            step = time.perf_counter()
            self.create_plan_and_targets()
            self.confirm_previous_month()
            self.split_late()
            env.flush_all()
            print(
                f"  the month before's statements confirmed in {time.perf_counter() - step:.0f} s",
                flush=True,
            )
            if self.history:
                step = time.perf_counter()
                self.write_history()
                print(
                    f"  {self.history} months of history in {time.perf_counter() - step:.0f} s",
                    flush=True,
                )
            self.check_commission_sample()
            env["ir.config_parameter"].set_param(
                MARKER,
                commission_marker(self.n_consultants, self.n_enrollments, env, self.history),
            )
            cr.commit()

    def set_months(self):
        """Last month and the one before, by the school's calendar (the
        company's time zone)."""
        self.tz = pytz.timezone(self.env.company.partner_id.tz or "UTC")
        today = pytz.utc.localize(self.now).astimezone(self.tz).date()
        self.date_to = today.replace(day=1) - timedelta(days=1)
        self.date_from = self.date_to.replace(day=1)
        self.previous_to = self.date_from - timedelta(days=1)
        self.previous_from = self.previous_to.replace(day=1)
        self.env["ir.config_parameter"].set_param(
            COMMISSION_MONTH, f"{self.date_from} {self.date_to}"
        )

    def utc(self, day, seconds):
        """A naive UTC datetime, `seconds` into the school's local `day`."""
        local = self.tz.localize(datetime.combine(day, datetime.min.time()))
        return (local + timedelta(seconds=seconds)).astimezone(pytz.utc).replace(tzinfo=None)

    def local_day(self, date):
        return pytz.utc.localize(date).astimezone(self.tz).date()

    def write_enrollments(self):
        """Students (SQL), courses and classes (ORM), then both months'
        enrolments with COPY."""
        rng, cr = self.rng, self.cr
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        classes = self.create_classes(env, rng, self.date_from, -30, 60)
        env.flush_all()
        self.classes = [(c.id, c.course_id.id, c.date_start, c.date_end) for c in classes]
        n_previous = round(self.n_enrollments * PREVIOUS_SHARE)
        n_students = max((self.n_enrollments + n_previous) * 2 // 3, 1)
        cr.execute(
            """INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                        partner_share, autopost_bills, create_date, write_date)
               SELECT '学员 ' || n, '学员 ' || n, TRUE, 'contact', FALSE, TRUE, 'ask',
                      now(), now()
                 FROM generate_series(1, %s) AS n
            RETURNING id""",
            [n_students],
        )
        self.students = sorted(row[0] for row in cr.fetchall())
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            [self.students],
        )
        self.currency_id = env.company.currency_id.id
        self.consultants = [member for members in self.members for member in members]
        self.team_of = {
            member: self.teams[t].id for t, ms in enumerate(self.members) for member in ms
        }
        # Some consultants sell three times as much as others.
        self.weights = [rng.uniform(1, 3) for _user in self.consultants]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM training_enrollment")
        self.next_id = cr.fetchone()[0] + 1
        # The month before: its cancellations fall in the benched month.
        self.previous = self.make_enrollments(
            self.previous_from, self.previous_to, n_previous, PREVIOUS_CANCELLED, self.date_from
        )
        self.current = self.make_enrollments(
            self.date_from, self.date_to, self.n_enrollments, CANCELLED_SHARE
        )
        self.enrollments = self.previous + self.current
        self.pay_enrollments()
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'training_enrollment'"
        )
        columns = sorted(self.enrollments[0])
        missing = {row[0] for row in cr.fetchall()} - set(columns) - set(ENROLLMENT_EMPTY)
        assert not missing, f"training_enrollment columns the generator ignores: {missing}"
        rows = [[enrollment[name] for name in columns] for enrollment in self.enrollments]
        copy_rows(cr, "training_enrollment", columns, rows)
        self.type_enrollments()
        # The students' lifecycle: studying while one of their enrolments is, else enrolled.
        cr.execute(
            """UPDATE res_partner p
                  SET training_lifecycle = CASE WHEN s.studying THEN 'studying' ELSE 'enrolled' END
                 FROM (SELECT partner_id, bool_or(state = 'studying') AS studying
                         FROM training_enrollment WHERE state IN ('enrolled', 'studying')
                        GROUP BY partner_id) s
                WHERE p.id = s.partner_id"""
        )

    def make_enrollments(self, date_from, date_to, count, cancelled_share, cancel_from=None):
        """`count` enrolments sold from `date_from` to `date_to`: every
        consultant sells, some more than others; amounts vary, grades at
        winning as the leads' (GRADES); `cancelled_share` of them cancelled
        (refunded) within ten days, or from `cancel_from` on if given."""
        rng = self.rng
        today = self.local_day(self.now)
        days = (date_to - date_from).days + 1
        enrollments = []
        for _k in range(count):
            class_id, course_id, start, end = rng.choice(self.classes)
            user = rng.choices(self.consultants, self.weights)[0]
            student = rng.choice(self.students)
            day = date_from + timedelta(days=rng.randrange(days))
            created = self.utc(day, rng.randint(8 * 3600, 21 * 3600))
            cancelled = rng.random() < cancelled_share
            state = "cancelled" if cancelled else "studying" if start <= today else "enrolled"
            written, cancel_date = created, None
            if cancelled:
                cancel_date = (cancel_from or day) + timedelta(days=rng.randint(1, 10))
                cancel_date = min(cancel_date, today)
                written = self.utc(cancel_date, 12 * 3600)
            enrollments.append(
                {
                    "id": self.next_id,
                    "partner_id": student,
                    "payer_id": student,
                    "course_id": course_id,
                    "class_id": class_id,
                    "hours": 48.0,
                    "hours_consumed": 0.0,
                    "hours_remaining": 48.0,
                    "currency_id": self.currency_id,
                    "amount": rng.choice(AMOUNTS),
                    "start_date": start,
                    "end_date": end,
                    "state": state,
                    "cancel_reason": "退费 (bench)" if cancelled else None,
                    "cancel_date": cancel_date,
                    "user_id": user,
                    "intent_grade_id": self.grades[weighted(rng, GRADES)].id,
                    "adviser_id": user,  # no class adviser, no default one: the consultant
                    "team_id": self.team_of[user],
                    "company_id": self.company_id,
                    "amount_invoiced": 0.0,
                    "amount_refunded": 0.0,
                    "amount_paid": 0.0,
                    "amount_due": 0.0,
                    "suspended": False,
                    "course_confirm_planned": False,
                    "return_visit_planned": False,
                    "renewal_planned": False,
                    "create_date": created,
                    "write_date": written,
                    "create_uid": self.manager.id,
                    "write_uid": self.manager.id,
                }
            )
            self.next_id += 1
        return enrollments

    def write_credits(self):
        """SPLIT_SHARE of the enrolments split with a colleague of the team
        (who booked the trial): 50/50, 60/40 or 70/30."""
        rng = self.rng
        self.members_of = {team.id: self.members[t] for t, team in enumerate(self.teams)}
        rows = []
        for enrollment in self.enrollments:
            if rng.random() >= SPLIT_SHARE:
                continue
            user = enrollment["user_id"]
            colleagues = [m for m in self.members_of[enrollment["team_id"]] if m != user]
            if not colleagues:
                continue
            enrollment["split"] = True
            share = rng.choice((50.0, 60.0, 70.0))
            stamp = enrollment["create_date"] + timedelta(hours=rng.randint(1, 48))
            for credited, part in ((user, share), (rng.choice(colleagues), 100.0 - share)):
                rows.append(
                    (
                        enrollment["id"], credited, part, self.company_id,
                        stamp, stamp, self.manager.id, self.manager.id,
                    )
                )  # fmt: skip
        columns = [
            "enrollment_id", "user_id", "share", "company_id",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(self.cr, "training_enrollment_credit", columns, rows)
        self.credit_count = len(rows) // 2

    def pay_enrollments(self):
        """PAID_SHARE of the enrolments invoiced and paid in their month: in
        full (40%), a deposit (定金, 30%), or a deposit then the rest (30%); a
        cancelled one that was paid is refunded in full on its cancellation
        day, on a credit note paid back that day. Sets the enrolments' money
        columns; write_payments writes the moves and lines."""
        rng = self.rng
        self.invoices = []  # (enrollment, move type, date, amount, [(date, cash)])
        for enrollment in self.enrollments:
            if rng.random() >= PAID_SHARE:
                continue
            amount = enrollment["amount"]
            created = self.local_day(enrollment["create_date"])
            month_end = (created.replace(day=28) + timedelta(days=4)).replace(day=1)
            month_end -= timedelta(days=1)
            if enrollment["cancel_date"]:
                month_end = min(month_end, enrollment["cancel_date"])
            first = created + timedelta(days=rng.randint(0, min((month_end - created).days, 5)))
            how = rng.random()
            deposit = round(amount * rng.choice((0.2, 0.3, 0.5)), 2)
            if how < 0.4:
                payments = [(first, amount)]
            elif how < 0.7:
                payments = [(first, deposit)]
            else:
                second = first + timedelta(days=rng.randint(0, (month_end - first).days))
                payments = [(first, deposit), (second, amount - deposit)]
            self.invoices.append((enrollment, "out_invoice", created, amount, payments))
            paid = sum(cash for _date, cash in payments)
            enrollment.update(amount_invoiced=amount, amount_paid=paid, amount_due=amount - paid)
            if enrollment["cancel_date"]:
                refunded = enrollment["cancel_date"]
                self.invoices.append(
                    (enrollment, "out_refund", refunded, amount, [(refunded, -paid)])
                )
                enrollment.update(amount_refunded=amount, amount_paid=0.0, amount_due=0.0)

    def write_payments(self):
        """The invoices, credit notes and payment entries as posted moves of
        the sales and bank journals, header only (no journal items: the
        accounting of 10,000 invoices through the ORM would take an hour);
        one cash line (training.enrollment.payment) per payment and one
        refund line (training.enrollment.refund) per credit note, as the
        invoices and their reconciliations write them. Statements read the
        lines, not the moves' journal items."""
        env, cr = self.env, self.cr
        sale = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company_id)], limit=1
        )
        bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company_id)], limit=1
        )
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
        next_id = cr.fetchone()[0] + 1
        moves, cash_lines, refund_lines = [], [], []
        numbers = Counter()

        def move(journal, prefix, move_type, day, partner, amount, residual, payment_state):
            nonlocal next_id
            numbers[prefix] += 1
            number = numbers[prefix]
            stamp = self.utc(day, 18 * 3600)
            invoice = move_type != "entry"
            moves.append(
                (
                    next_id, f"{prefix}{number:06d}", prefix, number, journal.id,
                    self.company_id, self.currency_id, "posted", move_type, "no", day,
                    day if invoice else None, day if invoice else None, partner, partner,
                    amount, amount, residual if invoice else None, payment_state,
                    True, False, False, 1.0,
                    stamp, stamp, self.manager.id, self.manager.id,
                )
            )  # fmt: skip
            next_id += 1
            return next_id - 1

        for enrollment, move_type, day, amount, payments in self.invoices:
            invoice = move_type == "out_invoice"
            prefix = f"BENCH/{'INV' if invoice else 'RINV'}/{day.year}/"
            due = enrollment["amount_due"] if invoice else 0.0
            move_id = move(
                sale, prefix, move_type, day, enrollment["payer_id"], amount, due,
                "partial" if due else "paid",
            )  # fmt: skip
            stamp = self.utc(day, 18 * 3600)
            if not invoice:
                refund_lines.append(
                    (
                        enrollment["id"], day, amount, move_id, enrollment["currency_id"],
                        enrollment["user_id"], enrollment["company_id"],
                        stamp, stamp, self.manager.id, self.manager.id,
                    )
                )  # fmt: skip
            for paid_on, cash in payments:
                payment_id = move(
                    bank, f"BENCH/PAY/{paid_on.year}/", "entry", paid_on,
                    enrollment["payer_id"], abs(cash), None, "not_paid",
                )  # fmt: skip
                stamp = self.utc(paid_on, 18 * 3600)
                cash_lines.append(
                    (
                        enrollment["id"], paid_on, cash, move_id, payment_id,
                        enrollment["currency_id"], enrollment["user_id"], enrollment["team_id"],
                        enrollment["course_id"], enrollment["company_id"],
                        stamp, stamp, self.manager.id, self.manager.id,
                    )
                )  # fmt: skip
        columns = [
            "id", "name", "sequence_prefix", "sequence_number", "journal_id", "company_id",
            "currency_id", "state", "move_type", "auto_post", "date", "invoice_date",
            "invoice_date_due", "partner_id", "commercial_partner_id", "amount_total",
            "amount_untaxed", "amount_residual", "payment_state", "posted_before", "is_storno",
            "checked", "invoice_currency_rate",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(cr, "account_move", columns, moves)
        columns = [
            "enrollment_id", "date", "amount", "move_id", "payment_move_id", "currency_id",
            "user_id", "team_id", "course_id", "company_id",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(cr, "training_enrollment_payment", columns, cash_lines)
        self.payment_count = len(cash_lines)
        columns = [
            "enrollment_id", "date", "amount", "move_id", "currency_id", "user_id", "company_id",
            "create_date", "write_date", "create_uid", "write_uid",
        ]  # fmt: skip
        copy_rows(cr, "training_enrollment_refund", columns, refund_lines)
        self.refund_count = len(refund_lines)

    def reset_commission_sequences(self):
        tables = [
            "res_partner", "training_enrollment", "training_enrollment_credit",
            "training_enrollment_payment", "training_enrollment_refund", "account_move",
        ]  # fmt: skip
        for table in tables:
            self.cr.execute(
                SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM %s",
                    table,
                    SQL.identifier(table),
                )
            )
            self.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def create_plan_and_targets(self):
        """The plan in force (ORM), and each consultant's target for both
        months: what they sold divided by 0.6 to 1.3, so that attainments run
        from about 75% to 165% and cross every tier."""
        env = self.env
        self.plan = env["training.commission.plan"].create(
            {
                "name": "Bench plan",
                "company_id": self.company_id,
                "date_from": self.date_from - timedelta(days=365),
                "tier_mode": "marginal",
                "tier_ids": [
                    Command.create({"attainment_from": low, "rate": rate}) for low, rate in TIERS
                ],
                "grade_bonus_ids": [
                    Command.create({"grade_id": self.grades[code].id, "rate": rate})
                    for code, rate in GRADE_BONUS.items()
                ],
            }
        )
        vals_list = []
        for date_from, enrollments in (
            (self.previous_from, self.previous),
            (self.date_from, self.current),
        ):
            sold = Counter()
            for enrollment in enrollments:
                sold[enrollment["user_id"]] += enrollment["amount"]
            vals_list += [
                {
                    "user_id": user,
                    "team_id": self.team_of[user],
                    "company_id": self.company_id,
                    "period": "month",
                    "date_from": date_from,
                    "amount": max(round(sold[user] / self.rng.uniform(0.6, 1.3), -3), 1000.0),
                }
                for user in self.consultants
            ]
        env["training.sales.target"].create(vals_list)

    def confirm_previous_month(self):
        """The month before's statements, generated and confirmed by a
        supervisor: the benched month claws back and adjusts on them."""
        users = self.env["res.users"].browse(self.consultants)
        Statement = self.env["training.commission.statement"].with_user(self.manager)
        statements = Statement._generate(users, self.previous_from, self.previous_to)
        statements.action_confirm()

    def split_late(self):
        """LATE_SPLIT_SHARE of the month before's enrolments (not split, not
        cancelled) get a credit split in the benched month, after their
        statement was confirmed, by a supervisor (ORM): adjustments."""
        rng = self.rng
        candidates = [e for e in self.previous if not e.get("split") and e["state"] != "cancelled"]
        late = rng.sample(
            candidates, min(len(candidates), round(len(self.previous) * LATE_SPLIT_SHARE))
        )
        vals_list = []
        for enrollment in late:
            user = enrollment["user_id"]
            colleagues = [m for m in self.members_of[enrollment["team_id"]] if m != user]
            if not colleagues:
                continue
            share = rng.choice((50.0, 60.0, 70.0))
            vals_list += [
                {"enrollment_id": enrollment["id"], "user_id": user, "share": share},
                {
                    "enrollment_id": enrollment["id"],
                    "user_id": rng.choice(colleagues),
                    "share": 100.0 - share,
                },
            ]
        self.env["training.enrollment.credit"].with_user(self.manager).create(vals_list)
        self.late_split_count = len(vals_list) // 2

    def write_history(self):
        """`history` months before the month before, each a copy of the
        benched month's enrolments (not cancelled) sold that many months
        earlier, with no split, payment or statement: what a school's
        past adds to the enrolments statements read (SQL)."""
        self.cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'training_enrollment' AND column_name != 'id'"
        )
        columns = SQL(", ").join(SQL.identifier(row[0]) for row in self.cr.fetchall())
        ids = [e["id"] for e in self.current if e["state"] != "cancelled"]
        for months in range(2, self.history + 2):
            self.cr.execute(
                SQL(
                    """INSERT INTO training_enrollment (%(columns)s)
                       SELECT %(columns)s FROM training_enrollment WHERE id = ANY(%(ids)s)
                    RETURNING id""",
                    columns=columns,
                    ids=ids,
                )
            )
            copies = [row[0] for row in self.cr.fetchall()]
            # The same hour, `months` months earlier.
            self.cr.execute(
                """UPDATE training_enrollment
                      SET create_date = create_date - %s * interval '1 month',
                          write_date = create_date - %s * interval '1 month'
                    WHERE id = ANY(%s)""",
                [months, months, copies],
            )
        self.type_enrollments()
        self.cr.execute("ANALYZE training_enrollment")

    def check_commission_sample(self, size=200):
        """The stored computed fields of a sample of enrolments (not their
        money, see MONEY_FIELDS), credit splits, cash and refund lines, by
        the ORM."""
        env, rng = self.env, self.rng
        # One per student: recomputed together, a student's enrolments would
        # be one purchase (not renewals of each other), as when an order makes them.
        by_student = {e["partner_id"]: e["id"] for e in self.enrollments}
        ids = rng.sample(sorted(by_student.values()), min(size, len(by_student)))
        enrollments = env["training.enrollment"].browse(ids)
        samples = [enrollments, enrollments.partner_id]
        for model in (
            "training.enrollment.credit",
            "training.enrollment.payment",
            "training.enrollment.refund",
        ):
            records = env[model].search([], limit=size)
            if records:
                samples.append(records)
        check_records(env, samples, unchecked=MONEY_FIELDS)

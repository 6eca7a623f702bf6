"""make load: a school's day against `make serve`, in parallel, over JSON-RPC.

    scripts/load.py URL DB [--consultants 50] [--supervisors 5] [--seconds 300]

Each simulated user logs in over HTTP (/web/session/authenticate) with a
session of their own and loops over a day's mix, as the web client calls
it (/web/dataset/call_kw), without pause (a bounded load: each user waits
for their answer before the next call).

Consultants: open My Day (their leads due), the pipeline (grouped by
stage), log a follow-up on one of their leads, claim a pool lead of their
team, create a lead (half of them the phone number of a lead that exists:
a collision), read their KPIs. Supervisors: the teams' dashboard, the open
disputes (and decide one), everyone's KPI pivot, the pipeline by
consultant.

Answers are sorted into: ok; refused (a UserError, AccessError or
ValidationError the user is shown: a cap, a lead taken meanwhile); server
errors (HTTP 5xx, or any other exception: a traceback, a serialization
failure surfacing to the user); transport errors (no answer: counted apart,
for a restarted server or database). Times are per operation, p50/p95/p99.

Faults (`--fault`, `make faults FAULT=worker|database`), injected while
the staff work, from `--fault-at` seconds on:
- worker: an HTTP worker caught writing a follow-up (its PostgreSQL session,
  named odoo-<pid> by Odoo, inserting into training_crm_followup) is killed
  with SIGKILL, `--kills` times; the prefork server starts another. Its
  request in flight gets no answer (a transport error, counted apart). Then
  every follow-up the server acknowledged must be in the database, and no
  lead half-written: stored follow-up counts and last dates equal to the
  follow-ups, first contact's date and consultant set together.
- database: PostgreSQL is restarted (pg_ctlcluster); requests in flight
  then fail, counted apart (those overlapping the restart and a few seconds
  after, FAULT_GRACE); before and after, not one server error, and the
  same server answers again.

The users are `make bench`'s (bench_consultant_NNN, bench_manager and the
teams' leaders): `--prepare` gives them the password `--password` first
(one hash, written in SQL to every bench user).
"""

import argparse
import contextlib
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests

REFUSALS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
)
CONSULTANT_MIX = [
    ("open My Day", 20),
    ("open the pipeline", 15),
    ("log a follow-up", 35),
    ("claim a pool lead", 10),
    ("create a lead", 10),
    ("read own KPIs", 10),
]
SUPERVISOR_MIX = [
    ("open the teams' dashboard", 25),
    ("decide a dispute", 25),
    ("read the KPI pivot", 25),
    ("open the pipeline by consultant", 25),
]


RAMP_UP_SECONDS = 20
FAULT_GRACE = 5  # seconds after a database restart whose failures it caused
ACKED_FOLLOWUPS = []  # ids of the follow-ups the server said it created


class Refused(Exception):
    pass


class ServerError(Exception):
    pass


class User:
    def __init__(self, url, db, login, password, rng):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.session = requests.Session()
        self.rng = rng
        self.uid = None
        self.ids = itertools.count(1)

    def _post(self, path, params):
        response = self.session.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "id": next(self.ids), "params": params},
            timeout=120,
        )
        if response.status_code >= 500:
            raise ServerError(f"HTTP {response.status_code}")
        response.raise_for_status()
        answer = response.json()
        error = answer.get("error")
        if error:
            name = (error.get("data") or {}).get("name", "")
            message = (error.get("data") or {}).get("message", error.get("message", ""))
            if name in REFUSALS:
                raise Refused(message)
            raise ServerError(f"{name}: {message}"[:300])
        return answer.get("result")

    def login_(self):
        result = self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": self.password},
        )
        self.uid = result["uid"]
        self.context = result["user_context"]

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


# ------------------------------------------------------------
# A consultant's and a supervisor's acts
# ------------------------------------------------------------

LEAD_SPEC = {
    "name": {},
    "contact_name": {},
    "phone": {},
    "intent_grade_id": {"fields": {"display_name": {}}},
    "next_followup_date": {},
    "stage_id": {"fields": {"display_name": {}}},
}


def my_day(user, state):
    result = user.call(
        "crm.lead",
        "web_search_read",
        [("user_id", "=", user.uid), ("type", "=", "opportunity")],
        specification=LEAD_SPEC,
        limit=80,
        order="next_followup_date asc, id desc",
    )
    state["leads"] = [record["id"] for record in result["records"]]


def pipeline(user, state):
    user.call(
        "crm.lead",
        "web_read_group",
        [("type", "=", "opportunity"), ("user_id", "=", user.uid)],
        ["expected_revenue:sum"],
        ["stage_id"],
        lazy=True,
    )


def log_followup(user, state):
    if not state.get("leads"):
        my_day(user, state)
    if not state["leads"]:
        raise Refused("no lead of one's own yet")
    followup_id = user.call(
        "training.crm.followup",
        "create",
        {
            "lead_id": user.rng.choice(state["leads"]),
            "outcome": user.rng.choice(["reached", "reached", "no_answer"]),
            "channel": "phone",
            "note": "Load run: called",
        },
    )
    ACKED_FOLLOWUPS.append(followup_id)


def claim(user, state):
    pool = user.call(
        "crm.lead",
        "search",
        [("user_id", "=", False), ("team_id", "in", state["teams"])],
        limit=40,
    )
    if not pool:
        raise Refused("the pool is empty")
    user.call("crm.lead", "action_claim", [user.rng.choice(pool)])


def create_lead(user, state):
    digits = user.rng.randrange(10**8)
    phone = f"+86 139 {digits // 10000:04d} {digits % 10000:04d}"
    if user.rng.random() < 0.5:
        # A person somebody already follows: the same phone as an existing lead.
        other = user.call(
            "crm.lead",
            "search_read",
            [("phone", "!=", False)],
            ["phone"],
            limit=1,
            offset=user.rng.randrange(1000),
        )
        if other:
            phone = other[0]["phone"]
    user.call(
        "crm.lead",
        "create",
        {
            "name": f"Load lead {digits}",
            "contact_name": "压测",
            "phone": phone,
            "type": "opportunity",
            "team_id": state["teams"][0] if state["teams"] else False,
        },
    )


def own_kpis(user, state):
    user.call(
        "training.crm.consultant.report",
        "read_group",
        [("user_id", "=", user.uid)],
        ["lead_developed_count:sum", "followup_count:sum", "conversion_rate", "won_amount:sum"],
        ["date:month"],
        lazy=False,
    )


def dashboard(user, state):
    user.call(
        "crm.team",
        "search_read",
        [],
        [
            "name",
            "training_dispute_count",
            "training_overdue_count",
            "training_invalidation_count",
            "training_won_count",
        ],
    )


def decide(user, state):
    disputes = user.call(
        "training.crm.dispute", "search_read", [("state", "=", "open")], ["user_ids"], limit=20
    )
    if not disputes:
        raise Refused("no open dispute")
    dispute = user.rng.choice(disputes)
    user.call(
        "training.crm.dispute",
        "write",
        [dispute["id"]],
        {"winner_user_id": dispute["user_ids"][0], "decision_note": "Load run: first contact"},
    )
    user.call("training.crm.dispute", "action_decide", [dispute["id"]])


def kpi_pivot(user, state):
    user.call(
        "training.crm.consultant.report",
        "read_group",
        [],
        [
            "lead_developed_count:sum",
            "followup_count:sum",
            "coverage_rate",
            "conversion_rate",
            "won_amount:sum",
        ],
        ["user_id", "date:month"],
        lazy=False,
    )


def pipeline_by_consultant(user, state):
    user.call(
        "crm.lead",
        "web_read_group",
        [("type", "=", "opportunity")],
        ["expected_revenue:sum"],
        ["user_id"],
        lazy=True,
    )


ACTS = {
    "open My Day": my_day,
    "open the pipeline": pipeline,
    "log a follow-up": log_followup,
    "claim a pool lead": claim,
    "create a lead": create_lead,
    "read own KPIs": own_kpis,
    "open the teams' dashboard": dashboard,
    "decide a dispute": decide,
    "read the KPI pivot": kpi_pivot,
    "open the pipeline by consultant": pipeline_by_consultant,
}


# ------------------------------------------------------------
# The run
# ------------------------------------------------------------


def run_user(user, mix, deadline, results, lock, delay=0.0):
    names, weights = zip(*mix, strict=True)
    state = {"teams": []}
    time.sleep(delay)  # staff arrive over the first seconds, not in one instant
    try:
        user.login_()
        teams = user.call("crm.team", "search", [("member_ids", "in", [user.uid])])
        state["teams"] = teams
    except Exception as error:  # the login itself failed: the user never started
        with lock:
            results["login failed"].append(("error", 0.0, repr(error)[:300]))
        return
    while time.monotonic() < deadline:
        name = user.rng.choices(names, weights)[0]
        started = time.time()
        start = time.perf_counter()
        try:
            ACTS[name](user, state)
            outcome, detail = "ok", ""
        except Refused as error:
            outcome, detail = "refused", str(error)[:200]
        except ServerError as error:
            outcome, detail = "server error", str(error)
        except requests.RequestException as error:
            outcome, detail = "transport error", repr(error)[:200]
        elapsed = time.perf_counter() - start
        # A killed worker's request gets no answer; a restarted database's, an error.
        excused = (
            ("transport error",)
            if FAULT_KIND == ["worker"]
            else ("transport error", "server error")
        )
        if outcome in excused and overlaps_fault(started, started + elapsed):
            outcome = "failed at a fault"
        with lock:
            results[name].append((outcome, elapsed, detail))
            TIMELINE.append((started, outcome))


# ------------------------------------------------------------
# Faults
# ------------------------------------------------------------

FAULT_KIND = []  # the run's fault, if any
FAULT_WINDOWS = []  # (start, end) in epoch seconds: what a fault may make fail
FAULT_LOG = []
TIMELINE = []  # (start, outcome) of every call


def by_phase():
    """Outcomes before the first fault, at the faults, and after the last one:
    the server recovered if calls after it succeed and none fails."""
    if not FAULT_WINDOWS:
        return {}
    first, last = FAULT_WINDOWS[0][0], FAULT_WINDOWS[-1][1]
    phases = {phase: defaultdict(int) for phase in ("before", "at the faults", "after")}
    for started, outcome in TIMELINE:
        phase = "before" if started < first else "after" if started > last else "at the faults"
        phases[phase][outcome] += 1
    return {phase: dict(counts) for phase, counts in phases.items()}


def overlaps_fault(start, end):
    return any(start <= w_end and end >= w_start for w_start, w_end in list(FAULT_WINDOWS))


def kill_followup_worker(conn_params, db, server_pid, deadline):
    """SIGKILL the HTTP worker whose transaction is inserting a follow-up:
    PostgreSQL names the session's client port, which the worker's socket
    holds (every worker's session carries the master's pid in its name)."""
    import psutil
    import psycopg2

    pg_port = int(conn_params.get("port") or 5432)
    workers = {}

    def refresh():
        workers.clear()
        for child in psutil.Process(server_pid).children(recursive=True):
            try:
                for sock in child.connections(kind="tcp"):
                    if sock.raddr and sock.raddr.port == pg_port:
                        workers[sock.laddr.port] = child.pid
            except psutil.Error:
                continue

    # Not `with conn`: it opens a transaction, autocommit or not, and
    # pg_stat_activity is read once a transaction.
    conn = psycopg2.connect(dbname=db, **conn_params)
    conn.autocommit = True
    with contextlib.closing(conn), conn.cursor() as cr:
        while time.monotonic() < deadline:
            cr.execute(
                """
                SELECT client_port FROM pg_stat_activity
                 WHERE datname = %s AND pid != pg_backend_pid()  -- not this query itself
                   AND state IN ('active', 'idle in transaction')
                   AND query ILIKE '%%INSERT INTO "training_crm_followup"%%'
                """,
                [db],
            )
            for (port,) in cr.fetchall():
                if port not in workers:
                    refresh()
                pid = workers.get(port)
                if pid:
                    now = time.time()
                    FAULT_WINDOWS.append((now, now + 0.5))
                    os.kill(pid, signal.SIGKILL)
                    return pid
            time.sleep(0.01)
    return None


def restart_database():
    cluster = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.split()
    start = time.time()
    FAULT_WINDOWS.append((start, start + 3600))  # until known
    subprocess.run(["pg_ctlcluster", cluster[0], cluster[1], "restart"], check=True)
    end = time.time() + FAULT_GRACE
    FAULT_WINDOWS[-1] = (start, end)
    return round(end - FAULT_GRACE - start, 1)


def inject(fault, at, kills, conn_params, db, server_pid, deadline):
    time.sleep(at)
    if fault == "database":
        seconds = restart_database()
        FAULT_LOG.append({"fault": "PostgreSQL restarted", "at": at, "took_s": seconds})
        return
    interval = max(1.0, (deadline - time.monotonic() - 10) / kills)
    for _ in range(kills):
        next_at = time.monotonic() + interval
        pid = kill_followup_worker(conn_params, db, server_pid, next_at)
        FAULT_LOG.append({"fault": "worker killed", "pid": pid})
        time.sleep(max(0.0, next_at - time.monotonic()))


CHECKS = {
    "acknowledged follow-ups missing": """
        SELECT %(n)s - count(*) FROM training_crm_followup WHERE id = ANY(%(ids)s)
    """,
    "leads whose follow-up count or last date is not their follow-ups'": """
        SELECT count(*) FROM crm_lead l
          LEFT JOIN (SELECT lead_id, count(*) n, max(date) last FROM training_crm_followup
                      GROUP BY lead_id) f ON f.lead_id = l.id
         WHERE l.followup_count != COALESCE(f.n, 0)
            OR l.last_followup_date IS DISTINCT FROM f.last
    """,
    "leads with a first contact date or consultant alone": """
        SELECT count(*) FROM crm_lead
         WHERE (first_contact_date IS NULL) != (first_contact_user_id IS NULL)
    """,
}


def check_database(conn_params, db):
    import psycopg2

    with psycopg2.connect(dbname=db, **conn_params) as conn, conn.cursor() as cr:
        found = {}
        for name, query in CHECKS.items():
            cr.execute(query, {"n": len(ACKED_FOLLOWUPS), "ids": ACKED_FOLLOWUPS})
            found[name] = cr.fetchone()[0]
    return found


LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ \d+ (ERROR|CRITICAL) ")
# werkzeug's word for a connection that sent no request within the worker's
# socket timeout: the client's side of it is a transport error, counted there.
IDLE_CONNECTION = "Request timed out: TimeoutError"


def server_log_errors(path):
    """The server's ERROR/CRITICAL lines, at a fault or not."""
    counts = {"at a fault": 0, "elsewhere": 0, "idle connections timed out": 0}
    samples = []
    for line in Path(path).read_text(errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        if IDLE_CONNECTION in line:
            counts["idle connections timed out"] += 1
            continue
        stamp = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
        at_fault = overlaps_fault(stamp - 1, stamp + 1)
        counts["at a fault" if at_fault else "elsewhere"] += 1
        if not at_fault and len(samples) < 5:
            samples.append(line[:300])
    return counts, samples


def percentile(values, share):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def summarise(results, seconds):
    rows = []
    for name, answers in sorted(results.items()):
        times = [elapsed for outcome, elapsed, _ in answers if outcome in ("ok", "refused")]
        counts = defaultdict(int)
        for outcome, _elapsed, _detail in answers:
            counts[outcome] += 1
        rows.append(
            {
                "operation": name,
                "count": len(answers),
                **{
                    key: counts[key]
                    for key in (
                        "ok",
                        "refused",
                        "server error",
                        "transport error",
                        "failed at a fault",
                    )
                },
                "p50_ms": round(percentile(times, 0.50) * 1000),
                "p95_ms": round(percentile(times, 0.95) * 1000),
                "p99_ms": round(percentile(times, 0.99) * 1000),
                "mean_ms": round(statistics.mean(times) * 1000) if times else 0,
                "errors": sorted(
                    {
                        detail
                        for outcome, _e, detail in answers
                        if outcome != "ok" and outcome != "refused"
                    }
                )[:5],
            }
        )
    total = sum(row["count"] for row in rows)
    return {
        "operations": total,
        "per_second": round(total / seconds, 1),
        "server_errors": sum(row["server error"] for row in rows),
        "transport_errors": sum(row["transport error"] for row in rows),
        "failed_at_a_fault": sum(row["failed at a fault"] for row in rows),
        "rows": rows,
    }


def table(summary):
    lines = [
        "| operation | count | ok | refused | server errors | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["rows"]:
        lines.append(
            f"| {row['operation']} | {row['count']:,} | {row['ok']:,} | {row['refused']:,} "
            f"| {row['server error']:,} | {row['p50_ms']:,} | {row['p95_ms']:,} "
            f"| {row['p99_ms']:,} |"
        )
    return "\n".join(lines)


def prepare(db, password, config_file):
    """Every bench user gets `password` (one pbkdf2 hash, Odoo's own scheme)."""
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", config_file, "--log-level=warn"])
    with Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        hashed = env["res.users"]._crypt_context().hash(password)
        cr.execute(
            "UPDATE res_users SET password = %s WHERE login LIKE 'bench\\_%%' RETURNING login",
            [hashed],
        )
        logins = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT u.login FROM res_users u JOIN crm_team t ON t.user_id = u.id "
            "WHERE u.login LIKE 'bench\\_%%' ORDER BY u.login"
        )
        leaders = [row[0] for row in cr.fetchall()]
    return logins, leaders


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("db")
    parser.add_argument("--consultants", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--password", default="bench-load")
    parser.add_argument("--prepare", metavar="ODOO_CONF", help="set the bench users' password")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--json", default=str(Path(__file__).resolve().parent.parent / ".local" / "load.json")
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--fault", choices=["worker", "database"])
    parser.add_argument("--fault-at", type=float, default=40, help="seconds into the run")
    parser.add_argument("--kills", type=int, default=8, help="workers killed (--fault worker)")
    parser.add_argument("--server-pid", type=int, help="the server's process (--fault worker)")
    parser.add_argument("--server-log", help="its log, whose errors are counted")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.prepare:
        logins, _leaders = prepare(args.db, args.password, args.prepare)
        print(f"{len(logins)} bench users can log in", flush=True)
    consultants = [f"bench_consultant_{k:03d}" for k in rng.sample(range(300), args.consultants)]
    supervisors = ["bench_manager"] * args.supervisors
    results, lock = defaultdict(list), threading.Lock()
    deadline = time.monotonic() + args.seconds
    users = [
        (login, mix)
        for logins, mix in ((consultants, CONSULTANT_MIX), (supervisors, SUPERVISOR_MIX))
        for login in logins
    ]
    threads = [
        threading.Thread(
            target=run_user,
            args=(
                User(args.url, args.db, login, args.password, random.Random(rng.random())),
                mix,
                deadline,
                results,
                lock,
                RAMP_UP_SECONDS * n / len(users),
            ),
        )
        for n, (login, mix) in enumerate(users)
    ]
    conn_params = {}
    if args.fault:
        import odoo

        if not args.prepare:
            parser.error("--fault needs --prepare ODOO_CONF (the database to check)")
        config = odoo.tools.config
        conn_params = {
            key: config[f"db_{key}"]
            for key in ("host", "port", "user", "password")
            if config[f"db_{key}"]
        }
        FAULT_KIND.append(args.fault)
        threads.append(
            threading.Thread(
                target=inject,
                args=(
                    args.fault,
                    args.fault_at,
                    args.kills,
                    conn_params,
                    args.db,
                    args.server_pid,
                    deadline,
                ),
            )
        )
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    summary = {
        "label": args.label,
        "url": args.url,
        "db": args.db,
        "consultants": args.consultants,
        "supervisors": args.supervisors,
        "seconds": round(seconds),
        **summarise(results, seconds),
    }
    failed = bool(summary["server_errors"])
    if args.fault:
        summary["fault"] = args.fault
        summary["faults"] = FAULT_LOG
        summary["checks"] = check_database(conn_params, args.db)
        summary["phases"] = by_phase()
        failed = failed or any(summary["checks"].values())
        if args.fault == "worker":
            failed = failed or not all(entry["pid"] for entry in FAULT_LOG)
        if args.server_log:
            summary["server_log_errors"], samples = server_log_errors(args.server_log)
            failed = failed or bool(summary["server_log_errors"]["elsewhere"])
            summary["server_log_samples"] = samples
        print(json.dumps({key: summary[key] for key in summary if key != "rows"}, indent=2))
    print(table(summary))
    print(
        f"{summary['operations']:,} operations in {summary['seconds']} s "
        f"({summary['per_second']}/s), {summary['server_errors']} server errors, "
        f"{summary['transport_errors']} transport errors, "
        f"{summary['failed_at_a_fault']} failed at a fault"
    )
    for row in summary["rows"]:
        for detail in row["errors"]:
            print(f"  {row['operation']}: {detail}")
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(path.read_text()) if path.exists() else []
    runs.append(summary)
    path.write_text(json.dumps(runs, indent=2, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""`scripts/serve.sh` as the systemd unit runs it (SERVE_SETUP=0) serves with
Odoo's prefork workers: HTTP workers, a cron worker and the gevent worker
(/websocket), the database manager closed, proxy headers honoured and
report.url on the loopback port.

Runs on a copy of the test database `make test` makes for it
(TRAINING_CRM_SERVE_DB): serving writes report.url into it. About 30 s."""

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from tc_support import query

from odoo.tools import config

ROOT = pathlib.Path(__file__).resolve().parent.parent
FORWARDED_FOR = "203.0.113.77"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid):
    out = subprocess.run(
        ["ps", "--ppid", str(pid), "-o", "args="], text=True, capture_output=True, check=False
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    dbname = os.environ.get("TRAINING_CRM_SERVE_DB")
    if not dbname:
        pytest.fail("TRAINING_CRM_SERVE_DB is not set: run this test through `make test`")
    tmp = tmp_path_factory.mktemp("serve")
    conf = tmp / "odoo-serve.conf"
    http_port, gevent_port = _free_port(), _free_port()
    script = ROOT / "scripts" / "serve_conf.py"
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--out",
            str(conf),
            "--db",
            dbname,
            "--addons-path",
            config["addons_path"],
            "--data-dir",
            config["data_dir"],
            "--db-host",
            config["db_host"] or "",
            "--db-port",
            str(config["db_port"] or 5432),
            "--db-user",
            config["db_user"] or "",
            "--db-password",
            config["db_password"] or "",
            "--workers",
            "2",
            "--http-port",
            str(http_port),
            "--gevent-port",
            str(gevent_port),
        ],
        check=True,
    )
    log = tmp / "serve.log"
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh")],
            env={
                **os.environ,
                "SERVE_SETUP": "0",
                "SERVE_CONF": str(conf),
                "VENV": os.path.dirname(os.path.dirname(sys.executable)),
            },
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                if requests.get(f"{base}/web/login", timeout=10).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(1)
        # The gevent worker starts after the HTTP workers.
        while True:
            try:
                socket.create_connection(("127.0.0.1", gevent_port), timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(1)
        yield {
            "db": dbname,
            "base": base,
            "http_port": http_port,
            "gevent_port": gevent_port,
            "pid": proc.pid,
            "log": log,
        }
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_prefork_workers_cron_and_gevent(server):
    # serve.sh execs odoo-bin: the master is the process started, its
    # children two HTTP workers, the cron worker and the gevent worker (which
    # odoo-bin alone can spawn: `sys.executable sys.argv[0] gevent`).
    children = _children(server["pid"])
    assert len(children) == 4, children
    assert sum(" gevent " in child for child in children) == 1, children
    assert all("odoo-bin" in child for child in children), children


def test_websocket_on_the_gevent_port(server):
    request = (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server['http_port']}\r\n"
        f"Origin: http://127.0.0.1:{server['http_port']}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server["gevent_port"]), timeout=30) as sock:
        sock.sendall(request.encode())
        status = sock.recv(1024).split(b"\r\n", 1)[0]
    assert b" 101 " in status, status


def test_database_manager_closed(server):
    page = requests.get(f"{server['base']}/web/database/manager", timeout=30)
    assert "disabled by the administrator" in page.text
    listing = requests.post(
        f"{server['base']}/web/database/list",
        json={"jsonrpc": "2.0", "method": "call", "params": {}},
        timeout=30,
    ).json()
    assert "error" in listing and "result" not in listing


def test_proxy_headers_and_report_url(server):
    requests.get(
        f"{server['base']}/web/login",
        headers={
            "X-Forwarded-For": FORWARDED_FOR,
            "X-Forwarded-Host": "crm.example.edu",
            "X-Forwarded-Proto": "https",
        },
        timeout=30,
    )
    # proxy_mode: the client is the address the proxy forwards.
    log = server["log"].read_text()
    assert f"{FORWARDED_FOR} - - " in log
    assert query(
        server["db"], "SELECT value FROM ir_config_parameter WHERE key = 'report.url'"
    ) == [(f"http://127.0.0.1:{server['http_port']}",)]

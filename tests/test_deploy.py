"""`make serve`'s configuration and the deployment samples in deploy/ agree.

scripts/serve_conf.py writes .local/odoo-serve.conf without starting Odoo;
the nginx sample proxies to the ports it writes, Odoo 18's /websocket to the
gevent worker; the systemd unit runs the same scripts/serve.sh."""

import configparser
import importlib.util
import pathlib
import re
import stat

import pytest

from odoo.tools.config import configmanager

ROOT = pathlib.Path(__file__).resolve().parent.parent
NGINX = ROOT / "deploy" / "nginx" / "training_crm.conf"
UNIT = ROOT / "deploy" / "systemd" / "training-crm.service"


def _serve_conf():
    spec = importlib.util.spec_from_file_location("serve_conf", ROOT / "scripts" / "serve_conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generate(path, *extra):
    return _serve_conf().main(
        [
            "--out",
            str(path),
            "--db",
            "school.main",
            "--addons-path",
            str(ROOT),
            "--data-dir",
            str(path.parent / "data"),
            "--db-host",
            "127.0.0.1",
            "--db-port",
            "5432",
            "--db-user",
            "training_crm",
            "--db-password",
            "secret",
            *extra,
        ]
    )


def _odoo_reads(path):
    """The options as Odoo's own configuration manager casts them."""
    manager = configmanager()
    manager.parse_config(["-c", str(path)], setup_logging=False)
    return manager


# ---------------------------------------------------------------------------
# The serve configuration
# ---------------------------------------------------------------------------


def test_serve_conf_is_production(tmp_path):
    path = tmp_path / "odoo-serve.conf"
    _generate(path)
    conf = _odoo_reads(path)
    cores_rule = _serve_conf().default_workers()
    assert conf["workers"] == cores_rule > 0
    assert conf["max_cron_threads"] == 1
    assert conf["list_db"] is False
    assert conf["proxy_mode"] is True
    assert conf["http_interface"] == "127.0.0.1", "only the proxy reaches Odoo"
    assert conf["db_name"] == "school.main"
    assert conf["admin_passwd"] not in ("", "admin")
    assert len(conf["admin_passwd"]) >= 24
    # Anchored: the school's database, not another whose name contains it
    # (and the dot is a dot).
    assert conf["dbfilter"].startswith("^") and conf["dbfilter"].endswith("$")
    assert re.match(conf["dbfilter"], "school.main")
    for other in ("school.main_copy", "old_school.main", "schoolxmain"):
        assert not re.match(conf["dbfilter"], other), other
    # Odoo's limits, lower than its defaults and consistent.
    assert 0 < conf["limit_memory_soft"] < conf["limit_memory_hard"] <= 2560 * 1024 * 1024
    assert 0 < conf["limit_time_cpu"] < conf["limit_time_real"]
    assert conf["limit_request"] > 0
    assert conf["gevent_port"] != conf["http_port"]
    assert conf["without_demo"], "a school's database gets no demo data"
    # It holds the master and database passwords: its owner's alone.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_workers_override_and_minimum(tmp_path):
    path = tmp_path / "odoo-serve.conf"
    _generate(path, "--workers", "3")
    assert _odoo_reads(path)["workers"] == 3
    assert _serve_conf().default_workers(4) == 9, "Odoo's rule of thumb: 2 * cores + 1"
    with pytest.raises(ValueError):
        # One worker cannot print PDFs (wkhtmltopdf calls back the server).
        _generate(path, "--workers", "1")


def test_master_password_kept_across_runs(tmp_path):
    path = tmp_path / "odoo-serve.conf"
    first = _generate(path)["admin_passwd"]
    assert _generate(path, "--workers", "4")["admin_passwd"] == first
    # A configuration left with Odoo's default gets a real one.
    path.write_text(path.read_text().replace(f"admin_passwd = {first}", "admin_passwd = admin"))
    assert _generate(path)["admin_passwd"] not in (first, "admin")
    # Another checkout generates its own.
    assert _generate(tmp_path / "other" / "odoo-serve.conf")["admin_passwd"] != first


# ---------------------------------------------------------------------------
# nginx
# ---------------------------------------------------------------------------


def _parse_nginx(text):
    """nginx's configuration as nested (name, args, children) tuples."""
    text = re.sub(r"#[^\n]*", "", text)
    tokens = re.findall(r"'[^']*'|\"[^\"]*\"|[{};]|[^\s{};]+", text)
    stack = [[]]
    words = []
    for token in tokens:
        if token == "{":
            block = (words[0], words[1:], [])
            stack[-1].append(block)
            stack.append(block[2])
            words = []
        elif token == "}":
            assert not words, f"unterminated directive {words}"
            stack.pop()
        elif token == ";":
            stack[-1].append((words[0], words[1:], None))
            words = []
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unbalanced braces"
    return stack[0]


def _find(nodes, name, *args):
    return [n for n in nodes if n[0] == name and list(n[1][: len(args)]) == list(args)]


def _headers(nodes):
    return {n[1][0].lower(): " ".join(n[1][1:]) for n in _find(nodes, "proxy_set_header")}


def test_nginx_sample_proxies_to_the_serve_ports(tmp_path):
    conf = _odoo_reads(_generate_default(tmp_path))
    top = _parse_nginx(NGINX.read_text())
    upstreams = {n[1][0]: n[2] for n in _find(top, "upstream")}
    http_servers = [s[1][0] for s in _find(upstreams["training_crm"], "server")]
    ws_servers = [s[1][0] for s in _find(upstreams["training_crm_websocket"], "server")]
    assert http_servers == [f"127.0.0.1:{conf['http_port']}"]
    assert ws_servers == [f"127.0.0.1:{conf['gevent_port']}"]

    (https,) = [s[2] for s in _find(top, "server") if _find(s[2], "listen", "443")]
    assert _find(https, "ssl_certificate") and _find(https, "ssl_certificate_key")
    assert _find(https, "client_max_body_size")
    # The proxy waits as long as Odoo lets a request run.
    (read_timeout,) = _find(https, "proxy_read_timeout")
    assert read_timeout[1] == [f"{conf['limit_time_real']}s"]

    locations = {n[1][-1]: n[2] for n in _find(https, "location")}
    assert _find(locations["/"], "proxy_pass", "http://training_crm")
    ws = locations["/websocket"]
    assert _find(ws, "proxy_pass", "http://training_crm_websocket")
    assert _find(ws, "proxy_http_version", "1.1")
    # A location's own proxy_set_header replaces every inherited one: each
    # location must end up with the headers proxy_mode reads.
    for name, block in locations.items():
        headers = _headers(block) or _headers(https)
        if not _find(block, "proxy_pass"):
            continue
        for header in ("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "host"):
            assert header in headers, f"{header} in location {name}"
    assert _headers(ws)["upgrade"] == "$http_upgrade"
    assert _headers(ws)["connection"] == "$connection_upgrade"
    (upgrade_map,) = _find(top, "map", "$http_upgrade", "$connection_upgrade")
    assert ("default", ["upgrade"], None) in upgrade_map[2]


def _generate_default(tmp_path):
    path = tmp_path / "odoo-serve.conf"
    _generate(path)
    return path


# ---------------------------------------------------------------------------
# systemd
# ---------------------------------------------------------------------------


def test_systemd_unit_runs_make_serve_command():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(UNIT.read_text())
    assert {"Unit", "Service", "Install"} <= set(parser.sections())
    service = parser["Service"]
    assert service["Type"] == "simple"
    assert service["User"] and service["User"] != "root"
    assert service["Restart"] == "on-failure"
    exec_start = service["ExecStart"].split()
    assert exec_start[0].endswith("/scripts/serve.sh")
    # The script the unit names is the one in this repository, run with the
    # configuration `make serve` wrote (no set-up as an unprivileged user).
    workdir = pathlib.PurePosixPath(service["WorkingDirectory"])
    relative = pathlib.PurePosixPath(exec_start[0]).relative_to(workdir)
    assert (ROOT / relative).is_file()
    assert "SERVE_SETUP=0" in service["Environment"].split()
    assert "postgresql.service" in parser["Unit"]["After"]
    assert parser["Install"]["WantedBy"] == "multi-user.target"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^serve:.*\n\t.*scripts/serve\.sh", makefile, re.M)

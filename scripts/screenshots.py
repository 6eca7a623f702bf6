"""Take README's screenshots of each role's screens on a running demo database.

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8069 --db training_crm

Called by scripts/screenshots.sh (`make screenshots`), which sets the demo
database up and serves it. One headless Chromium (Debian's) is driven over the
DevTools protocol; each shot logs in as its user, in its language, opens its
URL, waits for the page to settle, optionally clicks or scrolls, and saves a
PNG under docs/.

On every zh_CN screen the visible text is checked against the interface
strings of our .pot files and crm's: an ASCII text equal to a msgid that has
a different zh_CN translation is reported as untranslated. Demo content
(English names of students) equals no msgid, so it is not reported. The
script exits non-zero when a shot fails or an untranslated string shows.
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib
import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# The screens: one row per PNG. `url` may hold {id}, resolved from `record`
# (an xmlid, or (model, domain) for the first match, read as admin).
# `click` clicks a selector after the page settles, then waits for `wait_after`;
# `scroll` brings a selector into view (a setting: its block's title on top).
# ---------------------------------------------------------------------------
LEAD_FORM = ".o_form_view .o_form_sheet"
SHOTS = [
    {
        "out": "docs/pipeline.png",
        "title": "consultant's pipeline",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/crm",
        "wait": ".o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/lead_followups.png",
        "title": "lead form, Follow-ups tab",
        "login": "liming",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_03",
        "wait": LEAD_FORM,
        "click": ".o_notebook a.nav-link[name='training_followups']",
        "wait_after": ".o_notebook .tab-pane.active .o_list_renderer",
    },
    {
        "out": "docs/followup_dialog.png",
        "title": "follow-up dialog (English consultant)",
        "login": "emily",
        "lang": "en_US",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_08",
        "wait": LEAD_FORM,
        "click": "button[name='action_log_followup']",
        "wait_after": ".modal .o_form_view",
    },
    {
        "out": "docs/followup_dialog_zh_CN.png",
        "title": "follow-up dialog",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_01",
        "wait": LEAD_FORM,
        "click": "button[name='action_log_followup']",
        "wait_after": ".modal .o_form_view",
    },
    {
        "out": "docs/my_day_zh_CN.png",
        "title": "a consultant's My Day",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/my-day",
        "wait": ".o_list_renderer .o_data_row, .o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/supervision_zh_CN.png",
        "title": "the supervisor's Supervision page",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/supervision",
        "wait": ".o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/decide_zh_CN.png",
        "title": "deciding a dispute, as the supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_crm_dispute_action/{id}",
        "record": ("training.crm.dispute", [["state", "=", "open"]]),
        "wait": ".o_form_view .o_form_sheet",
        "click": "button[name='action_open_decide']",
        "wait_after": ".modal .o_form_view",
    },
    {
        "out": "docs/hand_back_zh_CN.png",
        "title": "handing a lead back to the pool, as its consultant",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_01",
        "wait": LEAD_FORM,
        "click": "button[name='action_hand_back']",
        "wait_after": ".modal .o_form_view",
    },
    {
        "out": "docs/reassign_zh_CN.png",
        "title": "reassigning a lead with a reason, as the supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_01",
        "wait": LEAD_FORM,
        "click": "button[name='action_reassign']",
        "wait_after": ".modal .o_form_view",
    },
    {
        "out": "docs/collision.png",
        "title": "collision lead",
        "login": "david",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_collision",
        "wait": LEAD_FORM,
    },
    {
        "out": "docs/dispute.png",
        "title": "dispute, as the supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_crm_dispute_action/{id}",
        "record": ("training.crm.dispute", []),
        "wait": ".o_form_view .o_form_sheet",
    },
    {
        "out": "docs/settings_zh_CN.png",
        "title": "Settings > CRM > Training CRM, as admin",
        "login": "admin",
        "lang": "zh_CN",
        "url": "/odoo/action-crm.crm_config_settings_action",
        "wait": "#training_crm_invalidation",
        "scroll": "#training_crm_invalidation",
    },
    {
        "out": "docs/auditor_pipeline.png",
        "title": "auditor's pipeline",
        "login": "qianjin",
        "lang": "zh_CN",
        "url": "/odoo/crm",
        "wait": ".o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/auditor_lead.png",
        "title": "auditor's read-only lead",
        "login": "qianjin",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_demo_03",
        "wait": LEAD_FORM,
    },
    {
        "out": "docs/invalid_customers.png",
        "title": "CRM > Sales > Invalid Customers, as supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_crm_invalidation_action",
        "wait": ".o_list_renderer, .o_view_nocontent",
    },
    {
        "out": "docs/courses_zh_CN.png",
        "title": "CRM > Configuration > Courses, as admin",
        "login": "admin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_course_action",
        "wait": ".o_list_renderer .o_data_row, .o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/classes_zh_CN.png",
        "title": "CRM > Configuration > Classes, as admin",
        "login": "admin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_class_action",
        "wait": ".o_list_renderer .o_data_row, .o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/quotation_zh_CN.png",
        "title": "a quotation selling courses, each line with its class",
        "login": "emily",
        "lang": "zh_CN",
        "url": "/odoo/action-sale.action_quotations_with_onboarding/{id}",
        "record": ("sale.order", [["state", "=", "draft"], ["user_id.login", "=", "emily"]]),
        "wait": ".o_form_view .o_field_one2many[name='order_line'] .o_data_row",
    },
    {
        "out": "docs/students_dialog_zh_CN.png",
        "title": "naming the students of a confirmed order",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/action-sale.action_orders/{id}",
        "record": (
            "sale.order",
            [
                ["state", "=", "sale"],
                ["user_id.login", "=", "wangfang"],
                ["order_line.training_class_id", "!=", False],
            ],
        ),
        "wait": ".o_form_view button[name='action_open_training_enrollment_editor']",
        "click": "button[name='action_open_training_enrollment_editor']",
        "wait_after": ".modal .o_form_view",
    },
    {
        "out": "docs/enrollments_zh_CN.png",
        "title": "CRM > Sales > Enrolments, as the supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_enrollment_action",
        "wait": ".o_list_renderer .o_data_row",
    },
    {
        "out": "docs/enrollment_zh_CN.png",
        "title": "an enrolment with its payments",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_enrollment_action/{id}",
        "record": ("training.enrollment", [["amount_refunded", ">", 0]]),
        "wait": ".o_form_view .o_form_sheet",
    },
    {
        "out": "docs/trial_zh_CN.png",
        "title": "a trial class, attended",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_trial_action/{id}",
        "record": ("training.trial", [["state", "=", "attended"]]),
        "wait": ".o_form_view .o_form_sheet",
    },
    {
        "out": "docs/family_zh_CN.png",
        "title": "a parent's Family page: children, consent, enrolments",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/contacts/{id}",
        "record": "training_crm.partner_family_chen_father",
        "wait": ".o_form_view .o_form_sheet",
        "click": ".o_notebook a.nav-link[name='training_family']",
        "wait_after": ".o_notebook .tab-pane.active .o_list_renderer",
        "scroll": ".o_notebook",
    },
    {
        "out": "docs/enrollment_hours_zh_CN.png",
        "title": "an enrolment being studied: lesson hours consumed and left, the adviser",
        "login": "chenjing",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_enrollment_action_my_students/{id}",
        "record": ("training.enrollment", [["hours_consumed", ">", 0]]),
        "wait": ".o_form_view .o_form_sheet",
    },
    {
        "out": "docs/session_zh_CN.png",
        "title": "a class session's attendance, as the class adviser",
        "login": "chenjing",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_session_action/{id}",
        "record": ("training.session", [["state", "=", "done"]]),
        "wait": ".o_form_view .o_form_sheet",
    },
    {
        "out": "docs/complaint_sla.png",
        "title": "complaint with its service levels, Complaint tab",
        "login": "zhoujing",
        "lang": "zh_CN",
        "url": "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{id}",
        "record": "training_crm_helpdesk.demo_complaint_3",
        "wait": ".o_form_view .o_form_sheet .o_field_many2many_tags",
        "click": ".o_notebook a.nav-link[name='training_complaint']",
        "wait_after": ".o_notebook .tab-pane.active .o_field_text",
    },
    {
        "out": "docs/complaints_dashboard.png",
        "title": "Helpdesk dashboard with expired service levels",
        "login": "zhoujing",
        "lang": "zh_CN",
        "url": "/odoo/action-helpdesk_mgmt.helpdesk_ticket_dashboard_action",
        "wait": ".o_kanban_renderer .o_kanban_record",
    },
    {
        "out": "docs/complaints_supervisor.png",
        "title": "supervisor's CRM > Sales > Complaints",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm_helpdesk.helpdesk_ticket_action_training_complaints",
        "wait": ".o_list_renderer .o_data_row",
    },
    {
        "out": "docs/complaint_statistics.png",
        "title": "CRM > Reporting > Complaint Statistics (pivot)",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm_helpdesk.training_complaint_report_action",
        "wait": ".o_pivot table",
    },
    {
        "out": "docs/value_grade_referral.png",
        "title": "a family's contact: value grade A and the referral reward due",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/contacts/{id}",
        "record": "training_crm.partner_family_chen_father",
        "wait": ".o_form_view .o_form_sheet",
        "click": ".o_notebook a.nav-link[name='training_referral_rewards']",
        "wait_after": ".o_notebook .tab-pane.active .o_list_renderer",
    },
    {
        "out": "docs/referral_lead.png",
        "title": "a referred lead, as its consultant",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/crm/{id}",
        "record": "training_crm.lead_referral_sun",
        "wait": LEAD_FORM,
        "click": ".o_notebook a.nav-link[name='lead']",
        "wait_after": ".o_notebook .tab-pane.active .o_field_widget[name='referred_by_id']",
        "scroll": ".o_notebook .tab-pane.active .o_group",
    },
    {
        "out": "docs/commission_statement.png",
        "title": "a consultant's commission statement, as the supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm_reports.training_commission_statement_action/{id}",
        "record": "training_crm_reports.demo_statement_wangfang",
        "wait": ".o_form_view .o_field_one2many[name='line_ids'] .o_data_row",
    },
    {
        "out": "docs/consultant_kpis.png",
        "title": "CRM > Reporting > Consultant KPIs (pivot), as the supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm_reports.training_crm_consultant_report_action",
        "wait": ".o_pivot table",
    },
    {
        "out": "docs/champions.png",
        "title": "CRM > Reporting > Champions, as a consultant",
        "login": "liming",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm_reports.training_crm_champion_action",
        "wait": ".o_list_renderer .o_data_row",
    },
    {
        "out": "docs/awards.png",
        "title": "CRM > Reporting > Awards, as a supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm_reports.training_award_action",
        "wait": ".o_list_renderer .o_data_row",
    },
    {
        "out": "docs/meeting_pack.png",
        "title": "last week's follow-up meeting pack, as a supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        # Packs are made by the Monday action: run it (it skips packs sent already).
        "cron": "training_crm_reports.ir_cron_meeting_pack_weekly",
        "url": "/odoo/action-training_crm_reports.training_crm_meeting_pack_action/{id}",
        "record": (
            "training.crm.meeting.pack",
            [("kind", "=", "weekly"), ("user_id.login", "=", "zhaomin")],
        ),
        "own": True,
        "wait": ".o_form_view .o_field_one2many .o_data_row",
    },
    {
        "out": "docs/lookup.png",
        "title": "CRM > Sales > Duplicate Look-up, as a consultant",
        "login": "wangfang",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_crm_lookup_action",
        "wait": ".o_form_view input",
    },
    {
        "out": "docs/reclaim_preview.png",
        "title": "CRM > Sales > Reclaim Preview, as a supervisor",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.crm_lead_action_server_pool_reclaim_preview",
        "wait": ".o_list_renderer, .o_view_nocontent",
    },
    {
        "out": "docs/grades_zh_CN.png",
        "title": "CRM > Configuration > Intent Grades",
        "login": "zhaomin",
        "lang": "zh_CN",
        "url": "/odoo/action-training_crm.training_crm_grade_action",
        "wait": ".o_list_renderer .o_data_row",
    },
]

# The .pot files whose msgids are interface strings, with their zh_CN .po.
CATALOGS = [
    ("training_crm/i18n/training_crm.pot", "training_crm/i18n/zh_CN.po"),
    ("training_crm_reports/i18n/training_crm_reports.pot", "training_crm_reports/i18n/zh_CN.po"),
    ("{odoo}/crm/i18n/crm.pot", "{odoo}/crm/i18n/zh_CN.po"),
    ("training_crm_helpdesk/i18n/training_crm_helpdesk.pot", "training_crm_helpdesk/i18n/zh_CN.po"),
    # The OCA helpdesk's screens: no .pot of ours, the .po's msgids are its strings.
    ("training_crm_helpdesk/i18n_extra/zh_CN.po", "training_crm_helpdesk/i18n_extra/zh_CN.po"),
]

# Visible text: every rendered text node, and the placeholders of inputs; not
# the bodies of chatter messages (stored as posted: demo data is loaded
# before Chinese is installed, so its chatter is English).
VISIBLE_TEXT_JS = r"""
(() => {
    // Not interface: chatter messages keep the language they were posted in.
    const STORED = "script, style, noscript, template, .o-mail-Message-body";
    const seen = new Set();
    const shown = (el) => {
        if (!el || !el.getClientRects().length) return false;
        const style = getComputedStyle(el);
        return style.visibility !== "hidden" && style.display !== "none";
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const text = node.nodeValue.replace(/\s+/g, " ").trim();
        const el = node.parentElement;
        if (text && !el.closest(STORED) && shown(el)) {
            seen.add(text);
        }
    }
    for (const el of document.querySelectorAll("[placeholder]")) {
        if (shown(el) && el.placeholder.trim()) seen.add(el.placeholder.trim());
    }
    return [...seen];
})()
"""


def load_interface_strings(odoo_addons):
    """msgid -> zh_CN translation, for msgids that zh_CN writes differently."""
    strings = {}
    for pot_path, po_path in CATALOGS:
        pot = Path(pot_path.format(odoo=odoo_addons))
        if not pot.is_absolute():
            pot = ROOT / pot
        if not pot.exists():
            continue
        po = Path(po_path.format(odoo=odoo_addons))
        if not po.is_absolute():
            po = ROOT / po
        translated = {}
        if po.exists():
            translated = {e.msgid: e.msgstr for e in polib.pofile(str(po)) if e.msgstr}
        for entry in polib.pofile(str(pot)):
            msgid = entry.msgid.strip()
            if msgid and translated.get(entry.msgid, "") != entry.msgid:
                strings.setdefault(msgid, translated.get(entry.msgid, ""))
    return strings


def untranslated(texts, strings):
    """The visible ASCII texts that are interface strings left in English."""
    found = []
    for text in texts:
        if not text.isascii() or not re.search(r"[A-Za-z]{2}", text):
            continue
        for candidate in (text, text.rstrip(":").strip()):
            if candidate in strings:
                found.append(candidate)
                break
    return sorted(set(found))


class Odoo:
    """JSON-RPC to the served database."""

    def __init__(self, base, db):
        self.base, self.db = base, db

    def login(self, login, password):
        session = requests.Session()
        response = session.post(
            f"{self.base}/web/session/authenticate",
            json={"params": {"db": self.db, "login": login, "password": password}},
            timeout=60,
        )
        response.raise_for_status()
        result = response.json()
        if not (result.get("result") or {}).get("uid"):
            raise RuntimeError(f"cannot log in as {login}: {result.get('error')}")
        return session, result["result"]["uid"]

    def call(self, session, model, method, *args, **kwargs):
        response = session.post(
            f"{self.base}/web/dataset/call_kw/{model}/{method}",
            json={
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
            },
            timeout=60,
        )
        response.raise_for_status()
        result = response.json()
        if "error" in result:
            raise RuntimeError(f"{model}.{method}: {result['error']['data']['message']}")
        return result["result"]

    def record_id(self, session, record):
        if isinstance(record, str):
            module, name = record.split(".", 1)
            rows = self.call(
                session,
                "ir.model.data",
                "search_read",
                [("module", "=", module), ("name", "=", name)],
                fields=["res_id"],
                limit=1,
            )
        else:
            model, domain = record
            rows = self.call(
                session, model, "search_read", domain, fields=["id"], limit=1, order="id"
            )
            rows = [{"res_id": row["id"]} for row in rows]
        if not rows:
            raise RuntimeError(f"no record for {record!r}")
        return rows[0]["res_id"]


class Browser:
    """One headless Chromium tab over the DevTools protocol."""

    def __init__(self, width, height):
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [
                os.environ.get("CHROMIUM", "chromium"),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile.name}",
                f"--window-size={width},{height}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        for _ in range(150):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        for _ in range(50):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=2).json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.counter = iter(range(1, 10**9))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Network.enable")

    def call(self, method, **params):
        msg_id = next(self.counter)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=45):
        """Until the selector shows, no RPC is pending, then a moment for the last paint."""
        check = (
            f"!!document.querySelector({json.dumps(selector)})"
            " && document.readyState === 'complete'"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(check):
                time.sleep(1.5)
                return True
            time.sleep(0.3)
        return False

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait()
            self.profile.cleanup()


def take(browser, odoo, admin, shot, args):
    session, uid = odoo.login(shot["login"], shot.get("password", shot["login"]))
    # The language is the user's own: write it, then log in again so that
    # the new session starts in it.
    odoo.call(session, "res.users", "write", [uid], {"lang": shot["lang"]})
    session, uid = odoo.login(shot["login"], shot.get("password", shot["login"]))
    if shot.get("cron"):
        cron = odoo.record_id(admin, shot["cron"])
        odoo.call(admin, "ir.cron", "method_direct_trigger", [cron])
    url = shot["url"]
    if "{id}" in url:
        # A record only its user may read (their meeting pack) is looked up as them.
        url = url.format(id=odoo.record_id(session if shot.get("own") else admin, shot["record"]))
    browser.call("Network.clearBrowserCookies")
    browser.call(
        "Network.setCookie", name="session_id", value=session.cookies["session_id"], url=args.base
    )
    browser.call("Page.navigate", url=args.base + url)
    if not browser.wait_for(shot["wait"]):
        raise RuntimeError(f"{url}: {shot['wait']} did not show")
    if shot.get("click"):
        browser.evaluate(f"document.querySelector({json.dumps(shot['click'])}).click()")
        if not browser.wait_for(shot["wait_after"]):
            raise RuntimeError(f"{url}: {shot['wait_after']} did not show after the click")
    if shot.get("scroll"):
        target = f"document.querySelector({json.dumps(shot['scroll'])})"
        browser.evaluate(
            f"((el) => (el.closest('.o_settings_container')?.previousElementSibling || el)"
            f".scrollIntoView({{block: 'start'}}))({target})"
        )
        time.sleep(1)
    out = ROOT / shot["out"]
    out.write_bytes(base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"]))
    return browser.evaluate(VISIBLE_TEXT_JS) or []


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="training_crm")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument(
        "--odoo-addons", default=str(Path.home() / ".cache/training_crm/odoo-18.0/odoo/addons")
    )
    parser.add_argument("--size", default="1440,900")
    parser.add_argument(
        "--only", action="append", help="take only the shots whose file name contains this"
    )
    args = parser.parse_args()

    strings = load_interface_strings(args.odoo_addons)
    odoo = Odoo(args.base, args.db)
    admin, _uid = odoo.login("admin", args.admin_password)
    shots = [s for s in SHOTS if not args.only or any(o in s["out"] for o in args.only)]
    width, height = (int(v) for v in args.size.split(","))
    browser = Browser(width, height)
    failures, findings = [], {}
    try:
        for shot in shots:
            try:
                texts = take(browser, odoo, admin, shot, args)
            except Exception as exc:  # report every failed shot, then fail
                failures.append(f"{shot['out']}: {exc}")
                print(f"FAILED   {shot['out']} ({shot['title']}): {exc}", flush=True)
                continue
            print(
                f"ok       {shot['out']} ({shot['title']}, {shot['login']}, {shot['lang']})",
                flush=True,
            )
            if shot["lang"] == "zh_CN":
                missing = untranslated(texts, strings)
                if missing:
                    findings[shot["out"]] = missing
                    for text in missing:
                        print(f"  untranslated: {text!r}", flush=True)
    finally:
        browser.close()
    if findings:
        print("\nUntranslated interface strings on zh_CN screens:")
        for out, missing in findings.items():
            print(f"  {out}: " + ", ".join(repr(t) for t in missing))
    if failures:
        print("\nFailed shots:\n  " + "\n  ".join(failures))
    return 1 if failures or findings else 0


if __name__ == "__main__":
    sys.exit(main())

import io
import json
import unicodedata
from datetime import date, datetime
from unittest.mock import patch
from urllib.parse import urlencode

from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.training_crm.tests.test_followup_rpc import JsonRpcMixin

from .common import create_plan, create_staff

STATEMENT_REPORT = "training_crm_reports.report_commission_statement"
TEAM_REPORT = "training_crm_reports.report_commission_team"


def setup_statements(cls, prefix):
    """March 2031 for a team of two consultants (no e-mail), a supervisor and
    an auditor, by the plan < 80% → 3%, 80% → 5%, 100% → 7% (marginal), A
    grade +1%. Right answers, by hand:

    - con (target 100,000, Chinese): 王小明 50,000 grade A: 3% + 1% = 2,000;
      李小红 30,000: 3% = 900. Counted 80,000, 80.0%, commission 2,900.
    - con_2 (target 50,000, English): 40,000 at 3% = 1,200; 20,000: 10,000 at
      5% + 10,000 at 7% = 1,200. Counted 60,000, 120.0%, commission 2,400.
    - team: target 150,000, counted 140,000, 93.3%, commission 5,300.
    """
    env = cls.env
    env["res.lang"]._activate_lang("zh_CN")
    # The selection labels printed in Chinese come from our own translations.
    env["ir.module.module"]._load_module_terms(["training_crm_reports"], ["zh_CN"])
    # Allowed to export: a refused export is the record rules' doing.
    cls.users = create_staff(env, prefix, groups="base.group_allow_export", lang="en_US")
    cls.users["con"].lang = "zh_CN"
    env.company.partner_id.tz = "Asia/Shanghai"
    cls.team = env["crm.team"].create(
        {
            "name": f"{prefix} Campus",
            "user_id": cls.users["sup"].id,
            "member_ids": [
                Command.link(cls.users["con"].id),
                Command.link(cls.users["con_2"].id),
            ],
        }
    )
    grade_a = env["training.crm.grade"].search([("code", "=", "A")], limit=1)
    create_plan(env, date(2031, 1, 1), name="Consultants 2031")
    cls.targets = env["training.sales.target"].create(
        [
            {"user_id": cls.users["con"].id, "date_from": date(2031, 3, 1), "amount": 100000},
            {"user_id": cls.users["con_2"].id, "date_from": date(2031, 3, 1), "amount": 50000},
        ]
    )
    course = env["training.course"].create(
        {
            "name": "数学一对一",
            "teaching_mode": "one_to_one",
            "lesson_hours": 10,
            "list_price": 3000,
        }
    )
    for role, student, amount, day, grade in (
        ("con", "王小明", 50000, 3, grade_a),
        ("con", "李小红", 30000, 10, None),
        ("con_2", "Tom Green", 40000, 5, None),
        ("con_2", "Amy Brown", 20000, 12, None),
    ):
        partner = env["res.partner"].create({"name": student})
        when = datetime(2031, 3, day, 2, 0)  # 10:00 in Shanghai
        with patch.object(env.cr, "now", lambda when=when: when):
            env["training.enrollment"].create(
                {
                    "partner_id": partner.id,
                    "course_id": course.id,
                    "user_id": cls.users[role].id,
                    "amount": amount,
                    "intent_grade_id": grade and grade.id,
                }
            )
    Statement = env["training.commission.statement"]
    statements = Statement.with_user(cls.users["sup"])._generate(
        cls.users["con"] | cls.users["con_2"], date(2031, 3, 1), date(2031, 3, 31)
    )
    by_user = {statement.user_id: statement.id for statement in statements}
    cls.mine = Statement.browse(by_user[cls.users["con"]])
    cls.theirs = Statement.browse(by_user[cls.users["con_2"]])


def page_text(page):
    """A page's text without white space (wkhtmltopdf places words one by
    one), NFKC-normalised: the CJK font maps some ideographs and their Kangxi
    radicals (⼩ U+2F29, 小 U+5C0F) to one glyph, which reads back as either."""
    return unicodedata.normalize("NFKC", "".join(page.extract_text().split()))


def pdf_fonts(pdf):
    """The names of the fonts embedded in the PDF's pages."""
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"].get("/Font", {}).values()
    }


def pdf_text(pdf):
    return "".join(page_text(page) for page in PdfReader(io.BytesIO(pdf)).pages)


@tagged("post_install", "-at_install")
class TestCommissionReport(HttpCase):
    """Real PDFs from wkhtmltopdf (test mode otherwise returns HTML), their
    text read back: a consultant's statement in their language, a team's
    month with its totals. HttpCase: wkhtmltopdf fetches the report's style
    sheets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_statements(cls, "cr15")

    def _render_pdf(self, report, records, user):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:40])
        return pdf

    def test_figures_are_right(self):
        # The statements the PDFs print, as worked out in setup_statements.
        self.assertEqual(self.mine.line_ids.mapped("commission"), [2000, 900])
        self.assertEqual((self.mine.achieved_amount, self.mine.amount_total), (80000, 2900))
        self.assertEqual((self.theirs.achieved_amount, self.theirs.amount_total), (60000, 2400))
        self.assertAlmostEqual(self.theirs.attainment, 120.0)

    def test_statement_in_chinese(self):
        """A Chinese consultant's statement prints in Chinese, with the CJK
        fonts: the Chinese names come back out of the PDF as text."""
        pdf = self._render_pdf(STATEMENT_REPORT, self.mine, self.users["con"])
        # Simplified Chinese glyphs, embedded (not the Japanese variants).
        self.assertEqual(pdf_fonts(pdf), {"/NotoSansCJKsc-Regular", "/NotoSansCJKsc-Bold"})
        text = pdf_text(pdf)
        self.assertIn("王小明", text)
        self.assertIn("李小红", text)
        self.assertIn("数学一对一", text)
        self.assertIn("草稿", text)  # the state, in the consultant's language
        self.assertIn("已确认报名", text)  # the basis
        self.assertIn("销售", text)  # each line's kind
        self.assertNotIn("Draft", text)
        for figure in ("100,000.00", "80,000.00", "50,000.00", "2,000.00", "900.00", "2,900.00"):
            self.assertIn(figure, text)
        self.assertIn("3%×50,000.00", text)  # noqa: RUF001
        self.assertNotIn("Tom Green", text)

    def test_statement_in_traditional_chinese(self):
        """A zh_TW consultant's statement is set in the Traditional Chinese
        font."""
        self.env["res.lang"]._activate_lang("zh_TW")
        self.users["con"].lang = "zh_TW"
        pdf = self._render_pdf(STATEMENT_REPORT, self.mine, self.users["sup"])
        self.assertEqual(pdf_fonts(pdf), {"/NotoSansCJKtc-Regular", "/NotoSansCJKtc-Bold"})
        self.assertIn("王小明", pdf_text(pdf))

    def test_print_menus(self):
        """The statement prints from its form (button and Print menu) and
        from the list; the team summary from the list only."""
        Statement = self.env["training.commission.statement"].with_user(self.users["con"])
        views = Statement.get_views([(False, "list"), (False, "form")], {"toolbar": True})
        statement_report = self.env.ref("training_crm_reports.action_report_commission_statement")
        team_report = self.env.ref("training_crm_reports.action_report_commission_team")
        list_prints = {action["id"] for action in views["views"]["list"]["toolbar"]["print"]}
        form_prints = {action["id"] for action in views["views"]["form"]["toolbar"]["print"]}
        self.assertLessEqual({statement_report.id, team_report.id}, list_prints)
        self.assertIn(statement_report.id, form_prints)
        self.assertNotIn(team_report.id, form_prints)
        self.assertIn(
            f'name="{statement_report.id}" type="action" string="Print"',
            views["views"]["form"]["arch"],
        )

    def test_statement_in_english_printed_by_supervisor(self):
        """A supervisor printing an English consultant's statement: English
        labels, their lines only."""
        text = pdf_text(self._render_pdf(STATEMENT_REPORT, self.theirs, self.users["sup"]))
        for label in (
            "CommissionStatement",
            "Consultant",
            "SalesTeam",
            "Period",
            "CommissionPlan",
            "Attainment",
            "Student",
            "Course",
            "GradeatWinning",
            "AmountCounted",
            "TierCommission",
            "GradeBonus(%)",
            "Draft",
            "Total",
        ):
            self.assertIn(label, text)
        self.assertIn("TomGreen", text)
        self.assertIn("AmyBrown", text)
        self.assertIn("5%×10,000.00+7%×10,000.00", text)  # noqa: RUF001
        self.assertIn("120.0", text)
        self.assertIn("2,400.00", text)
        self.assertNotIn("王小明", text)

    def test_statements_printed_together(self):
        """Several statements printed at once (the list's Print menu): one
        PDF, a page each, each in its consultant's language. Debian's
        wkhtmltopdf takes one input document only."""
        # A label translated as the .po files will (the lead merges them).
        self.env.ref(
            "training_crm_reports.report_commission_statement_document"
        ).update_field_translations("arch_db", {"zh_CN": {"Student": "学员"}})
        pdf = self._render_pdf(STATEMENT_REPORT, self.mine | self.theirs, self.users["sup"])
        pages = PdfReader(io.BytesIO(pdf)).pages
        self.assertEqual(len(pages), 2)
        mine, theirs = page_text(pages[0]), page_text(pages[1])
        self.assertIn("王小明", mine)
        self.assertIn("草稿", mine)
        self.assertIn("学员", mine)
        self.assertNotIn("Student", mine)
        self.assertIn("2,900.00", mine)
        self.assertIn("TomGreen", theirs)
        self.assertIn("Draft", theirs)
        self.assertIn("Student", theirs)
        self.assertNotIn("学员", theirs)
        self.assertIn("2,400.00", theirs)

    def test_team_summary(self):
        """One page per team and period: a row per consultant and the team's
        totals (target 150,000, counted 140,000, 93.3%, commission 5,300)."""
        april = (
            self.env["training.commission.statement"]
            .with_user(self.users["sup"])
            ._generate(self.users["con"], date(2031, 4, 1), date(2031, 4, 30))
        )
        statements = self.mine | self.theirs | april
        pdf = self._render_pdf(TEAM_REPORT, statements, self.users["sup"])
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 2)
        march = page_text(reader.pages[0])
        self.assertIn("TeamCommissionStatements", march)
        self.assertIn("Cr15Con", march)
        self.assertIn("Cr15Con_2", march)
        for figure in ("150,000.00", "140,000.00", "93.3", "5,300.00", "2,900.00", "2,400.00"):
            self.assertIn(figure, march)
        self.assertIn("TeamTotal", march)
        self.assertIn("03/01/2031", march)
        april_text = page_text(reader.pages[1])
        self.assertIn("04/01/2031", april_text)
        self.assertNotIn("Cr15Con_2", april_text)


@tagged("post_install", "-at_install")
class TestCommissionReportJsonRpc(JsonRpcMixin):
    """Over the web client's JSON-RPC and the report route, per role: a
    consultant cannot read, search, group, export or print a colleague's
    statement or target, and can their own; supervisors can all of them;
    auditors read and print all of them and change none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_statements(cls, "crrpc")
        cls.my_target, cls.their_target = cls.targets
        cls.both = cls.mine | cls.theirs

    def setUp(self):
        super().setUp()
        # A request holds the test cursor until it answers: wkhtmltopdf
        # fetching the style sheets from this same test server would wait for
        # ever. Pointed at a closed port, it prints unstyled (wkhtmltopdf's
        # exit code 1, which Odoo accepts): enough to check who may print
        # what; the styled rendering is tested by TestCommissionReport.
        self.patch(
            self.registry["ir.actions.report"],
            "_get_report_url",
            lambda self, layout=None: "http://127.0.0.1:9",
        )

    def _login(self, role):
        self.authenticate(f"crrpc_{role}", f"crrpc_{role}_pw")

    def _print(self, report, records, force=True):
        """GET /report/pdf/... as the web client's download does; `force`
        passes force_report_rendering in the route's context parameter, else
        test mode answers with the report's HTML."""
        url = f"/report/pdf/{report}/{','.join(str(i) for i in records.ids)}"
        if force:
            url += "?" + urlencode({"context": json.dumps({"force_report_rendering": True})})
        with mute_logger("odoo.http"):
            return self.url_open(url, timeout=120)

    def _assert_pdf(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"), response.content[:80])
        return pdf_text(response.content)

    def _assert_refused(self, response, *secrets):
        """403, no PDF, and nothing of the colleague's statement in the answer."""
        self.assertEqual(response.status_code, 403)
        self.assertFalse(response.content.startswith(b"%PDF"))
        body = response.content.decode()
        for secret in secrets:
            self.assertNotIn(secret, body)

    def _assert_access_error(self, model, method, *args):
        error = self._call_error(model, method, *args)
        # export_data reports the AccessError as a UserError
        self.assertIn(error["name"].rsplit(".", 1)[-1], ("AccessError", "UserError"), method)
        return error

    def test_report_route_in_test_mode(self):
        """What the route does in test mode: the report's HTML, labelled as a
        PDF. The other tests ask for real rendering through its context."""
        self._login("con")
        response = self._print(STATEMENT_REPORT, self.mine, force=False)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.content.startswith(b"%PDF"))
        self.assertIn("王小明", response.content.decode())
        self.assertIn("王小明", self._assert_pdf(self._print(STATEMENT_REPORT, self.mine)))

    def test_consultant_own_statement_and_target_only(self):
        self._login("con")
        secrets = (self.users["con_2"].name, "Tom Green", "60,000", "2,400")
        Statement, Target = "training.commission.statement", "training.sales.target"
        rows = self._call(Statement, "search_read", [("id", "in", self.both.ids)], ["amount_total"])
        self.assertEqual(rows, [{"id": self.mine.id, "amount_total": 2900}])
        rows = self._call(Target, "search_read", [("id", "in", self.targets.ids)], ["amount"])
        self.assertEqual(rows, [{"id": self.my_target.id, "amount": 100000}])
        groups = self._call(
            Statement, "web_read_group", [], ["amount_total:sum"], ["user_id"], lazy=False
        )["groups"]
        self.assertEqual([group["amount_total"] for group in groups], [2900])
        groups = self._call(Target, "web_read_group", [], ["amount:sum"], ["user_id"], lazy=False)
        self.assertEqual([group["amount"] for group in groups["groups"]], [100000])
        exported = self._call(Statement, "export_data", self.mine.ids, ["amount_total"])
        self.assertEqual(exported["datas"], [[2900.0]])
        for model, record, field in (
            (Statement, self.theirs, "amount_total"),
            (Target, self.their_target, "amount"),
        ):
            for method in ("read", "export_data"):
                error = self._assert_access_error(model, method, record.ids, [field])
                for secret in secrets:
                    self.assertNotIn(secret, error["message"], method)
        self._assert_access_error(Statement, "write", self.mine.ids, {"amount_total": 1})
        self._assert_access_error(Statement, "action_confirm", self.mine.ids)
        self._assert_access_error(Target, "write", self.my_target.ids, {"amount": 1})
        # Printing: their own yes; a colleague's no, alone, among their own,
        # in the team summary, and in test mode's HTML alike.
        text = self._assert_pdf(self._print(STATEMENT_REPORT, self.mine))
        self.assertIn("王小明", text)
        self.assertIn("2,900.00", text)
        self._assert_refused(self._print(STATEMENT_REPORT, self.theirs), *secrets)
        self._assert_refused(self._print(STATEMENT_REPORT, self.both), *secrets)
        self._assert_refused(self._print(TEAM_REPORT, self.both), *secrets)
        self._assert_refused(self._print(STATEMENT_REPORT, self.theirs, force=False), *secrets)
        self.assertEqual(self.mine.state, "draft")

    def test_colleague_consultant(self):
        """The other way round: the colleague sees theirs, not the first
        consultant's."""
        self._login("con_2")
        rows = self._call(
            "training.commission.statement", "search_read", [("id", "in", self.both.ids)], ["id"]
        )
        self.assertEqual(rows, [{"id": self.theirs.id}])
        self._assert_access_error(
            "training.commission.statement", "read", self.mine.ids, ["amount_total"]
        )
        self._assert_access_error("training.sales.target", "read", self.my_target.ids, ["amount"])
        self.assertIn("TomGreen", self._assert_pdf(self._print(STATEMENT_REPORT, self.theirs)))
        self._assert_refused(self._print(STATEMENT_REPORT, self.mine), "王小明", "2,900")

    def test_supervisor_all(self):
        self._login("sup")
        Statement = "training.commission.statement"
        rows = self._call(Statement, "search_read", [("id", "in", self.both.ids)], ["id"])
        self.assertEqual({row["id"] for row in rows}, set(self.both.ids))
        groups = self._call(
            Statement,
            "web_read_group",
            [("id", "in", self.both.ids)],
            ["amount_total:sum"],
            ["user_id"],
            lazy=False,
        )["groups"]
        self.assertEqual(sorted(group["amount_total"] for group in groups), [2400, 2900])
        exported = self._call(Statement, "export_data", self.both.ids, ["amount_total"])
        self.assertEqual(sorted(exported["datas"]), [[2400.0], [2900.0]])
        text = self._assert_pdf(self._print(TEAM_REPORT, self.both))
        self.assertIn("5,300.00", text)
        self.assertIn("TomGreen", self._assert_pdf(self._print(STATEMENT_REPORT, self.theirs)))
        self._call(Statement, "action_confirm", self.theirs.ids)
        self.assertEqual(self.theirs.state, "confirmed")
        self._call("training.sales.target", "write", self.their_target.ids, {"amount": 55000})
        self.assertEqual(self.their_target.amount, 55000)

    def test_auditor_reads_all_changes_nothing(self):
        self._login("aud")
        Statement, Target = "training.commission.statement", "training.sales.target"
        rows = self._call(Statement, "search_read", [("id", "in", self.both.ids)], ["id"])
        self.assertEqual({row["id"] for row in rows}, set(self.both.ids))
        rows = self._call(Target, "read", self.targets.ids, ["amount"])
        self.assertEqual(sorted(row["amount"] for row in rows), [50000, 100000])
        exported = self._call(Statement, "export_data", self.both.ids, ["amount_total"])
        self.assertEqual(len(exported["datas"]), 2)
        self.assertIn("5,300.00", self._assert_pdf(self._print(TEAM_REPORT, self.both)))
        self._assert_access_error(Statement, "action_confirm", self.theirs.ids)
        self._assert_access_error(Statement, "write", self.theirs.ids, {"amount_total": 1})
        self._assert_access_error(Target, "write", self.their_target.ids, {"amount": 1})
        self._assert_access_error(Statement, "unlink", self.theirs.ids)
        self.assertEqual(self.both.mapped("state"), ["draft", "draft"])
        self.assertEqual(self.their_target.amount, 50000)

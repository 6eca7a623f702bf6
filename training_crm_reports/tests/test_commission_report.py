import io
import unicodedata
from datetime import date, datetime
from unittest.mock import patch

from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

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
    roles = {
        "con": "training_crm.group_consultant",
        "con_2": "training_crm.group_consultant",
        "sup": "training_crm.group_supervisor",
        "aud": "training_crm.group_auditor",
    }
    cls.users = {
        role: new_test_user(
            env,
            login=f"{prefix}_{role}",
            password=f"{prefix}_{role}_pw",
            name=f"{prefix.title()} {role.title()}",
            groups=group,
            email=False,
            lang="en_US",
        )
        for role, group in roles.items()
    }
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
    env["training.commission.plan"].create(
        {
            "name": "Consultants 2031",
            "date_from": date(2031, 1, 1),
            "tier_ids": [
                Command.create({"attainment_from": 0, "rate": 3}),
                Command.create({"attainment_from": 80, "rate": 5}),
                Command.create({"attainment_from": 100, "rate": 7}),
            ],
            "grade_bonus_ids": [Command.create({"grade_id": grade_a.id, "rate": 1})],
        }
    )
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
        text = pdf_text(self._render_pdf(STATEMENT_REPORT, self.mine, self.users["con"]))
        self.assertIn("王小明", text)
        self.assertIn("李小红", text)
        self.assertIn("数学一对一", text)
        self.assertIn("草稿", text)  # the state, in the consultant's language
        self.assertNotIn("Draft", text)
        for figure in ("100,000.00", "80,000.00", "50,000.00", "2,000.00", "900.00", "2,900.00"):
            self.assertIn(figure, text)
        self.assertIn("3%×50,000.00", text)  # noqa: RUF001
        self.assertNotIn("Tom Green", text)

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
        pdf = self._render_pdf(STATEMENT_REPORT, self.mine | self.theirs, self.users["sup"])
        pages = PdfReader(io.BytesIO(pdf)).pages
        self.assertEqual(len(pages), 2)
        mine, theirs = page_text(pages[0]), page_text(pages[1])
        self.assertIn("王小明", mine)
        self.assertIn("草稿", mine)
        self.assertIn("2,900.00", mine)
        self.assertIn("TomGreen", theirs)
        self.assertIn("Draft", theirs)
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

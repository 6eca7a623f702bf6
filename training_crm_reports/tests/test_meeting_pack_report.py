import io
import unicodedata
from datetime import date

from PyPDF2 import PdfReader

from odoo.tests import HttpCase, tagged

from .test_meeting_pack import RUN, school_time, setup_pack_school


def pdf_text(pdf):
    """The PDF's text without white space (wkhtmltopdf places words one by
    one), NFKC-normalised (the CJK font reads some ideographs back as their
    Kangxi radicals)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFKC", "".join("".join(p.extract_text().split()) for p in pages))


def pdf_fonts(pdf):
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"].get("/Font", {}).values()
    }


@tagged("post_install", "-at_install")
class TestMeetingPackReport(HttpCase):
    """Real PDFs from wkhtmltopdf (test mode otherwise returns HTML), their
    text read back. HttpCase: wkhtmltopdf fetches the style sheets from the
    test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_pack_school(cls, "mpr16")

    def _render_pdf(self, packs, user):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("training_crm_reports.report_meeting_pack", packs.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:40])
        return pdf

    def test_campus_pack_pdf(self):
        """The campus leader's week, printed on demand: its period, campus,
        figures and the consultants behind the overdue follow-ups, in the
        Simplified Chinese font."""
        Print = self.env["training.crm.meeting.pack.print"].with_user(self.sup_mail)
        wizard = Print.create(
            {"kind": "weekly", "date": date(2031, 3, 12), "team_id": self.team.id}
        )
        with school_time(self.env, RUN):
            action = wizard.action_print()
        pack = self.env["training.crm.meeting.pack"].browse(action["context"]["active_ids"])
        self.assertEqual((pack.date_from, pack.date_to), (date(2031, 3, 10), date(2031, 3, 16)))
        pdf = self._render_pdf(pack, self.sup_mail)
        text = pdf_text(pdf)
        for expected in (
            "WeeklyFollow-upMeeting",
            "mpr16一校区",
            "03/10/2031-03/16/2031",
            "NewLeads2",
            "OverdueFollow-ups2",
            "mpr16con2",
            "RenewalsDue1",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("mpr16con_2", text)  # campus 2's consultant
        fonts = pdf_fonts(pdf)
        self.assertTrue(fonts and all("NotoSansCJKsc" in font for font in fonts), fonts)

    def test_packs_printed_together(self):
        """Two recipients' packs in one print (one article, a page each)."""
        with school_time(self.env, RUN):
            packs = self.env["training.crm.meeting.pack"]._send_training_packs("weekly")
        packs = packs.filtered(lambda pack: pack.company_id == self.company and not pack.team_id)
        self.assertEqual(len(packs), 2)
        admin = self.env.ref("base.user_admin")
        packs = packs.with_user(admin).sudo()
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("training_crm_reports.report_meeting_pack", packs.ids)
        )
        self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 2)
        # Each page in its recipient's language: 简体中文, then English.
        text = pdf_text(pdf)
        self.assertEqual(packs.user_id.mapped("lang"), ["zh_CN", "en_US"])
        self.assertEqual((text.count("新线索3"), text.count("NewLeads3")), (1, 1))

    def test_link_opens_filtered_list_in_browser(self):
        """The link of the week's new leads, followed in the web client by its
        supervisor, lists those three leads and no other."""
        with school_time(self.env, RUN):
            packs = self.env["training.crm.meeting.pack"]._send_training_packs("weekly")
        pack = packs.filtered(lambda pack: pack.user_id == self.sup)
        line = pack.line_ids.filtered(lambda line: line.section == "new_leads")
        self.assertEqual(line.count, 3)
        url = line._get_training_url()
        path = url[len(pack.get_base_url()) :]
        self.assertTrue(path.startswith("/odoo/"), url)
        code = """
            const expected = ["mpr16 l1", "mpr16 l2", "mpr16 l4"];
            const started = Date.now();
            const check = () => {
                const rows = [...document.querySelectorAll(".o_list_view .o_data_row")];
                if (rows.length && rows.length >= expected.length) {
                    const texts = rows.map((row) => row.innerText);
                    const found = expected.every((name) => texts.some((t) => t.includes(name)));
                    if (found && rows.length === expected.length) {
                        console.log("test successful");
                    } else {
                        console.error("unexpected rows: " + texts.join(" | "));
                    }
                } else if (Date.now() - started > 20000) {
                    console.error("no list of leads: " + document.body.innerText.slice(0, 500));
                } else {
                    setTimeout(check, 200);
                }
            };
            check();
        """
        self.browser_js(path, code, login=self.sup.login)

    def test_traditional_chinese_pack_pdf(self):
        """A recipient reading Traditional Chinese gets their pack in the
        Traditional font (not the Simplified nor the Japanese glyphs)."""
        self.env["res.lang"]._activate_lang("zh_TW")
        self.sup.lang = "zh_TW"
        with school_time(self.env, RUN):
            packs = self.env["training.crm.meeting.pack"]._send_training_packs("weekly")
        pack = packs.filtered(lambda pack: pack.user_id == self.sup)
        pdf = self._render_pdf(pack, self.sup)
        fonts = pdf_fonts(pdf)
        self.assertTrue(fonts and all("NotoSansCJKtc" in font for font in fonts), fonts)
        self.assertIn("mpr16con2", pdf_text(pdf))

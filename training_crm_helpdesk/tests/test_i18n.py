# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

import polib

from odoo.exceptions import UserError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

MODULE = "training_crm_helpdesk"
LANGS = ("zh_CN", "zh_TW")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w*\}")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Customer service reads complaints in 简体中文 and 繁體中文."""

    def _po(self, name):
        return polib.pofile(f"{get_module_path(MODULE)}/i18n/{name}")

    def test_every_string_is_exported_and_translated(self):
        terms = {
            source
            for (mod, _type, _name, _res_id, source, _value, _comments) in (
                TranslationModuleReader(self.env.cr, modules=[MODULE])
            )
            if mod == MODULE and source
        }
        pot = {entry.msgid for entry in self._po(f"{MODULE}.pot")}
        self.assertEqual(terms - pot, set(), f"{MODULE}.pot is out of date: run `make i18n`")
        for lang in LANGS:
            translated = {e.msgid: e.msgstr for e in self._po(f"{lang}.po") if e.msgstr}
            self.assertEqual(terms - set(translated), set(), lang)
            for msgid, msgstr in translated.items():
                self.assertEqual(
                    sorted(PLACEHOLDER.findall(msgid)),
                    sorted(PLACEHOLDER.findall(msgstr)),
                    f"{lang}: placeholders differ in {msgid!r}",
                )

    def test_team_stages_and_errors_in_chinese(self):
        for lang in LANGS:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms([MODULE], list(LANGS))
        team = self.env.ref("training_crm_helpdesk.helpdesk_team_complaints")
        self.assertEqual(team.with_context(lang="zh_CN").name, "投诉")
        self.assertEqual(team.with_context(lang="zh_TW").name, "投訴")
        stage = self.env.ref("training_crm_helpdesk.helpdesk_stage_complaint_plan")
        self.assertEqual(stage.with_context(lang="zh_TW").name, "已給方案")
        complaint = self.env["helpdesk.ticket"].create(
            {"name": "Noise", "description": "<p>Noise.</p>", "team_id": team.id}
        )
        with self.assertRaisesRegex(UserError, "只有已解决的投诉才能关闭"):
            complaint.with_context(lang="zh_CN").stage_id = self.env.ref(
                "training_crm_helpdesk.helpdesk_stage_complaint_closed"
            )
        with self.assertRaisesRegex(UserError, "再把投訴移到「已給方案」"):
            complaint.with_context(lang="zh_TW").stage_id = stage

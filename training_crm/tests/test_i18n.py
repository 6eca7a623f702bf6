import re

import polib

from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDONS = ("training_crm", "training_crm_reports")
LANGS = ("zh_CN", "zh_TW")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w*\}")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Chinese-speaking staff must never meet an untranslated string."""

    def _po(self, module, name):
        return polib.pofile(f"{get_module_path(module)}/i18n/{name}")

    def test_every_string_is_exported_and_translated(self):
        for module in ADDONS:
            terms = {
                source
                for (mod, _type, _name, _res_id, source, _value, _comments) in (
                    TranslationModuleReader(self.env.cr, modules=[module])
                )
                if mod == module and source
            }
            pot = {entry.msgid for entry in self._po(module, f"{module}.pot")}
            self.assertEqual(terms - pot, set(), f"{module}.pot is out of date: run `make i18n`")
            for lang in LANGS:
                translated = {e.msgid: e.msgstr for e in self._po(module, f"{lang}.po") if e.msgstr}
                self.assertEqual(terms - set(translated), set(), f"{module} {lang}")
                for msgid, msgstr in translated.items():
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(msgid)),
                        sorted(PLACEHOLDER.findall(msgstr)),
                        f"{module} {lang}: placeholders differ in {msgid!r}",
                    )

    def test_grades_and_errors_in_chinese(self):
        for lang in LANGS:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["training_crm"], list(LANGS))
        grade = self.env.ref("training_crm.grade_s")
        self.assertEqual(grade.with_context(lang="zh_CN").name, "一周内报名")
        self.assertEqual(grade.with_context(lang="zh_TW").name, "一週內報名")
        with self.assertRaisesRegex(ValidationError, "最长跟进间隔至少为一天"):
            grade.with_context(lang="zh_CN").followup_gap_days = 0

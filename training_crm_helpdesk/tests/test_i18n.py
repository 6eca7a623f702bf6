# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

import polib

from odoo.exceptions import UserError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user, tagged
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


# ---------------------------------------------------------------------------
# The OCA helpdesk screens: training_crm_helpdesk/i18n_extra (issue 13)
# ---------------------------------------------------------------------------

OCA_MODULES = ("helpdesk_mgmt", "helpdesk_mgmt_sla")
# Placeholders and markup a translation must keep: %(x)s, %s, {{ expr }},
# {x} and every tag, its translatable attributes (title, alt...) aside.
MARKUP = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\{.*?\}\}|\{\w*\}|<[^>]+>")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAMES = {"ID", "Odoo", "Wifi"}  # may stay in Latin letters
TRANSLATABLE_ATTRIBUTE = re.compile(r'\b(title|alt|aria-label|placeholder)="[^"]*"')


def _markup(text):
    return sorted(TRANSLATABLE_ATTRIBUTE.sub(r'\1=""', m) for m in MARKUP.findall(text))


@tagged("post_install", "-at_install")
class TestOcaHelpdeskTranslations(TransactionCase):
    """Staff read the OCA helpdesk screens in 简体中文 and 繁體中文 although
    helpdesk_mgmt and helpdesk_mgmt_sla ship neither: training_crm_helpdesk
    provides them in i18n_extra, keyed by the OCA modules' xmlids."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.agent = new_test_user(
            cls.env,
            login="tc_i18n_cs",
            groups="training_crm_helpdesk.group_customer_service",
            email=False,
        )

    def _extra(self, lang):
        return polib.pofile(f"{get_module_path(MODULE)}/i18n_extra/{lang}.po")

    def test_every_oca_string_is_translated(self):
        """Every non-code msgid of the pinned OCA pots, placeholders kept."""
        msgids = set()
        for module in OCA_MODULES:
            pot = polib.pofile(f"{get_module_path(module)}/i18n/{module}.pot")
            msgids |= {
                entry.msgid
                for entry in pot
                if any(not occ.startswith("code:") for occ, _line in entry.occurrences)
            }
        self.assertGreater(len(msgids), 300)
        for lang in LANGS:
            po = self._extra(lang)
            translated = {entry.msgid: entry.msgstr for entry in po if entry.msgstr}
            self.assertEqual(msgids - set(translated), set(), f"{lang}: run `make i18n`")
            self.assertEqual(set(translated) - msgids, set(), f"{lang}: obsolete entries")
            for entry in po:
                self.assertFalse(
                    [occ for occ, _line in entry.occurrences if occ.startswith("code:")],
                    f"{lang}: {entry.msgid!r} is read from the OCA module's own files only",
                )
                self.assertEqual(
                    _markup(entry.msgid),
                    _markup(entry.msgstr),
                    f"{lang}: placeholders or markup differ in {entry.msgid!r}",
                )
                if entry.msgid not in NAMES:
                    self.assertRegex(entry.msgstr, CHINESE, f"{lang}: {entry.msgid!r}")

    def _assert_screens_in_chinese(self):
        expected = {
            "zh_CN": {
                "fields": {
                    "stage_id": "阶段",
                    "sla_expired": "服务级别 (SLA) 已超时",
                    "sla_deadline": "服务级别 (SLA) 截止时间",
                    "team_id": "团队",
                },
                "priority": "中",
                "form": ("分配给我", "设置服务级别 (SLA)", "标记为重复", "其他信息"),
                "english": ("Assign to me", "Set SLA", "Other Information"),
                "menu": "服务台",
                "stage": "等待中",
                "channel": "电话",
                "subject": "工单 {{object.number}} 已关闭。",
            },
            "zh_TW": {
                "fields": {
                    "stage_id": "階段",
                    "sla_expired": "服務等級 (SLA) 已逾時",
                    "sla_deadline": "服務等級 (SLA) 截止時間",
                    "team_id": "團隊",
                },
                "priority": "中",
                "form": ("指派給我", "設定服務等級 (SLA)", "標記為重複", "其他資訊"),
                "english": ("Assign to me", "Set SLA", "Other Information"),
                "menu": "服務台",
                "stage": "等待中",
                "channel": "電話",
                "subject": "工單 {{object.number}} 已關閉。",
            },
        }
        for lang, want in expected.items():
            tickets = self.env["helpdesk.ticket"].with_user(self.agent).with_context(lang=lang)
            fields = tickets.fields_get(["priority", *want["fields"]], ["string", "selection"])
            self.assertEqual(
                {name: fields[name]["string"] for name in want["fields"]}, want["fields"]
            )
            self.assertIn(("1", want["priority"]), fields["priority"]["selection"])
            arch = tickets.get_views([(False, "form")])["views"]["form"]["arch"]
            for label in want["form"]:
                self.assertIn(label, arch, lang)
            for label in want["english"]:
                self.assertNotIn(label, arch, lang)
            for xmlid, value in (
                ("helpdesk_mgmt.helpdesk_ticket_main_menu", want["menu"]),
                ("helpdesk_mgmt.helpdesk_ticket_stage_awaiting", want["stage"]),
                ("helpdesk_mgmt.helpdesk_ticket_channel_phone", want["channel"]),
            ):
                self.assertEqual(self.env.ref(xmlid).with_context(lang=lang).name, value, xmlid)
            template = self.env.ref("helpdesk_mgmt.closed_ticket_template")
            self.assertEqual(template.with_context(lang=lang).subject, want["subject"])
        # English stays English.
        stage = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        self.assertEqual(stage.with_context(lang="en_US").name, "Awaiting")

    def test_oca_screens_in_chinese(self):
        self.env["ir.module.module"]._load_module_terms([*OCA_MODULES, MODULE], list(LANGS))
        self._assert_screens_in_chinese()

    def test_oca_screens_in_chinese_in_module_order(self):
        """As Odoo loads them: activating a language (dependency order, one
        pass) or installing the addons (one module after the other)."""
        modules = self.env["ir.module.module"].search([("name", "in", [*OCA_MODULES, MODULE])])
        self.assertEqual(len(modules), 3)
        modules._update_translations(list(LANGS))
        self._assert_screens_in_chinese()

    def test_oca_screens_in_chinese_module_by_module(self):
        for name in (*OCA_MODULES, MODULE):
            self.env["ir.module.module"]._load_module_terms([name], list(LANGS))
        self._assert_screens_in_chinese()

"""`make run`'s demo company is a Chinese school (scripts/demo_school.py).

`make test`'s database got only the country part (scripts/lib.sh,
`prepare_company`) before Sales and Invoicing installed: Odoo's stock demo
company, its name and address kept, in China, with China's chart of
accounts. The script runs here inside a transaction that is rolled back."""

import importlib.util
import pathlib

from odoo.tests import TransactionCase

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "demo_school.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("demo_school", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestDemoSchool(TransactionCase):
    # Outside an addon, Odoo's test metaclass leaves these unset.
    test_tags = {"standard", "post_install"}
    test_module = "training_crm"
    test_class = "TestDemoSchool"

    def test_company_is_a_chinese_school(self):
        company = _load_script().configure_school(self.env)
        self.assertEqual(company, self.env.ref("base.main_company"))
        self.assertFalse(company.name.isascii(), "a Chinese name")
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertEqual(company.currency_id.name, "CNY")
        self.assertEqual(company.currency_id.symbol, "¥")
        admin = self.env.ref("base.user_admin")
        for record in (company.partner_id, admin):
            self.assertEqual(record.tz, "Asia/Shanghai")
            self.assertEqual(record.lang, "zh_CN")
        self.assertEqual(company.resource_calendar_id.tz, "Asia/Shanghai")
        self.assertIn("en_US", self.env["res.lang"].search([]).mapped("code"), "English stays")
        lead = self.env["crm.lead"].create({"name": "Walk-in", "phone": "135 7021 4466"})
        self.assertEqual(lead.company_currency, company.currency_id)
        self.assertEqual(lead.phone_sanitized, "+8613570214466", "national numbers normalise")

    def test_running_twice_changes_nothing(self):
        script = _load_script()
        company = script.configure_school(self.env)
        values = company.read(["name", "currency_id", "country_id", "street"])
        script.configure_school(self.env)
        self.assertEqual(company.read(["name", "currency_id", "country_id", "street"]), values)

    def test_company_was_chinese_before_invoicing_installed(self):
        """The database under test was prepared as `make run`'s: China's chart
        of accounts (l10n_cn) in yuan, not the generic chart in dollars."""
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertEqual(company.currency_id.name, "CNY")
        self.assertEqual(company.chart_template, "cn")
        self.assertEqual(company.partner_id.tz, "Asia/Shanghai")
        self.assertEqual(self.env["ir.module.module"]._get("l10n_cn").state, "installed")
        self.assertTrue(
            self.env["account.account"]
            .with_company(company)
            .search_count([("code", "=like", "5001%"), ("account_type", "=", "income")]),
            "China's 主营业务收入 (5001) is among the accounts",
        )

    def test_country_only_keeps_the_company_name(self):
        company = self.env.ref("base.main_company")
        name = company.name
        _load_script().configure_country(self.env)
        self.assertEqual(company.name, name)
        self.assertEqual(company.country_id, self.env.ref("base.cn"))

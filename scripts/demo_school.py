"""`make run`'s demo company: a Chinese training school, not Odoo's "My Company".

scripts/run.sh pipes this file into `odoo shell` on a new database that holds
only `base`, before any other module installs: modules installed later follow
the company (Invoicing picks its chart of accounts from the country, amounts
show ¥), and a consultant's national numbers (135 9376 3778) normalise with
China's code. It runs again once the addons are in, for what they added
(the working hours of `resource`). Running it twice changes nothing.
"""

SCHOOL_TZ = "Asia/Shanghai"
SCHOOL_LANG = "zh_CN"


def configure_school(env):
    """Make the main company a school in Shanghai: name, address, country,
    currency (CNY), time zone and Simplified Chinese. English stays installed."""
    company = env.ref("base.main_company")
    china = env.ref("base.cn")
    cny = env.ref("base.CNY")
    cny.active = True
    env["res.lang"]._activate_lang(SCHOOL_LANG)
    company.write(
        {
            "name": "启航教育培训学校",
            "currency_id": cny.id,
            "country_id": china.id,
            "state_id": env.ref("base.state_cn_SH").id,
            "city": "上海市",
            "street": "徐汇区漕溪北路 88 号",
            "zip": "200030",
            "phone": "+86 21 6438 8800",
            "email": "info@qihang-school.example.com",
            "website": "https://qihang-school.example.com",
        }
    )
    company.partner_id.write({"tz": SCHOOL_TZ, "lang": SCHOOL_LANG})
    env.ref("base.user_admin").write({"tz": SCHOOL_TZ, "lang": SCHOOL_LANG})
    if "resource_calendar_id" in company._fields:  # once `resource` is installed
        company.resource_calendar_id.tz = SCHOOL_TZ
    return company


if "env" in globals():  # piped into `odoo shell`
    configure_school(env)  # noqa: F821 (odoo shell's environment)
    env.cr.commit()  # noqa: F821

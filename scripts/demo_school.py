"""`make run`'s demo company: a Chinese training school, not Odoo's "My Company".

scripts/lib.sh (`prepare_company`) pipes this file into `odoo shell` on a
database that holds only `base`, or that has no `account` yet, before our
addons install: modules installed later follow the company (`account`, which
`sale_crm` brings, loads the chart of accounts of the company's country,
l10n_cn, amounts show ¥), and a consultant's national numbers (135 9376 3778)
normalise with China's code. With TRAINING_CRM_COMPANY=country (`make test`,
`make i18n`, `make bench`) only the country, currency and time zone change,
so that the stock demo company keeps its name and address. scripts/run.sh
runs it again once the addons are in, for what they added (the working hours
of `resource`). Running it twice changes nothing.
"""

import os

SCHOOL_TZ = "Asia/Shanghai"
SCHOOL_LANG = "zh_CN"


def configure_country(env):
    """Make the main company Chinese: country, currency (CNY) and the time zone
    of its partner. Before `account` installs, this is what makes it load
    China's chart of accounts rather than the generic one. Users keep theirs."""
    company = env.ref("base.main_company")
    cny = env.ref("base.CNY")
    cny.active = True
    company.write({"currency_id": cny.id, "country_id": env.ref("base.cn").id})
    company.partner_id.tz = SCHOOL_TZ
    return company


def configure_school(env):
    """Make the main company a school in Shanghai: name, address, country,
    currency (CNY), time zone and Simplified Chinese. English stays installed."""
    company = configure_country(env)
    env["res.lang"]._activate_lang(SCHOOL_LANG)
    company.write(
        {
            "name": "启航教育培训学校",
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
    if os.environ.get("TRAINING_CRM_COMPANY") == "country":
        configure_country(env)  # noqa: F821 (odoo shell's environment)
    else:
        configure_school(env)  # noqa: F821
    env.cr.commit()  # noqa: F821

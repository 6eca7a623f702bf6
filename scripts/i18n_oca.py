"""Refresh training_crm_helpdesk/i18n_extra/<lang>.po from the pinned OCA helpdesk pots.

The OCA helpdesk addons (requirements-oca.txt) ship no Chinese. Odoo loads, for
every installed module, <module>/i18n/<lang>.po and <module>/i18n_extra/<lang>.po,
and the model / model_terms entries of a PO name their record by a full xmlid
(helpdesk_mgmt.ticket_view_form...): training_crm_helpdesk can thus carry the
translation of the OCA fields, views, menus, actions, stages and mail templates.
Code strings (`#: code:`) are read from the module's own files only: left out.

Like msgmerge: an existing msgstr is kept, entries gone from the pots are
dropped, new ones come in untranslated (empty msgstr). Run by `make i18n`.
"""

import importlib.metadata
import importlib.util
import pathlib
import re
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ROOT / "training_crm_helpdesk" / "i18n_extra"
LANGS = ("zh_CN", "zh_TW")
PIN = re.compile(r"^(odoo(?:\d+)?-addon-[\w-]+)==([\w.]+)", re.MULTILINE)
HEADER = (
    "Chinese of the OCA helpdesk screens (%s), provided by training_crm_helpdesk.\n"
    "Refreshed from the pinned OCA pots by scripts/i18n_oca.py (make i18n):\n"
    "translate msgstr here, the msgid and comments come from the pots."
)


def pinned_addons():
    """The OCA addons of requirements-oca.txt, as installed: {module: pot path}."""
    pots = {}
    for dist, version in PIN.findall((ROOT / "requirements-oca.txt").read_text()):
        installed = importlib.metadata.version(dist)
        if installed != version:
            sys.exit(f"{dist} {installed} is installed, {version} is pinned: run `make setup`")
        module = re.sub(r"^odoo\d*-addon-", "", dist).replace("-", "_")
        spec = importlib.util.find_spec(f"odoo.addons.{module}")
        if spec is None:
            sys.exit(f"{module} is pinned but not importable as odoo.addons.{module}")
        pots[module] = pathlib.Path(spec.submodule_search_locations[0]) / "i18n" / f"{module}.pot"
    return pots


def template(pots):
    """One entry per msgid of the pots' non-code entries, occurrences merged."""
    entries = {}
    for module, pot in sorted(pots.items()):
        for entry in polib.pofile(str(pot)):
            if entry.obsolete:
                continue
            occurrences = [o for o in entry.occurrences if not o[0].startswith("code:")]
            if not occurrences:
                continue  # read from the OCA module's own PO files only
            merged = entries.setdefault(
                entry.msgid, {"modules": [], "occurrences": [], "comments": [], "flags": []}
            )
            merged["modules"].append(module)
            merged["occurrences"] += [o for o in occurrences if o not in merged["occurrences"]]
            for line in entry.comment.splitlines():
                if not line.startswith(("module:", "modules:", "odoo-")):
                    merged["comments"].append(line)
            merged["flags"] += [f for f in entry.flags if f not in merged["flags"]]
    return entries


def refresh(lang, entries, modules):
    path = TARGET / f"{lang}.po"
    old = polib.pofile(str(path)) if path.exists() else None
    kept = {e.msgid: e.msgstr for e in old or () if not e.obsolete and e.msgstr}
    po = polib.POFile(wrapwidth=78)
    po.header = HEADER % ", ".join(modules)
    po.metadata = {
        "Project-Id-Version": "Training CRM 18.0",
        "Report-Msgid-Bugs-To": "",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for msgid in sorted(entries):
        merged = entries[msgid]
        plural = "s" if len(merged["modules"]) > 1 else ""
        comment = [f"module{plural}: {', '.join(merged['modules'])}", *merged["comments"]]
        po.append(
            polib.POEntry(
                msgid=msgid,
                msgstr=kept.get(msgid, ""),
                comment="\n".join(comment),
                occurrences=merged["occurrences"],
                flags=merged["flags"],
            )
        )
    path.parent.mkdir(exist_ok=True)
    po.save(str(path))
    dropped = len(set(kept) - set(entries))
    missing = sum(1 for e in po if not e.msgstr)
    print(f"{path.relative_to(ROOT)}: {len(po)} entries, {missing} to translate, {dropped} dropped")
    return missing


def main():
    pots = pinned_addons()
    entries = template(pots)
    missing = sum(refresh(lang, entries, sorted(pots)) for lang in LANGS)
    if missing:
        print(
            f"untranslated OCA strings are now empty msgstr entries in {TARGET.relative_to(ROOT)}"
        )


if __name__ == "__main__":
    main()

"""Package the addons as odoo.addons.training_crm, odoo.addons.training_crm_reports and
odoo.addons.training_crm_helpdesk.

Odoo itself is not on PyPI: install it first (see README.md), then `pip install .`.
training_crm_helpdesk (AGPL-3) needs the OCA helpdesk wheels of requirements-oca.txt,
installed with `pip install --no-deps` (they require an `odoo` distribution).
"""

import ast
import pathlib

from setuptools import setup

ROOT = pathlib.Path(__file__).resolve().parent
ADDONS = ("training_crm", "training_crm_reports", "training_crm_helpdesk")
SKIP = {"__pycache__"}


def addon_packages(addon):
    """Every folder of the addon is a package, so that its data files ship with it.

    A folder whose name is no Python identifier (migrations/18.0.1.1.0) cannot
    be a package: its files, scripts included, ship as data of its parent package.
    """
    packages, package_data = [], {}
    base = ROOT / addon
    for folder in [base, *sorted(p for p in base.rglob("*") if p.is_dir())]:
        parts = folder.relative_to(ROOT).parts
        if SKIP & set(parts):
            continue
        if all(part.isidentifier() for part in parts):
            name = ".".join(("odoo", "addons", *parts))
            packages.append(name)
            data = sorted(
                f.name for f in folder.iterdir() if f.is_file() and f.suffix not in (".py", ".pyc")
            )
        else:
            package = folder
            while not all(part.isidentifier() for part in package.relative_to(ROOT).parts):
                package = package.parent
            name = ".".join(("odoo", "addons", *package.relative_to(ROOT).parts))
            data = sorted(
                f.relative_to(package).as_posix()
                for f in folder.iterdir()
                if f.is_file() and f.suffix != ".pyc"
            )
        if data:
            package_data.setdefault(name, []).extend(data)
    return packages, package_data


packages, package_data, package_dir = [], {}, {}
for addon in ADDONS:
    addon_pkgs, addon_data = addon_packages(addon)
    packages += addon_pkgs
    package_data.update(addon_data)
    package_dir[f"odoo.addons.{addon}"] = addon

version = ast.literal_eval((ROOT / "training_crm" / "__manifest__.py").read_text())["version"]

setup(
    name="training-crm",
    version=version,
    description="Odoo 18 CRM for training schools: grading, follow-ups, ownership, reports",
    long_description=(ROOT / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    # training_crm and training_crm_reports are LGPL-3, training_crm_helpdesk AGPL-3
    # (as the OCA helpdesk it extends).
    license="LGPL-3.0-only AND AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=packages,
    package_dir=package_dir,
    package_data=package_data,
    include_package_data=False,
    zip_safe=False,
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "Programming Language :: Python :: 3",
    ],
)

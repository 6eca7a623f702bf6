"""`pip install .` must ship the three addons, data files included, as odoo.addons.*."""

import pathlib
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDONS = ("training_crm", "training_crm_reports", "training_crm_helpdesk")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("training_crm-*.whl")
    return path


def test_licenses_of_the_addons():
    """The bridge to the OCA helpdesk is AGPL-3 like it; the other two stay LGPL-3."""
    import ast

    licenses = {
        addon: ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())["license"]
        for addon in ADDONS
    }
    assert licenses == {
        "training_crm": "LGPL-3",
        "training_crm_reports": "LGPL-3",
        "training_crm_helpdesk": "AGPL-3",
    }


def _source_files(addon):
    base = ROOT / addon
    return {
        f"odoo/addons/{p.relative_to(ROOT).as_posix()}"
        for p in base.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_wheel_ships_every_addon_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for addon in ADDONS:
        missing = _source_files(addon) - names
        assert not missing, f"missing from the wheel: {sorted(missing)}"
    for required in (
        "odoo/addons/training_crm/__manifest__.py",
        "odoo/addons/training_crm/security/ir.model.access.csv",
        "odoo/addons/training_crm/data/training_crm_grade_data.xml",
        "odoo/addons/training_crm/views/crm_lead_views.xml",
        "odoo/addons/training_crm/i18n/zh_CN.po",
        "odoo/addons/training_crm/i18n/zh_TW.po",
        "odoo/addons/training_crm_reports/__manifest__.py",
        "odoo/addons/training_crm_helpdesk/__manifest__.py",
        "odoo/addons/training_crm_helpdesk/security/ir.model.access.csv",
        "odoo/addons/training_crm_helpdesk/data/helpdesk_complaint_data.xml",
        "odoo/addons/training_crm_helpdesk/i18n/zh_CN.po",
        "odoo/addons/training_crm_helpdesk/i18n/zh_TW.po",
        "odoo/addons/training_crm_helpdesk/i18n_extra/zh_CN.po",
        "odoo/addons/training_crm_helpdesk/i18n_extra/zh_TW.po",
    ):
        assert required in names


def test_wheel_does_not_claim_odoo_itself(wheel):
    """Odoo owns odoo/__init__.py; a wheel shipping it would break Odoo's install."""
    names = zipfile.ZipFile(wheel).namelist()
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names
    assert not [n for n in names if n.startswith("tests/")]


def test_installed_wheel_imports_as_odoo_addon(wheel, tmp_path):
    """Installed into a site directory, the addons import as odoo.addons.* next to Odoo."""
    import odoo

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    odoo_src = pathlib.Path(odoo.__file__).parent.parent
    code = (
        "import odoo.addons.training_crm as a, odoo.addons.training_crm_reports as b;"
        "import odoo.addons.training_crm_helpdesk as c;"
        "print(a.__file__); print(b.__file__); print(c.__file__)"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = {[str(target), str(odoo_src)]!r};" + code,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    paths = result.stdout.split()
    assert paths[0] == str(target / "odoo/addons/training_crm/__init__.py")
    assert paths[1] == str(target / "odoo/addons/training_crm_reports/__init__.py")
    assert paths[2] == str(target / "odoo/addons/training_crm_helpdesk/__init__.py")

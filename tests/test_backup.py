"""`make backup` and `make restore` round-trip a school's database and its
filestore (scripts/backup.sh: Odoo's own `odoo db dump` / `odoo db load`).

Runs on a copy of the test database (`make test` makes it before pytest holds
connections and names it in TRAINING_CRM_BACKUP_DB): a lead and its
attachment are committed there, the copy is backed up, restored under a new
name, and the restored lead and file compared; the restored database is
dropped. About a minute: pg_dump, psql and a registry load."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest
from tc_support import connect, odoo_shell

from odoo.modules.registry import Registry
from odoo.tools import config

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dbname():
    name = os.environ.get("TRAINING_CRM_BACKUP_DB")
    if not name:
        pytest.fail("TRAINING_CRM_BACKUP_DB is not set: run this test through `make test`")
    return name


def _drop(name):
    Registry.delete(name)
    with connect("postgres", autocommit=True) as conn, conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(config.filestore(name), ignore_errors=True)


def _script(*args, **env):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "backup.sh"), *args],
        env={
            **os.environ,
            "BACKUP_CONF": config.rcfile,
            "VENV": os.path.dirname(os.path.dirname(sys.executable)),
            **env,
        },
        text=True,
        capture_output=True,
        check=False,
    )


# Run in `odoo shell` on the copy (a registry of another database cannot
# load inside the test process, which is in test mode).
LEAD_AND_FILE = """
import base64, json, os
lead_id = int(os.environ["LEAD_ID"] or 0)
if lead_id:
    lead = env["crm.lead"].browse(lead_id)
else:
    lead = env["crm.lead"].create({
        "name": "Backup round trip 备份",
        "contact_name": "陈静",
        "email_from": "backup@example.com",
        "description": "<p>kept by the dump</p>",
    })
    env["ir.attachment"].create({
        "name": "enrolment form.pdf",
        "raw": os.urandom(4096) + "报名表".encode(),
        "res_model": "crm.lead",
        "res_id": lead.id,
    })
    env.cr.commit()
attachment = env["ir.attachment"].search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
print("RESULT " + json.dumps([
    lead.id,
    lead.read(["name", "contact_name", "email_from", "description", "user_id", "stage_id"]),
    attachment.read(["name", "checksum", "store_fname", "file_size"]),
    [base64.b64encode(a.raw).decode() for a in attachment],
], default=str))
"""


def _lead_and_file(dbname, lead_id=None):
    """Create (or read back) a lead with an attachment in the filestore."""
    stdout = odoo_shell(dbname, LEAD_AND_FILE, env={"LEAD_ID": str(lead_id or "")})
    (line,) = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    lead_id, lead, attachments, contents = json.loads(line[len("RESULT ") :])
    assert len(attachments) == 1 and attachments[0]["store_fname"], "a file in the filestore"
    assert attachments[0]["file_size"] > 4096
    return lead_id, lead, attachments, contents


def test_backup_then_restore_under_a_new_name(dbname):
    restored = f"{dbname}_restored"
    _drop(restored)
    lead_id, *original = _lead_and_file(dbname)
    dump = None
    try:
        result = _script("backup", dbname)
        assert result.returncode == 0, result.stderr
        # By default into .local/backups, named after the database and the time.
        dump = pathlib.Path(result.stdout.strip().splitlines()[-1])
        assert dump.parent == ROOT / ".local" / "backups"
        assert dump.name.startswith(f"{dbname}-") and dump.suffix == ".zip"
        names = zipfile.ZipFile(dump).namelist()
        assert "dump.sql" in names and "manifest.json" in names
        assert any(n.startswith("filestore/") for n in names)
        assert oct(dump.stat().st_mode & 0o777) == "0o600", "a dump holds every customer"

        # An existing database is never overwritten by accident.
        refused = _script("restore", dbname, str(dump))
        assert refused.returncode != 0
        assert "exists" in refused.stderr + refused.stdout

        result = _script("restore", restored, str(dump))
        assert result.returncode == 0, result.stderr
        assert list(_lead_and_file(restored, lead_id)[1:]) == original
    finally:
        _drop(restored)
        if dump:
            dump.unlink(missing_ok=True)

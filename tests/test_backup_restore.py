"""The restore rehearsal: seed, back up, wipe, restore — every row and file back, the audit trail
intact against the checkpoint taken with the backup. Runs on SQLite and on PostgreSQL."""

import hashlib
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.services import add_attachment
from core.backups import stored_names
from tests.cases.factories import hardship_case, jpeg_bytes, pdf_bytes, person_in, upload, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def storage_folder(settings, tmp_path):
    folder = tmp_path / "storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder, "base_url": None},
        },
    }
    return folder


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _files() -> dict[str, str]:
    return {
        name: hashlib.sha256(default_storage.open(name, "rb").read()).hexdigest()
        for name in stored_names()
    }


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    for name in list(stored_names()):
        default_storage.delete(name)


@pytest.fixture
def seeded(storage_folder):
    call_command("seed_demo", people=20, seed=7, stdout=io.StringIO())
    officer = get_user_model().objects.get(username="officer")
    a_visit = visit(hardship_case(person_in(officer.organisation), officer), officer)
    add_attachment(a_visit, upload("门口.jpg", jpeg_bytes()), by=officer)
    add_attachment(a_visit, upload("诊断书.pdf", pdf_bytes(), "application/pdf"), by=officer)
    return _rows(), _files()


def test_a_backup_restored_into_a_wiped_database_gives_back_every_row_and_file(seeded, tmp_path):
    rows, files = seeded
    assert rows["accounts.User"] >= 5 and rows["cases.Person"] >= 20 and len(files) >= 3
    backup = tmp_path / "backup"
    out = io.StringIO()
    call_command("backup", to=str(backup), stdout=out)
    manifest = json.loads((backup / "manifest.json").read_text())
    listed = {e["path"] for e in manifest["entries"]}
    assert manifest["database"]["file"] in listed
    assert "audit-checkpoint.json" in listed
    assert {f"files/{name}" for name in files} <= listed
    assert manifest["stored_files"] == len(files)

    _wipe()
    assert get_user_model().objects.count() == 0 and _files() == {}

    restored = io.StringIO()
    call_command("restore", "--from", str(backup), stdout=restored)
    assert _rows() == rows
    assert _files() == files
    assert "audit trail intact" in restored.getvalue()
    call_command("verify_audit", checkpoint=str(backup / "audit-checkpoint.json"), stdout=out)


def test_restore_refuses_a_database_that_has_data_unless_told(seeded, tmp_path):
    rows, _ = seeded
    backup = tmp_path / "backup"
    call_command("backup", to=str(backup), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", "--from", str(backup), stdout=io.StringIO())
    call_command("restore", "--from", str(backup), replace=True, stdout=io.StringIO())
    assert _rows() == rows


def test_restore_refuses_a_backup_that_differs_from_its_manifest(seeded, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", to=str(backup), stdout=io.StringIO())
    _wipe()
    victim = next(p for p in (backup / "files").rglob("*.jpg"))
    victim.write_bytes(victim.read_bytes()[:-1] + b"\x00")
    with pytest.raises(CommandError, match=r"files/.*\.jpg differs from the manifest"):
        call_command("restore", "--from", str(backup), stdout=io.StringIO())
    assert get_user_model().objects.count() == 0 and _files() == {}


def test_a_backup_goes_only_into_a_new_or_empty_folder(storage_folder, tmp_path):
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", to=str(folder), stdout=io.StringIO())

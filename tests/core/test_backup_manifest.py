"""A restore checks the backup folder against its manifest before it touches anything: a broken
manifest or a file it does not list is refused with a message, never a traceback."""

import json

import pytest

from core.backups import FORMAT, MANIFEST, BackupRefused, check_backup, sha256_of


def _backup(folder, files: dict[str, bytes], **manifest) -> None:
    entries = []
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        entries.append({"path": name, "size": len(content), "sha256": sha256_of(path)})
    body = {
        "format": FORMAT,
        "created_at": "2026-12-03T00:00:00+00:00",
        "database": {"vendor": "sqlite", "file": "database.sqlite3"},
        "audit_checkpoint": None,
        "stored_files": len(files) - 1,
        "entries": entries,
    }
    (folder / MANIFEST).write_text(json.dumps(body | manifest))


def test_a_complete_backup_passes_the_check(tmp_path):
    _backup(tmp_path, {"database.sqlite3": b"db", "files/a/b.pdf": b"%PDF"})
    assert check_backup(tmp_path)["stored_files"] == 1


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path):
    _backup(tmp_path, {"database.sqlite3": b"db", "files/a/b.pdf": b"%PDF"})
    (tmp_path / "files" / "a" / "smuggled.html").write_text("<script>")
    with pytest.raises(BackupRefused, match=r"files/a/smuggled\.html is not in the manifest"):
        check_backup(tmp_path)


@pytest.mark.parametrize(
    "manifest",
    [
        "[]",
        json.dumps({"format": FORMAT}),
        json.dumps({"format": FORMAT, "database": {}, "entries": [{"path": "manifest.json"}]}),
        json.dumps({"format": FORMAT, "database": {"vendor": "sqlite"}, "entries": "x"}),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_with_a_message(tmp_path, manifest):
    (tmp_path / MANIFEST).write_text(manifest)
    with pytest.raises(BackupRefused, match="manifest"):
        check_backup(tmp_path)


def test_a_manifest_entry_outside_the_backup_folder_is_refused(tmp_path):
    (tmp_path / "inner").mkdir()
    (tmp_path / "outside.txt").write_bytes(b"x")
    _backup(tmp_path / "inner", {"database.sqlite3": b"db"})
    manifest = json.loads((tmp_path / "inner" / MANIFEST).read_text())
    manifest["entries"].append(
        {"path": "../outside.txt", "size": 1, "sha256": sha256_of(tmp_path / "outside.txt")}
    )
    (tmp_path / "inner" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupRefused, match="outside"):
        check_backup(tmp_path / "inner")

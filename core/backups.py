"""Backup and restore: the database, every stored file and the latest audit checkpoint, with a
manifest of sizes and SHA-256 digests.

A backup folder holds `database.dump` (PostgreSQL, `pg_dump` custom format) or
`database.sqlite3` (SQLite's online backup), `files/` (every file of the default storage, local
disk or object store, under its stored name), `audit-checkpoint.json` (from `audit_checkpoint`,
taken before the dump so the restored chain reaches it) and `manifest.json`. Restore checks every
digest before it touches anything and refuses a database that already holds users unless told.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command, get_commands
from django.db import DatabaseError, connection
from django.utils import timezone

from core.errors import RuleViolation

MANIFEST = "manifest.json"
FORMAT = 1
CHECKPOINT = "audit-checkpoint.json"
FILES = "files"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupRefused(RuleViolation):
    """A backup or restore that would be wrong or unsafe; nothing was changed."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def stored_names(storage=default_storage, folder: str = "") -> Iterator[str]:
    """Every file of the storage, local or object store, by its stored name."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def do_backup(target: Path) -> dict:
    """Write a complete backup into `target` (a new or empty folder); returns the manifest."""
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupRefused(f"cannot back up a {vendor} database")
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupRefused(f"{target} is not empty: back up into a new folder")
    has_checkpoint = "audit_checkpoint" in get_commands()
    if has_checkpoint:
        call_command("audit_checkpoint", out=str(target / CHECKPOINT), stdout=io.StringIO())
    dump = target / DUMPS[vendor]
    if vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}")
    else:
        _sqlite_copy(connection, dump, into_django=False)
    stored = _copy_files_out(target / FILES)
    entries = [
        {"path": p.relative_to(target).as_posix(), "size": p.stat().st_size, "sha256": sha256_of(p)}
        for p in sorted(target.rglob("*"))
        if p.is_file()
    ]
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": dump.name},
        "audit_checkpoint": CHECKPOINT if has_checkpoint else None,
        "stored_files": stored,
        "entries": entries,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def check_backup(source: Path) -> dict:
    """The manifest, once every file it lists is present with its size and digest, the folder
    holds no file it does not list, and the database file is one of those checked."""
    where = source / MANIFEST
    try:
        manifest = json.loads(where.read_text())
    except (OSError, ValueError) as error:
        raise BackupRefused(f"{where} cannot be read: {error}") from None
    if not isinstance(manifest, dict):
        raise BackupRefused(f"{where} is not a backup manifest")
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"unknown backup format {manifest.get('format')!r}")
    database = manifest.get("database")
    missing = sorted({"created_at", "database", "entries", "stored_files"} - manifest.keys())
    if missing or not isinstance(database, dict) or not {"vendor", "file"} <= database.keys():
        raise BackupRefused(f"{where} is incomplete (missing: {', '.join(missing) or 'database'})")
    try:
        listed = {str(e["path"]): (int(e["size"]), str(e["sha256"])) for e in manifest["entries"]}
    except (KeyError, TypeError, ValueError) as error:
        raise BackupRefused(f"{where} lists a file badly ({error!r})") from None
    dump = str(database["file"])
    root = source.resolve()
    for name, (size, sha256) in listed.items():
        path = source / name
        if not path.resolve().is_relative_to(root):
            raise BackupRefused(f"{name} in the manifest lies outside the backup folder")
        if not path.is_file():
            raise BackupRefused(f"{name} is listed in the manifest but missing")
        if path.stat().st_size != size or sha256_of(path) != sha256:
            raise BackupRefused(f"{name} differs from the manifest (size or SHA-256)")
    present = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    if unlisted := sorted(present - set(listed) - {MANIFEST}):
        raise BackupRefused(f"{unlisted[0]} is not in the manifest: the backup was changed")
    if dump not in listed:
        raise BackupRefused(f"the database file {dump} is not in the manifest")
    return manifest


def database_has_users() -> bool:
    try:
        return get_user_model().objects.exists()
    except DatabaseError:  # no tables yet: a new database
        return False


def do_restore(source: Path, *, replace: bool = False) -> dict:
    """Restore the database and the files from `source`; returns the manifest."""
    manifest = check_backup(source)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupRefused(f"the backup is of a {vendor} database, this is {connection.vendor}")
    if not replace and database_has_users():
        raise BackupRefused("the database is not empty; use --replace to overwrite it")
    dump = source / manifest["database"]["file"]
    connection.close()
    if vendor == "postgresql":
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        )
    else:
        _sqlite_copy(connection, dump, into_django=True)
    connection.close()
    _copy_files_in(source / FILES)
    return manifest


def _copy_files_out(folder: Path) -> int:
    count = 0
    for name in stored_names():
        destination = folder / PurePosixPath(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as handle, destination.open("wb") as out:
            shutil.copyfileobj(handle, out, CHUNK)
        count += 1
    return count


def _copy_files_in(folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if default_storage.exists(name):
            default_storage.delete(name)
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupRefused(f"{name} was stored as {saved}")


def _sqlite_copy(django_connection, dump: Path, *, into_django: bool) -> None:
    """SQLite's online backup API: consistent while others write, and works for in-memory
    databases (the tests) as for files."""
    django_connection.ensure_connection()
    live = django_connection.connection
    other = sqlite3.connect(dump)
    try:
        if into_django:
            other.backup(live)
        else:
            live.backup(other)
    finally:
        other.close()


def _pg(program: str, *args: str) -> None:
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    command = [program, *args, f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        command.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        command.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        command.append(f"--username={settings['USER']}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupRefused(f"{program} failed: {result.stderr.strip()[-2000:]}")

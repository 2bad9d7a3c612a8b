"""Keeping `FileTally` equal to the hardship files.

A file's part of the tallies is a function of its own fields (`file_contributions`). A service
that changes a file reads its facts right after locking it (`file_facts`) and saves it with
`save_file`, which adds the difference between after and before in the same transaction (one
upsert: `core.tallies.add_to_tallies`). A new case is recorded by `record_new_file`.
`rebuild_file_tallies` computes the same sums from the cases, for a database filled before the
tallies existed, and `file_differences` compares, for `rebuild_statistics --check`.

The page reads what `figures.selectors.files.file_q` lists; both follow the same rules:
in file at the end of year Y = approved on or before 31 December Y, at a stage once in file,
and not closed before 1 January Y + 1 (local time).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.tallies import add_to_tallies

from ..models import Case, CaseCategory, FileStage, FileTally

ONCE_IN_FILE = (FileStage.IN_FILE, FileStage.EXITED, FileStage.WITHDRAWN)
CLOSED_AS: dict[str, int] = {FileStage.EXITED: 3, FileStage.WITHDRAWN: 4}  # in FileTally.VALUES

FileKey = tuple[int, int, str]  # year, organisation, tier
FileValues = tuple[int, ...]  # FileTally.VALUES order


@dataclass(frozen=True)
class FileFacts:
    category: str
    organisation: int
    tier: str
    stage: str
    approved_on: datetime.date | None
    closed_at: datetime.datetime | None


def file_facts(case: Case) -> FileFacts:
    return FileFacts(
        category=case.category,
        organisation=case.organisation_id,
        tier=case.hardship_level or "",
        stage=case.file_stage or "",
        approved_on=case.file_approved_on,
        closed_at=case.closed_at,
    )


def file_contributions(facts: FileFacts | None) -> dict[FileKey, FileValues]:
    """The file's +1s: entered in its approval year and left in its closing year (when it
    closed after that year began: a file closed before it counts in no year's end), new in its
    approval year, exited or withdrawn in its closing year."""
    if facts is None or facts.category != CaseCategory.HARDSHIP:
        return {}
    counts: dict[FileKey, list[int]] = defaultdict(lambda: [0] * len(FileTally.VALUES))
    closed = timezone.localtime(facts.closed_at).year if facts.closed_at else None

    def at(year: int) -> list[int]:
        return counts[(year, facts.organisation, facts.tier)]

    if facts.approved_on is not None:
        approved = facts.approved_on.year
        at(approved)[2] += 1
        if facts.stage in ONCE_IN_FILE and (closed is None or closed > approved):
            at(approved)[0] += 1
            if closed is not None:
                at(closed)[1] += 1
    if facts.stage in CLOSED_AS and closed is not None:
        at(closed)[CLOSED_AS[facts.stage]] += 1
    return {k: tuple(v) for k, v in counts.items()}


def record_file_moves(moves: Iterable[tuple[FileFacts | None, FileFacts | None]]) -> None:
    """Add (after − before) of each file to the tallies, in one statement."""
    delta: dict[FileKey, list[int]] = defaultdict(lambda: [0] * len(FileTally.VALUES))
    for before, after in moves:
        for sign, facts in ((-1, before), (+1, after)):
            for key, values in file_contributions(facts).items():
                row = delta[key]
                for i, v in enumerate(values):
                    row[i] += sign * v
    add_to_tallies(FileTally, sorted((k, tuple(v)) for k, v in delta.items() if any(v)))


def save_file(locked: Case, before: FileFacts, update_fields: list[str]) -> None:
    """Save a locked case's `update_fields` and move its tallies from `before` to now."""
    locked.save(update_fields=update_fields)
    record_file_moves([(before, file_facts(locked))])


def record_new_file(case: Case) -> None:
    """A case just created: its contribution added."""
    record_file_moves([(None, file_facts(case))])


# Rebuilding from the cases ------------------------------------------------------------------


def expected_file_tallies() -> dict[FileKey, FileValues]:
    """Every hardship file's contribution summed, read in chunks (a row per file: the million
    cases of a city are three hundred thousand files, summed in Python once per rebuild)."""
    totals: dict[FileKey, list[int]] = defaultdict(lambda: [0] * len(FileTally.VALUES))
    rows = (
        Case.objects.filter(category=CaseCategory.HARDSHIP)
        .exclude(file_approved_on__isnull=True, closed_at__isnull=True)
        .values_list(
            "category",
            "organisation_id",
            "hardship_level",
            "file_stage",
            "file_approved_on",
            "closed_at",
        )
        .order_by()
    )
    for row in rows.iterator(chunk_size=10_000):
        for key, values in file_contributions(FileFacts(*row)).items():
            for i, v in enumerate(values):
                totals[key][i] += v
    return {k: tuple(v) for k, v in totals.items() if any(v)}


def stored_file_tallies() -> dict[FileKey, FileValues]:
    rows = FileTally.objects.values_list("year", "organisation_id", "tier", *FileTally.VALUES)
    return {tuple(r[:3]): tuple(r[3:]) for r in rows if any(r[3:])}


def file_differences() -> list[str]:
    """The keys where the stored file tallies differ from the files, named."""
    want, have = expected_file_tallies(), stored_file_tallies()
    found: list[str] = []
    for key in sorted(set(want) | set(have), key=repr):
        if want.get(key) != have.get(key):
            found.append(f"files {key}: expected {want.get(key)}, stored {have.get(key)}")
    return found


def rebuild_file_tallies() -> None:
    """Empty the table and fill it from the cases, in one transaction (a file changing
    meanwhile waits on the table's lock on PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {FileTally._meta.db_table} IN EXCLUSIVE MODE")
        FileTally.objects.all().delete()
        values: list[dict[str, Any]] = [
            dict(zip(("year", "organisation_id", "tier", *FileTally.VALUES), (*k, *v), strict=True))
            for k, v in expected_file_tallies().items()
        ]
        FileTally.objects.bulk_create((FileTally(**v) for v in values), batch_size=2000)

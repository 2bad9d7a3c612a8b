"""Keeping the file spells (`FileSpell`) and `FileTally` equal to the hardship files.

A file's part of the tallies is a function of its spells, its organisation and its current tier
(`file_contributions`). A service that changes a file reads its facts right after locking it
(`file_facts`: the case and its spells) and saves it with `save_file`, which moves the latest
spell with the case (`follow`: a reopening starts the next one; an ended spell is never changed
again, so a past year's figures stay as they were) and adds the difference between after and
before to the tallies in the same transaction (one upsert: `core.tallies.add_to_tallies`). A new
case is recorded by `record_new_file`. `rebuild_file_tallies` computes the same sums from the
spells, and `file_differences` compares, for `rebuild_statistics --check`.

The page reads what `figures.selectors.files.file_q` lists; both follow the same rules: in file
at the end of year Y = a spell approved on or before 31 December Y and not ended before
1 January Y + 1 (local time). The tier is the case's current tier for every year (as before the
spells: a tier change moves the file's past years too).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.tallies import add_to_tallies

from ..models import Case, CaseCategory, FileSpell, FileStage, FileTally

ONCE_IN_FILE = (FileStage.IN_FILE, FileStage.EXITED, FileStage.WITHDRAWN)
# Indexes in FileTally.VALUES.
ENTERED, DEPARTED, NEW, EXITED, WITHDRAWN, RETURNED = range(6)
CLOSED_AS: dict[str, int] = {FileStage.EXITED: EXITED, FileStage.WITHDRAWN: WITHDRAWN}

FileKey = tuple[int, int, str]  # year, organisation, tier
FileValues = tuple[int, ...]  # FileTally.VALUES order


class FileState(Protocol):
    """What a spell follows: a case, or one of its history rows."""

    file_stage: str
    file_approved_on: datetime.date | None
    closed_at: datetime.datetime | None
    returned_on: datetime.date | None


@dataclass(frozen=True)
class SpellFacts:
    returned_on: datetime.date | None = None
    approved_on: datetime.date | None = None
    ended_at: datetime.datetime | None = None
    ended_as: str = ""


@dataclass(frozen=True)
class FileFacts:
    category: str
    organisation: int
    tier: str
    spells: tuple[SpellFacts, ...]
    latest_id: int | None = None  # the row of the last spell, the only one that still changes


def spell_from_fields(state: FileState) -> SpellFacts:
    """The latest spell as far as the case's fields tell (a case filled past the services):
    begun by its last return if it had one, approved if an approval came after that return."""
    approved = state.file_approved_on if state.file_stage in ONCE_IN_FILE else None
    if approved is not None and state.returned_on is not None and approved <= state.returned_on:
        approved = None  # the approval before the return, left on the case
    return SpellFacts(
        returned_on=state.returned_on,
        approved_on=approved,
        ended_at=state.closed_at,
        ended_as=state.file_stage if state.file_stage in CLOSED_AS else "",
    )


def follow(spells: Sequence[SpellFacts], state: FileState) -> list[SpellFacts]:
    """The spells after the file moved to `state`: an ended spell and a case open again mean a
    reopening (a 返困 if the spell ended by 脱困), which begins the next spell; otherwise the latest
    spell takes the approval (only an approval puts a file in file), the closing and its stage."""
    if not spells:
        return [spell_from_fields(state)]
    *done, latest = spells
    if latest.ended_at is not None and state.closed_at is None:
        returned = state.returned_on if latest.ended_as == FileStage.EXITED else None
        done, latest = [*done, latest], SpellFacts(returned_on=returned)
    if state.file_stage == FileStage.IN_FILE:
        latest = replace(latest, approved_on=state.file_approved_on)
    ended_as = state.file_stage if state.file_stage in CLOSED_AS else ""
    return [*done, replace(latest, ended_at=state.closed_at, ended_as=ended_as)]


def spells_from_history(states: Iterable[FileState]) -> list[SpellFacts]:
    """A file's spells rebuilt from its states in order (its history rows, oldest first)."""
    spells: list[SpellFacts] = []
    for state in states:
        spells = follow(spells, state)
    return spells


def file_facts(case: Case) -> FileFacts | None:
    """The file's facts before a change (read after the case's row lock: its spells change only
    under it)."""
    if case.category != CaseCategory.HARDSHIP:
        return None
    rows = list(FileSpell.objects.filter(case=case).order_by("id"))
    return FileFacts(
        category=case.category,
        organisation=case.organisation_id,
        tier=case.hardship_level or "",
        spells=tuple(_facts(row) for row in rows),
        latest_id=rows[-1].pk if rows else None,
    )


def _facts(row: FileSpell) -> SpellFacts:
    return SpellFacts(row.returned_on, row.approved_on, row.ended_at, row.ended_as)


def _in_file_years(spells: Iterable[SpellFacts]) -> list[tuple[int, int | None]]:
    """The file's years in file at their end, as ranges [from, to) of years (to None: still in
    file), overlapping or touching ranges joined."""
    ranges = []
    for spell in spells:
        if spell.approved_on is None:
            continue
        start = spell.approved_on.year
        end = timezone.localtime(spell.ended_at).year if spell.ended_at else None
        if end is None or end > start:
            ranges.append((start, end))
    joined: list[tuple[int, int | None]] = []
    for start, end in sorted(ranges):
        if joined and (joined[-1][1] is None or joined[-1][1] >= start):
            last_start, last_end = joined[-1]
            wider = None if end is None or last_end is None else max(end, last_end)
            joined[-1] = (last_start, wider)
        else:
            joined.append((start, end))
    return joined


def file_contributions(facts: FileFacts | None) -> dict[FileKey, FileValues]:
    """The file's +1s: entered in the year its time in file began and departed in the year it
    ended (a spell ended in the year of its approval counts in no year's end), new in the year a
    first approval (not a return's) was given, exited, withdrawn or returned in the year of that
    move. At most one per figure and year: the list behind a figure lists the file once."""
    if facts is None or facts.category != CaseCategory.HARDSHIP:
        return {}
    counts: dict[FileKey, list[int]] = defaultdict(lambda: [0] * len(FileTally.VALUES))

    def mark(year: int, value: int) -> None:
        counts[(year, facts.organisation, facts.tier)][value] = 1

    for start, end in _in_file_years(facts.spells):
        mark(start, ENTERED)
        if end is not None:
            mark(end, DEPARTED)
    for spell in facts.spells:
        if spell.approved_on is not None and spell.returned_on is None:
            mark(spell.approved_on.year, NEW)
        if spell.ended_as in CLOSED_AS and spell.ended_at is not None:
            mark(timezone.localtime(spell.ended_at).year, CLOSED_AS[spell.ended_as])
        if spell.returned_on is not None:
            mark(spell.returned_on.year, RETURNED)
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


def save_file(locked: Case, before: FileFacts | None, update_fields: list[str]) -> None:
    """Save a locked case's `update_fields`, move its latest spell with it (or begin the next)
    and its tallies from `before` to now."""
    locked.save(update_fields=update_fields)
    if before is None:
        return
    spells = follow(before.spells, locked)
    latest = spells[-1]
    values = {
        "returned_on": latest.returned_on,
        "approved_on": latest.approved_on,
        "ended_at": latest.ended_at,
        "ended_as": latest.ended_as,
    }
    if before.latest_id is None or len(spells) > len(before.spells):
        FileSpell.objects.create(case=locked, **values)
    elif latest != before.spells[-1]:
        FileSpell.objects.filter(pk=before.latest_id).update(**values)
    after = replace(
        before,
        organisation=locked.organisation_id,
        tier=locked.hardship_level or "",
        spells=tuple(spells),
    )
    record_file_moves([(before, after)])


def record_new_file(case: Case) -> None:
    """A case just created: its spell written and its contribution added."""
    if case.category != CaseCategory.HARDSHIP:
        return
    spell = spell_from_fields(case)
    FileSpell.objects.create(case=case, **spell.__dict__)
    facts = FileFacts(case.category, case.organisation_id, case.hardship_level or "", (spell,))
    record_file_moves([(None, facts)])


def record_files_from_history() -> int:
    """Spells for the hardship files written past the services (the demo's bulk fill, with its
    history): each file's history rows walked oldest first, as the services would have moved its
    spells; a file without history gets its latest spell from its fields. Returns the files."""
    missing = Case.objects.filter(category=CaseCategory.HARDSHIP).exclude(
        Exists(FileSpell.objects.filter(case=OuterRef("pk")))
    )
    rows = (
        Case.history.filter(id__in=missing.values("id"))
        .order_by("id", "history_date", "history_id")
        .iterator(chunk_size=10_000)
    )
    spells = [
        FileSpell(case_id=case_id, **spell.__dict__)
        for case_id, states in groupby(rows, key=lambda r: r.id)
        for spell in spells_from_history(states)
    ]
    FileSpell.objects.bulk_create(spells, batch_size=2000)
    bare = [FileSpell(case_id=c.pk, **spell_from_fields(c).__dict__) for c in missing]
    FileSpell.objects.bulk_create(bare, batch_size=2000)
    return len({s.case_id for s in spells}) + len(bare)


# Rebuilding from the spells -----------------------------------------------------------------


def expected_file_tallies() -> dict[FileKey, FileValues]:
    """Every hardship file's contribution summed, its spells read in chunks in the files' order
    (the million cases of a city are three hundred thousand files, summed in Python once per
    rebuild)."""
    totals: dict[FileKey, list[int]] = defaultdict(lambda: [0] * len(FileTally.VALUES))
    rows = (
        FileSpell.objects.filter(case__category=CaseCategory.HARDSHIP)
        .values_list(
            "case_id",
            "case__organisation_id",
            "case__hardship_level",
            "returned_on",
            "approved_on",
            "ended_at",
            "ended_as",
        )
        .order_by("case_id", "id")
    )
    for (_, organisation, tier), spells in groupby(
        rows.iterator(chunk_size=10_000), key=lambda r: r[:3]
    ):
        facts = FileFacts(
            CaseCategory.HARDSHIP, organisation, tier, tuple(SpellFacts(*r[3:]) for r in spells)
        )
        for key, values in file_contributions(facts).items():
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
    """Empty the table and fill it from the spells, in one transaction (a file changing
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

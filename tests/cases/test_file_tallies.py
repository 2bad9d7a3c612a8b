"""The file tallies (`cases.FileTally`) follow every service that changes a file: after each
step they equal the files recounted one by one, and so does the statistics page that reads them."""

import datetime
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, FileTally
from cases.services import (
    approve_file,
    change_file_tier,
    close_case,
    exit_file,
    reopen_case,
    start_publicity,
)
from cases.services.file_tallies import (
    file_differences,
    file_facts,
    spells_from_history,
    stored_file_tallies,
)

from .factories import hardship_case, person_in, visit
from .test_hardship_file import application, publicised

pytestmark = pytest.mark.django_db


def _recount(year: int) -> dict:
    """The page's file figures recounted in Python from each file's history rows (a row per
    save, stamped with the clock of the step), never from its spells or its current fields:
    in file at a moment = its last row before then is in file; new = taken into the file, not
    after a 返困; 脱困 / 退档 = closed at that stage; 返困 = reopened after 脱困. Once per file."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    counted = {"new": set(), "exited": set(), "withdrawn": set(), "returned": set()}
    in_file_at_end: dict[str, int] = dict.fromkeys(("deep", "relative", "accident"), 0)
    due = 0
    for case in Case.objects.filter(category="hardship"):
        rows = list(case.history.order_by("history_date", "history_id"))

        def in_file_at(moment, rows=rows) -> bool:
            before = [r for r in rows if r.history_date < moment]
            return bool(before) and before[-1].file_stage == "in_file"

        after_return = False
        for prev, row in zip([None, *rows], rows, strict=False):
            happened: str | None = None
            if prev is not None and prev.closed_at is not None and row.closed_at is None:
                after_return = prev.file_stage == "exited"
                happened = "returned" if after_return else None
            elif row.file_stage == "in_file" and (prev is None or prev.file_stage != "in_file"):
                happened = None if after_return else "new"
            elif row.closed_at is not None and (prev is None or prev.closed_at is None):
                happened = row.file_stage if row.file_stage in ("exited", "withdrawn") else None
            if happened and start <= row.history_date < end:
                counted[happened].add(case.pk)
        if in_file_at(end):
            in_file_at_end[case.hardship_level] += 1
        due += in_file_at(start)
    return {"in_file": in_file_at_end, "due": due, **{k: len(v) for k, v in counted.items()}}


def _page(client, year: int) -> dict:
    files = client.get(reverse("figures:statistics"), {"year": year}).context["stats"].files
    names = ("in_file", "new", "exited", "withdrawn", "returned", "due")
    return {name: getattr(files, name) for name in names}


def _agree(client, year: int, **expected) -> None:
    assert file_differences() == []
    page = _page(client, year)
    assert page == _recount(year)
    for name, value in expected.items():
        assert page[name] == value, name


def test_a_file_walked_through_the_services_is_counted_at_every_step(
    client, union_a, officer, leader
):
    year = timezone.localdate().year
    client.force_login(leader)
    other = application(person_in(union_a), officer)  # stays an application: counted nowhere
    _agree(client, year, new=0)

    case = publicised(person_in(union_a), officer)
    _agree(client, year, new=0)
    approve_file(case, by=leader)
    _agree(client, year, new=1, in_file={"deep": 0, "relative": 1, "accident": 0})
    change_file_tier(case, by=officer, hardship_level="deep", reason="重病，调为深度困难")
    _agree(client, year, in_file={"deep": 1, "relative": 0, "accident": 0})
    exit_file(case, by=officer, exit_=True, reason="employed", note="再就业")
    _agree(client, year, new=1, exited=1, in_file={"deep": 0, "relative": 0, "accident": 0})
    _agree(client, year - 1, new=0, exited=0, due=0)
    reopen_case(case, by=officer, reason="再次失业")  # 返困: an application again
    _agree(client, year, new=1, exited=1, returned=1)
    close_case(case, by=officer, reason="moved")
    close_case(other, by=officer, reason="ineligible")
    _agree(client, year, new=1)


def test_rebuild_statistics_names_a_wrong_file_tally_and_repairs_it(union_a, officer, leader):
    approve_file(publicised(person_in(union_a), officer), by=leader)
    call_command("rebuild_statistics", "--check")  # agrees: kept by the services
    FileTally.objects.update(entered=F("entered") + 1)

    with pytest.raises(CommandError, match="1 tally keys differ"):
        call_command("rebuild_statistics", "--check")
    call_command("rebuild_statistics")

    assert file_differences() == []
    call_command("rebuild_statistics", "--check")


def _on(monkeypatch, day: datetime.date) -> None:
    """The clock at 10:00 on `day`, for the services and the history they write."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _taken_into_file(monkeypatch, case, officer, leader, day: datetime.date) -> None:
    """Home visit, seven days' 公示 and the upper level's approval, from `day` on."""
    _on(monkeypatch, day)
    visit(case, officer)
    start_publicity(
        case,
        by=officer,
        starts_on=day + datetime.timedelta(days=1),
        ends_on=day + datetime.timedelta(days=7),
    )
    _on(monkeypatch, day + datetime.timedelta(days=10))
    approve_file(case, by=leader)


def _exit(monkeypatch, case, officer, day: datetime.date) -> None:
    _on(monkeypatch, day)
    exit_file(case, by=officer, exit_=True, reason="employed", note="再就业")


def _reopen(monkeypatch, case, officer, day: datetime.date) -> None:
    _on(monkeypatch, day)
    reopen_case(case, by=officer, reason="再次失业")


def _all_years(client) -> dict:
    return {year: _page(client, year) for year in range(2023, 2028)}


def test_a_file_reopened_years_after_its_exit_leaves_the_past_years_as_they_were(
    client, monkeypatch, union_a, officer, leader
):
    client.force_login(leader)
    _on(monkeypatch, datetime.date(2023, 3, 1))
    case = hardship_case(person_in(union_a), officer)
    _taken_into_file(monkeypatch, case, officer, leader, datetime.date(2023, 3, 1))
    _exit(monkeypatch, case, officer, datetime.date(2024, 6, 1))
    monkeypatch.undo()  # the pages read on today's clock (the session is today's)
    filed = _all_years(client)  # the returns as filed at the end of 2025
    assert filed[2024]["exited"] == 1

    _reopen(monkeypatch, case, officer, datetime.date(2026, 3, 1))
    _taken_into_file(monkeypatch, case, officer, leader, datetime.date(2026, 3, 2))
    monkeypatch.undo()

    for year in (2023, 2024, 2025, 2026):
        _agree(client, year)
    nobody = {"deep": 0, "relative": 0, "accident": 0}
    one = {**nobody, "relative": 1}
    assert (
        _page(client, 2023)
        == filed[2023]
        == dict(in_file=one, new=1, exited=0, withdrawn=0, returned=0, due=0)
    )
    assert (
        _page(client, 2024)
        == filed[2024]
        == dict(in_file=nobody, new=0, exited=1, withdrawn=0, returned=0, due=1)
    )
    assert (
        _page(client, 2025)
        == filed[2025]
        == dict(in_file=nobody, new=0, exited=0, withdrawn=0, returned=0, due=0)
    )
    # Only the reopening year shows the 返困; the second approval is not a new file.
    assert _page(client, 2026) == dict(in_file=one, new=0, exited=0, withdrawn=0, returned=1, due=0)
    assert _listed(client, 2024, "exited") == _listed(client, 2026, "returned") == [case.pk]
    assert _listed(client, 2025, "in_file") == []
    assert _listed(client, 2026, "in_file") == [case.pk]


def _returned_twice(monkeypatch, union, officer, leader):
    """In file 2023, 脱困 2024, 返困 and in file again 2025, 脱困 2025, 返困 2026."""
    _on(monkeypatch, datetime.date(2023, 3, 1))
    case = hardship_case(person_in(union), officer)
    _taken_into_file(monkeypatch, case, officer, leader, datetime.date(2023, 3, 1))
    _exit(monkeypatch, case, officer, datetime.date(2024, 6, 1))
    _reopen(monkeypatch, case, officer, datetime.date(2025, 2, 1))
    _taken_into_file(monkeypatch, case, officer, leader, datetime.date(2025, 2, 2))
    _exit(monkeypatch, case, officer, datetime.date(2025, 9, 1))
    _reopen(monkeypatch, case, officer, datetime.date(2026, 4, 1))
    monkeypatch.undo()
    return case


def test_two_returns_in_two_years_count_once_in_each(client, monkeypatch, union_a, officer, leader):
    client.force_login(leader)
    case = _returned_twice(monkeypatch, union_a, officer, leader)

    for year in (2024, 2025, 2026):
        _agree(client, year)
    pages = _all_years(client)
    assert [pages[y]["returned"] for y in (2024, 2025, 2026)] == [0, 1, 1]
    assert [pages[y]["exited"] for y in (2024, 2025, 2026)] == [1, 1, 0]
    assert _listed(client, 2025, "returned") == _listed(client, 2026, "returned") == [case.pk]
    case.refresh_from_db()
    assert case.return_count == 2
    # The data migration's rebuild from the history gives the spells the services wrote.
    rows = case.history.order_by("history_date", "history_id")
    assert spells_from_history(rows) == list(file_facts(case).spells)


def _listed(client, year: int, figure: str) -> list[int]:
    response = client.get(reverse("figures:files"), {"year": year, "figure": figure})
    return [c.pk for c in response.context["page"]]


def test_the_data_migration_writes_the_spells_and_tallies_the_services_keep(
    monkeypatch, union_a, officer, leader
):
    """`0013_file_spells` on files that were there before it: one never reopened (read from its
    fields) and one reopened twice (walked from its history)."""
    from django.apps import apps
    from django.db import connection

    from cases.models import FileSpell

    create_spells = import_module("cases.migrations.0013_file_spells").create_spells
    _returned_twice(monkeypatch, union_a, officer, leader)
    _on(monkeypatch, datetime.date(2025, 1, 5))
    exited = hardship_case(person_in(union_a), officer)
    _taken_into_file(monkeypatch, exited, officer, leader, datetime.date(2025, 1, 5))
    _exit(monkeypatch, exited, officer, datetime.date(2026, 1, 5))
    monkeypatch.undo()
    approve_file(publicised(person_in(union_a), officer), by=leader)
    columns = ("case_id", "returned_on", "approved_on", "ended_at", "ended_as")
    spells = list(FileSpell.objects.order_by("case_id", "id").values_list(*columns))
    tallies = stored_file_tallies()
    FileSpell.objects.all().delete()
    FileTally.objects.update(returned=0)

    create_spells(apps, SimpleNamespace(connection=connection))

    assert list(FileSpell.objects.order_by("case_id", "id").values_list(*columns)) == spells
    assert stored_file_tallies() == tallies
    assert file_differences() == []

"""The file tallies (`cases.FileTally`) follow every service that changes a file: after each
step they equal the files recounted one by one, and so does the statistics page that reads them."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, FileTally
from cases.services import approve_file, change_file_tier, close_case, exit_file, reopen_case
from cases.services.file_tallies import file_differences

from .factories import person_in
from .test_hardship_file import application, publicised

pytestmark = pytest.mark.django_db
ONCE_IN_FILE = ("in_file", "exited", "withdrawn")


def _recount(year: int) -> dict:
    """The page's file figures from `Case.objects.all()`, in Python, by the brief's rules."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    files = [c for c in Case.objects.all() if c.category == "hardship"]

    def in_file_at(moment, tier=None) -> int:
        return sum(
            1
            for c in files
            if c.file_stage in ONCE_IN_FILE
            and c.file_approved_on is not None
            and c.file_approved_on < timezone.localdate(moment)
            and (c.closed_at is None or c.closed_at >= moment)
            and tier in (None, c.hardship_level)
        )

    def closed(stage) -> int:
        return sum(
            1 for c in files if c.file_stage == stage and c.closed_at and start <= c.closed_at < end
        )

    return {
        "in_file": {t: in_file_at(end, t) for t in ("deep", "relative", "accident")},
        "new": sum(1 for c in files if c.file_approved_on and c.file_approved_on.year == year),
        "exited": closed("exited"),
        "withdrawn": closed("withdrawn"),
        "due": in_file_at(start),
    }


def _page(client, year: int) -> dict:
    files = client.get(reverse("figures:statistics"), {"year": year}).context["stats"].files
    return {name: getattr(files, name) for name in ("in_file", "new", "exited", "withdrawn", "due")}


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
    _agree(client, year, new=1, exited=0)
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

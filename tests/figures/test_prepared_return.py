"""The return PDF stored under its digest and prepared by the worker while the statistics page
is read (figures.returns.pdf_cache): served stored only when it prints exactly the figures of
the download, for the scope that asks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from figures.models import RenderedReturn
from figures.returns import pdf_cache
from figures.tasks import prepare_return

from .pdf_text import pdf_text
from .test_statistics_views import QUERIES

YEAR = 2026


@pytest.fixture
def paid_year(walk):
    walk("paid", paid_on=datetime.date(2026, 2, 3))
    walk("paid", union="b", paid_on=datetime.date(2026, 4, 3))


@pytest.fixture
def preparing(settings):
    """Preparation on (the tests' task backend runs the worker's task inside the page)."""
    settings.RELIEF_PREPARE_RETURNS = True


def issuers(sheets) -> list[str]:
    return [sheet.issuer for sheet in sheets]


def _page(client, **params):
    response = client.get(reverse("figures:statistics"), {"year": YEAR, **params})
    assert response.status_code == 200
    return response


def _pdf(client, **params) -> bytes:
    response = client.get(reverse("figures:return", args=["pdf"]), {"year": YEAR, **params})
    assert response.status_code == 200
    return response.content


def test_the_page_has_its_return_prepared_and_the_download_is_served_stored(
    client, leader, paid_year, preparing, renders, tmp_path
):
    client.force_login(leader)
    _page(client)
    assert issuers(renders) == ["市教科文卫体工会"]  # rendered by the task the page enqueued
    [stored] = RenderedReturn.objects.all()

    content = _pdf(client)
    assert issuers(renders) == ["市教科文卫体工会"]  # the download rendered nothing
    assert content == bytes(stored.content)
    assert "填报单位：市教科文卫体工会" in pdf_text(content, tmp_path, "-layout")

    _page(client)  # read again, figures unchanged: nothing more to prepare
    assert issuers(renders) == ["市教科文卫体工会"] and RenderedReturn.objects.count() == 1


def test_after_a_new_payment_the_page_prepares_the_new_figures_never_the_old_file(
    client, leader, paid_year, walk, preparing, renders, tmp_path
):
    client.force_login(leader)
    _page(client)
    old = _pdf(client)
    walk("paid", paid_on=datetime.date(2026, 7, 3))
    assert _pdf(client) != old  # not prepared: rendered at the download, with the payment
    _page(client)
    assert len(renders) == 2  # the page found that sheet stored
    lines = [line.split() for line in pdf_text(_pdf(client), tmp_path, "-layout").splitlines()]
    assert next(w for w in lines if w[:1] == ["合计"])[1:3] == ["3", "1,500.00"]


def test_an_officers_page_prepares_the_officers_return_only(
    client, officer, union_a, union_b, paid_year, preparing, renders, tmp_path
):
    client.force_login(officer)
    _page(client)
    assert issuers(renders) == [union_a.name]
    text = pdf_text(_pdf(client), tmp_path, "-layout")
    assert f"填报单位：{union_a.name}" in text and union_b.name not in text
    assert issuers(renders) == [union_a.name]


def test_the_leaders_stored_return_is_never_the_officers_download(
    client, leader, officer, union_a, paid_year, preparing, renders, tmp_path
):
    client.force_login(leader)
    _page(client)
    client.force_login(officer)
    text = pdf_text(_pdf(client), tmp_path, "-layout")
    assert issuers(renders) == ["市教科文卫体工会", union_a.name]  # rendered for the officer
    assert "市教科文卫体工会" not in text
    lines = [line.split() for line in text.splitlines()]
    assert next(w for w in lines if w[:1] == ["合计"])[1:3] == ["1", "500.00"]


def test_a_page_read_again_before_the_worker_came_queues_no_second_task(
    client, leader, paid_year, preparing, settings, renders
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(leader)
    _page(client)
    _page(client)
    _page(client, kind="warmth")  # another return: its own task
    waiting = DBTaskResult.objects.filter(task_path="figures.tasks.prepare_return")
    assert [row.args_kwargs["args"] for row in waiting.order_by("enqueued_at")] == [
        [leader.pk, {"year": str(YEAR)}],
        [leader.pk, {"year": str(YEAR), "kind": "warmth"}],
    ]
    assert renders == []  # nothing rendered while the pages were read


def test_the_task_prepares_nothing_for_a_user_who_may_no_longer_see_it(
    leader, officer, union_b, administrator, paid_year, renders
):
    assert prepare_return.call(administrator.pk, {"year": str(YEAR)}) is False  # no such role
    leader.is_active = False
    leader.save()
    assert prepare_return.call(leader.pk, {"year": str(YEAR)}) is False
    # An organisation outside the officer's subtree (moved since the page was read).
    assert (
        prepare_return.call(officer.pk, {"year": str(YEAR), "organisation": str(union_b.pk)})
        is False
    )
    assert issuers(renders) == [] and not RenderedReturn.objects.exists()
    assert prepare_return.call(officer.pk, {"year": str(YEAR)}) is True
    assert prepare_return.call(officer.pk, {"year": str(YEAR)}) is False  # stored already


def test_stored_returns_older_than_two_days_go_as_new_ones_come(client, leader, paid_year):
    old = RenderedReturn.objects.create(
        digest="0" * 64, content=b"%PDF", pages=1, rendered_at=timezone.now() - pdf_cache.KEEP
    )
    recent = RenderedReturn.objects.create(
        digest="1" * 64, content=b"%PDF", pages=1, rendered_at=timezone.now()
    )
    client.force_login(leader)
    _pdf(client)  # renders and stores the leader's: the old row goes, the recent one stays
    assert RenderedReturn.objects.count() == 2
    assert not RenderedReturn.objects.filter(pk=old.pk).exists()
    assert RenderedReturn.objects.filter(pk=recent.pk).exists()


def test_the_page_costs_one_query_more_once_its_return_is_stored(
    client, leader, paid_year, preparing, django_assert_num_queries
):
    client.force_login(leader)
    _page(client)  # prepares it (where not stored, one query more enqueues the worker's task)
    with django_assert_num_queries(QUERIES + 1):  # is it stored?
        _page(client)

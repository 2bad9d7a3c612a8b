"""Keyset pagination: every row exactly once, in order, forwards and backwards, at any depth."""

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Person
from core import paging
from core.paging import decode_cursor, encode_cursor, keyset_page
from tests.factories import PersonFactory

ORDER = ("organisation_id", "name", "id")
rf = RequestFactory()


def _walk_forward(queryset, size, ids_first=False):
    pages, url = [], "/"
    while True:
        page = keyset_page(rf.get(url), queryset, ORDER, size, ids_first=ids_first)
        pages.append(page)
        if not page.has_next:
            return pages
        url = "/" + page.next_url


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(st.sampled_from(["王", "李", "张三", "Ann", "ann"]), min_size=0, max_size=23),
    size=st.integers(min_value=1, max_value=7),
    ids_first=st.booleans(),
)
def test_walking_the_pages_yields_every_row_once_in_order(union_a, union_b, names, size, ids_first):
    """Also with the page's ids read first (`ids_first`): the rows then come back by id and
    must be put back in the list's order."""
    Person.objects.all().delete()
    for i, name in enumerate(names):
        PersonFactory(name=name, organisation=union_a if i % 3 else union_b)
    queryset = Person.objects.all()
    expected = list(queryset.order_by(*ORDER))

    pages = _walk_forward(queryset, size, ids_first)
    assert [p for page in pages for p in page] == expected
    assert [page.number for page in pages] == list(range(1, len(pages) + 1))
    assert not pages[0].has_previous
    assert all(page.count == len(expected) for page in pages)

    # and back again from the last page, through the previous links
    url, seen = None, []
    page = pages[-1]
    while page.has_previous:
        url = "/" + page.previous_url
        page = keyset_page(rf.get(url), queryset, ORDER, size, ids_first=ids_first)
        seen.append(page)
    assert [p.object_list for p in seen] == [p.object_list for p in pages[-2::-1]]


@pytest.mark.django_db
def test_descending_orders_and_dates_round_trip(union_a):
    people = PersonFactory.create_batch(5, organisation=union_a)
    order = ("-birth_date", "-id")
    queryset = Person.objects.all()
    first = keyset_page(rf.get("/"), queryset, order, 2)
    second = keyset_page(rf.get("/" + first.next_url), queryset, order, 2)
    expected = sorted(people, key=lambda p: (p.birth_date, p.pk), reverse=True)
    assert first.object_list + second.object_list == expected[:4]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["?after=%00zz", "?after=e30", "?before=W1sidiIsW11dXQ", "?n=abc&after=", "?n=-5"]
)
def test_malformed_cursors_show_the_first_page(union_a, query):
    PersonFactory.create_batch(3, organisation=union_a)
    page = keyset_page(rf.get("/" + query), Person.objects.all(), ORDER, 2)
    assert page.number == 1 and not page.has_previous and len(page) == 2


def test_cursors_refuse_values_that_are_not_plain():
    assert decode_cursor(encode_cursor((1, "名", 3)), 3) == (1, "名", 3)
    assert decode_cursor(encode_cursor((1, "名", 3)), 2) is None
    forged = encode_cursor(({"__class__": "x"},))  # a dict is not a column value
    assert decode_cursor(forged, 1) is None


@pytest.mark.django_db
def test_the_count_is_capped(union_a, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    PersonFactory.create_batch(6, organisation=union_a)
    page = keyset_page(rf.get("/"), Person.objects.all(), ORDER, 2)
    assert page.count == 4 and page.count_is_capped


@pytest.mark.django_db
def test_a_count_the_caller_has_is_used_exactly_and_not_asked_again(
    union_a, monkeypatch, django_assert_num_queries
):
    """A figure's list counts its rows with its total: the page shows that count, uncapped,
    and asks only for its rows."""
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    PersonFactory.create_batch(6, organisation=union_a)
    with django_assert_num_queries(1):
        page = keyset_page(rf.get("/"), Person.objects.all(), ORDER, 2, count=6)
    assert (page.count, page.count_is_capped, len(page), page.has_next) == (6, False, 2, True)


@pytest.mark.django_db
def test_filters_stay_in_the_page_links_and_paging_parameters_do_not_pile_up(union_a):
    PersonFactory.create_batch(5, organisation=union_a)
    first = keyset_page(rf.get("/?q=张&page=3"), Person.objects.all(), ORDER, 2)
    assert first.next_url.startswith("?q=%E5%BC%A0&after=")
    second = keyset_page(rf.get("/" + first.next_url), Person.objects.all(), ORDER, 2)
    assert second.next_url.count("after=") == 1 and "n=3" in second.next_url
    assert second.previous_url == "?q=%E5%BC%A0"


@pytest.mark.django_db
def test_a_cursor_with_values_of_the_wrong_type_shows_the_first_page(client, finance, union_a):
    """A hand-made cursor (text where the column is a number or a date) is not a server error."""
    PersonFactory.create_batch(3, organisation=union_a)
    forged = encode_cursor(("abc", "王", "x"))
    page = keyset_page(rf.get("/", {"after": forged}), Person.objects.all(), ORDER, 2)
    assert page.number == 1 and len(page) == 2
    dated = encode_cursor(("not a date", 1))
    page = keyset_page(
        rf.get("/", {"before": dated}), Person.objects.all(), ("-birth_date", "-id"), 2
    )
    assert page.number == 1 and len(page) == 2
    client.force_login(finance)
    assert client.get("/people/", {"after": forged, "n": "9"}).status_code == 200


@pytest.mark.django_db
def test_a_stale_cursor_past_the_end_shows_the_first_page(union_a):
    people = PersonFactory.create_batch(3, organisation=union_a)
    last = max(people, key=lambda p: (p.organisation_id, p.name, p.pk))
    stale = encode_cursor((last.organisation_id, last.name, last.pk))
    page = keyset_page(rf.get("/", {"after": stale, "n": "4"}), Person.objects.all(), ORDER, 2)
    assert page.number == 1 and len(page) == 2 and page.has_next and not page.has_previous

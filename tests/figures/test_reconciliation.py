"""Every figure of the statistics, computed again one payment and one file at a time, to the fen.

The expected figures are sums over `Payment.objects.all()` in Python with the brief's rule
(paid minus reversed, a reversal counted in the period of the reversal), never the page's SQL;
then every figure's link is followed and the list's own total compared to the figure.
"""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import FileStage
from payments.models import Payment
from payments.selectors import COMMITTED_UNPAID
from tests.audit_helpers import assert_audit_intact
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory
from tests.payments.factories import CampaignFactory

from .conftest import at

YEAR = 2026
START, END = at(datetime.date(YEAR, 1, 1), 0), at(datetime.date(YEAR + 1, 1, 1), 0)


def _expected(predicate=lambda p: True, start=START, end=END) -> dict:
    payments = [p for p in Payment.objects.select_related("campaign", "case") if predicate(p)]
    paid = [p for p in payments if p.status in ("paid", "reversed") and start <= p.paid_at < end]
    back = [p for p in payments if p.status == "reversed" and start <= p.reversed_at < end]
    pending = [p for p in payments if p.status in COMMITTED_UNPAID and p.year == YEAR]
    return {
        "paid_n": len(paid),
        "paid": sum((p.amount for p in paid), Decimal("0.00")),
        "reversed_n": len(back),
        "reversed": sum((p.amount for p in back), Decimal("0.00")),
        "pending_n": len(pending),
        "pending": sum((p.amount for p in pending), Decimal("0.00")),
    }


def _figures(money) -> dict:
    return {name: getattr(money, name) for name in _expected(lambda p: False)}


@pytest.fixture
def year_of_money(walk, federation, union_a, union_b, officer, administrator):
    """Payments in every state, two unions and a sub-union, three kinds, two sources, tiers,
    and a reversal across the turn of the year."""
    school_branch = OrganisationFactory(
        code="EDU01-1", name="第一中学分会", parent=union_a, sector="education"
    )
    frontline = CampaignFactory(
        organisation=federation,
        created_by=administrator,
        kind="frontline",
        funding_source="own",
        budget="50000.00",
        standards=[("hardship", "", Decimal("600.00")), ("frontline", "", Decimal("700.00"))],
    )
    day = datetime.date
    walk("paid", paid_on=day(2026, 1, 20), hardship_level="deep")
    walk("paid", paid_on=day(2026, 3, 2))
    walk("paid", union="b", paid_on=day(2026, 3, 31), hardship_level="accident")
    walk("paid", union="b", paid_on=day(2025, 12, 30))  # last year: not in 2026
    walk("reversed", paid_on=day(2025, 12, 20), reversed_on=day(2026, 1, 3))  # −500 in 2026
    walk("reversed", union="b", paid_on=day(2026, 2, 1), reversed_on=day(2026, 6, 1))
    walk("reversed", paid_on=day(2026, 11, 1), reversed_on=day(2027, 1, 2))  # +500 in 2026
    walk("paid", campaign=frontline, paid_on=day(2026, 7, 7))
    walk("paid", campaign=frontline, union="b", paid_on=day(2026, 7, 8), hardship_level="deep")
    walk("approved")
    walk("in_batch", union="b")
    walk("failed", campaign=frontline)
    walk("submitted")
    walk("rejected", union="b")
    walk("draft")
    person = PersonFactory(organisation=school_branch)
    case = CaseFactory(person=person, organisation=school_branch, opened_by=officer)
    walk("paid", case=case, paid_on=day(2026, 9, 9))
    return {"branch": school_branch, "frontline": frontline}


def _list_total(client, url: str, query: str) -> dict:
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return _figures(response.context["total"])


def test_every_money_figure_reconciles_with_the_payments_one_by_one(
    client, leader, year_of_money, union_a, union_b
):
    client.force_login(leader)
    response = client.get(reverse("figures:statistics"), {"year": YEAR})
    stats = response.context["stats"]
    url = reverse("figures:payments")

    assert _figures(stats.total.money) == _expected()
    # Paid in 2026: 800 + 500 + 400 + 500 + 500 + 600 + 600 + 500; reversed in 2026: 500 + 500.
    assert (stats.total.money.paid, stats.total.money.reversed) == (
        Decimal("4400.00"),
        Decimal("1000.00"),
    )

    unions = {row.label: row for row in stats.by_union}
    assert set(unions) == {union_a.name, union_b.name}
    assert _figures(unions[union_a.name].money) == _expected(
        lambda p: p.organisation.path.startswith(union_a.path)
    )
    assert _figures(unions[union_b.name].money) == _expected(lambda p: p.organisation == union_b)

    sectors = {row.label: row for row in stats.by_sector}
    assert _figures(sectors["教育"].money) == _expected(
        lambda p: p.organisation.sector == "education"
    )
    assert _figures(sectors["卫生"].money) == _expected(lambda p: p.organisation.sector == "health")

    for row in stats.by_kind_source_tier:
        params = parse_qs(row.links["net"])
        kind, source, tier = params["kind"][0], params["source"][0], params["tier"][0]
        item = params["item"][0]
        assert _figures(row.money) == _expected(
            lambda p, kind=kind, source=source, tier=tier, item=item: (
                p.campaign.kind == kind
                and (p.assistance_item or "none") == item
                and p.campaign.funding_source == source
                and (p.case.hardship_level or "none") == tier
            )
        ), row.label

    for row in stats.months:
        month = int(parse_qs(row.links["net"])["month"][0])
        start = at(datetime.date(YEAR, month, 1), 0)
        end = at(datetime.date(YEAR + month // 12, month % 12 + 1, 1), 0)
        want = _expected(start=start, end=end)
        assert (row.money.paid, row.money.reversed) == (want["paid"], want["reversed"]), row.label

    campaigns_total = sum((row.money.net for row in stats.campaigns), Decimal("0.00"))
    assert campaigns_total == stats.total.money.net

    # Every figure's link lists exactly what the figure counts.
    rows = [stats.total, *stats.by_union, *stats.by_sector, *stats.by_kind_source_tier]
    rows += [*stats.months, *stats.campaigns]
    for row in rows:
        for movement in ("paid", "reversed", "net", "pending"):
            if movement == "pending" and "month=" in row.links[movement]:
                continue  # approved-not-paid has no month: the monthly rows show none
            listed = _list_total(client, url, row.links[movement])
            for key in OWN_FIGURES[movement]:
                assert listed[key] == getattr(row.money, key), (row.label, movement, key)
    assert_audit_intact()


OWN_FIGURES = {
    "paid": ("paid_n", "paid"),
    "reversed": ("reversed_n", "reversed"),
    "net": ("paid_n", "paid", "reversed_n", "reversed"),
    "pending": ("pending_n", "pending"),
}


def test_a_money_list_counts_its_rows_and_the_kept_list_its_people(client, leader, year_of_money):
    """The list's page count is its exact number of payments (read with its total), and the
    distinct people, shown beside the kept figure only, are counted there only."""
    payments = list(Payment.objects.all())

    def in_year(moment) -> bool:
        return moment is not None and START <= moment < END

    net = [
        p
        for p in payments
        if (p.status in ("paid", "reversed") and in_year(p.paid_at))
        or (p.status == "reversed" and in_year(p.reversed_at))
    ]
    kept = [p for p in payments if p.status == "paid" and in_year(p.paid_at)]
    client.force_login(leader)
    url = reverse("figures:payments")
    response = client.get(url, {"year": YEAR, "figure": "net"})
    assert (response.context["page"].count, response.context["people"]) == (len(net), None)
    response = client.get(url, {"year": YEAR, "figure": "kept"})
    assert response.context["page"].count == len(kept)
    assert response.context["people"] == len({p.person_id for p in kept}) > 0
    assert f"{len({p.person_id for p in kept})} 人" in response.content.decode()


def test_a_reversal_is_subtracted_in_the_period_of_the_reversal(client, leader, walk):
    walk("reversed", paid_on=datetime.date(2025, 12, 20), reversed_on=datetime.date(2026, 1, 3))
    client.force_login(leader)
    last = client.get(reverse("figures:statistics"), {"year": 2025}).context["stats"]
    this = client.get(reverse("figures:statistics"), {"year": 2026}).context["stats"]
    assert (last.total.money.net_n, last.total.money.net) == (1, Decimal("500.00"))
    assert (this.total.money.net_n, this.total.money.net) == (-1, Decimal("-500.00"))
    january = this.months[0].money
    assert (january.paid, january.reversed, january.net) == (
        Decimal("0.00"),
        Decimal("500.00"),
        Decimal("-500.00"),
    )


def test_an_officer_counts_nothing_outside_the_subtree(
    client, officer, year_of_money, union_a, union_b
):
    client.force_login(officer)
    stats = client.get(reverse("figures:statistics"), {"year": YEAR}).context["stats"]
    inside = lambda p: p.organisation.path.startswith(union_a.path)  # noqa: E731
    assert _figures(stats.total.money) == _expected(inside)
    labels = {row.label for row in stats.by_union}
    assert union_b.name not in labels
    assert all(union_b.name not in row.label for row in stats.allocations)
    listed = client.get(reverse("figures:payments"), {"year": YEAR, "figure": "net"})
    assert {p.organisation_id for p in listed.context["page"]} <= {
        union_a.pk,
        year_of_money["branch"].pk,
    }
    # The other union is out of scope: as a filter it is a 404, not an empty page.
    for name in ("figures:statistics", "figures:payments", "figures:files", "figures:visits"):
        assert client.get(reverse(name), {"organisation": union_b.pk}).status_code == 404


def _file(union, officer, **fields):
    person = PersonFactory(organisation=union)
    return CaseFactory(person=person, organisation=union, opened_by=officer, **fields)


def test_file_figures_reconcile_with_the_files_one_by_one(client, leader, officer, union_a):
    from cases.models import Case

    day = datetime.date
    now = timezone.now()
    _file(union_a, officer, hardship_level="deep", file_approved_on=day(2025, 5, 1))
    _file(union_a, officer, hardship_level="relative", file_approved_on=day(2026, 4, 1))
    _file(union_a, officer, hardship_level="accident", file_approved_on=day(2026, 8, 1))
    _file(
        union_a,
        officer,
        hardship_level="deep",
        file_approved_on=day(2024, 5, 1),
        file_stage=FileStage.EXITED,
        status="closed",
        closing_reason="resolved",
        closed_at=at(day(2026, 6, 30)),
    )
    _file(
        union_a,
        officer,
        hardship_level="relative",
        file_approved_on=day(2024, 5, 1),
        file_stage=FileStage.WITHDRAWN,
        status="closed",
        closing_reason="ineligible",
        closed_at=at(day(2025, 6, 30)),
    )
    _file(union_a, officer, category="frontline")  # not a hardship file
    assert now  # the clock is not moved: files are dated by their own fields
    client.force_login(leader)
    files = client.get(reverse("figures:statistics"), {"year": YEAR}).context["stats"].files

    hardship = [c for c in Case.objects.all() if c.category == "hardship"]
    end = at(day(YEAR + 1, 1, 1), 0)
    in_file = [
        c
        for c in hardship
        if c.file_approved_on <= day(YEAR, 12, 31) and (c.closed_at is None or c.closed_at >= end)
    ]
    assert files.in_file == {
        level: sum(1 for c in in_file if c.hardship_level == level)
        for level in ("deep", "relative", "accident")
    }
    assert files.new == sum(1 for c in hardship if c.file_approved_on.year == YEAR)
    assert files.exited == 1
    assert files.withdrawn == 0  # withdrawn in 2025
    assert files.due == 2  # in file on 1 January 2026: the 2025 file and the one exited in June

    url = reverse("figures:files")
    for figure, count in (("in_file", files.in_file_total), ("new", 2), ("exited", 1)):
        response = client.get(url, {"year": YEAR, "figure": figure})
        assert response.context["page"].count == count, figure
    response = client.get(url, {"year": YEAR, "figure": "in_file", "tier": "deep"})
    assert response.context["page"].count == files.in_file["deep"]

"""Allocations (下拨): the budget given to unions, and approvals stopping at a union's share."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from payments import services
from payments.exceptions import AllocationExceeded, AllocationInvalid, NotPermitted
from payments.models import Allocation, Payment, PaymentStatus
from payments.selectors_allocations import allocation_rows, allocations_visible_to
from payments.services import CampaignInvalid
from tests.factories import OrganisationFactory, make_user

from .factories import case_in
from .helpers import assert_unchanged, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(union_a):
    """A sub-union of union A: its payments draw on union A's allocation."""
    return OrganisationFactory(code="EDU01-1", name="第一中学初中部工会", parent=union_a)


def allocate(campaign, union, by, amount, places=10):
    return services.allocate_campaign(campaign, union, by=by, amount=amount, places=places)


def submitted(campaign, union, officer, amount=None):
    payment = services.draft_payment(
        case_in(union, officer=officer),
        campaign,
        by=officer,
        amount=amount,
        justification="按实际困难调整" if amount else "",
    )
    return services.submit_payment(payment, by=officer)


def test_allocations_are_kept_with_who_and_why(campaign, union_a, union_b, administrator):
    a = allocate(campaign, union_a, administrator, "6000.00", places=12)
    allocate(campaign, union_b, administrator, "4000", places=8)
    assert a.amount == Decimal("6000.00") and a.places == 12
    entry = a.history.latest()
    assert entry.history_user == administrator and entry.history_change_reason == "下拨经费和名额"
    changed = allocate(campaign, union_a, administrator, "5000", places=10)
    assert changed.pk == a.pk and Allocation.objects.count() == 2


def test_allocations_never_add_up_to_more_than_the_budget(
    campaign, union_a, union_b, administrator
):
    allocate(campaign, union_a, administrator, "6000")
    with pytest.raises(AllocationExceeded, match="超过活动预算"):
        allocate(campaign, union_b, administrator, "4000.01")
    assert not Allocation.objects.filter(organisation=union_b).exists()


def test_a_union_and_its_sub_union_cannot_both_be_allocated(campaign, union_a, ward, administrator):
    allocate(campaign, union_a, administrator, "1000")
    with pytest.raises(AllocationInvalid, match="上下级关系"):
        allocate(campaign, ward, administrator, "1000")
    assert Allocation.objects.count() == 1


def test_a_union_outside_the_campaign_is_refused(union_a, union_b, administrator):
    from .factories import CampaignFactory

    own = CampaignFactory(organisation=union_a, created_by=administrator)
    with pytest.raises(AllocationInvalid, match="不在活动"):
        allocate(own, union_b, administrator, "100")


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.FINANCE, Role.LEADER, Role.AUDITOR])
def test_only_an_administrator_allocates(campaign, union_a, federation, role):
    user = make_user(role, federation, username=f"u_{role}")
    with pytest.raises(NotPermitted):
        allocate(campaign, union_a, user, "100")
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("amount", "places", "message"),
    [("-1", 1, "不能为负数"), ("abc", 1, "格式不正确"), ("10", "x", "整数"), ("10", -1, "负数")],
)
def test_bad_figures_are_refused(campaign, union_a, administrator, amount, places, message):
    with pytest.raises(AllocationInvalid, match=message):
        allocate(campaign, union_a, administrator, amount, places)


def test_approval_stops_at_the_unions_allocation(
    campaign, union_a, union_b, officer, finance, administrator, officer_b
):
    allocate(campaign, union_a, administrator, "1000")
    allocate(campaign, union_b, administrator, "5000")
    first = submitted(campaign, union_a, officer)  # 500, the relative-hardship standard
    second = submitted(campaign, union_a, officer, amount="700")
    services.approve_payment(first, by=finance)
    before = snapshot(second)
    with pytest.raises(AllocationExceeded, match="第一中学工会.*余额不足"):
        services.approve_payment(second, by=finance)
    assert_unchanged(second, before)
    # Union B's money is untouched by union A's refusal.
    services.approve_payment(submitted(campaign, union_b, officer_b, amount="900"), by=finance)


def test_places_are_counted_as_well_as_money(campaign, union_a, officer, finance, administrator):
    allocate(campaign, union_a, administrator, "5000", places=1)
    services.approve_payment(submitted(campaign, union_a, officer), by=finance)
    with pytest.raises(AllocationExceeded, match="名额为 1 人"):
        services.approve_payment(submitted(campaign, union_a, officer), by=finance)


def test_a_sub_unions_payments_draw_on_its_unions_allocation(
    campaign, union_a, ward, officer, finance, administrator
):
    allocate(campaign, union_a, administrator, "800")
    services.approve_payment(submitted(campaign, ward, officer), by=finance)
    with pytest.raises(AllocationExceeded):
        services.approve_payment(submitted(campaign, union_a, officer, amount="301"), by=finance)
    [row] = allocation_rows([Allocation.objects.select_related("organisation").get()])
    assert row.approved == Decimal("500.00") and row.places_used == 1


def test_once_allocated_a_union_without_allocation_gets_nothing(
    campaign, union_a, union_b, officer_b, finance, administrator
):
    allocate(campaign, union_a, administrator, "1000")
    payment = submitted(campaign, union_b, officer_b)
    with pytest.raises(AllocationExceeded, match="未向“市人民医院工会”下拨"):
        services.approve_payment(payment, by=finance)


def test_a_campaign_without_allocations_keeps_one_pooled_budget(walk):
    assert walk("approved").status == PaymentStatus.APPROVED


def test_rejected_and_reversed_money_returns_to_the_allocation(
    campaign, union_a, officer, finance, administrator, walk
):
    allocate(campaign, union_a, administrator, "500", places=1)
    walk("reversed")
    services.approve_payment(submitted(campaign, union_a, officer), by=finance)


def test_an_allocation_cannot_go_below_what_is_approved(
    campaign, union_a, officer, finance, administrator
):
    allocate(campaign, union_a, administrator, "1000", places=5)
    services.approve_payment(submitted(campaign, union_a, officer), by=finance)
    with pytest.raises(AllocationInvalid, match="不能低于已审批"):
        allocate(campaign, union_a, administrator, "499.99", places=5)
    with pytest.raises(AllocationInvalid):
        allocate(campaign, union_a, administrator, "1000", places=0)
    assert Allocation.objects.get().amount == Decimal("1000.00")
    with pytest.raises(AllocationInvalid, match="不能撤回"):
        services.remove_allocation(Allocation.objects.get(), by=administrator)


def test_the_budget_cannot_be_lowered_below_the_allocations(campaign, union_a, administrator):
    allocate(campaign, union_a, administrator, "8000")
    campaign.budget = Decimal("7999.99")
    with pytest.raises(CampaignInvalid, match="预算不能低于下拨合计"):
        services.save_campaign(campaign, by=administrator)


def test_bulk_approval_reports_the_allocation_refusal_per_payment(
    client, campaign, union_a, officer, finance, administrator
):
    allocate(campaign, union_a, administrator, "500")
    payments = [submitted(campaign, union_a, officer) for _ in range(2)]
    client.force_login(finance)
    url = reverse("payments:approval_queue")
    client.post(url, {"action": "approve", "payment": [p.pk for p in payments]})
    report = client.get(url).context["report"]
    assert [r["ok"] for r in report] == [True, False]
    assert "余额不足" in report[1]["message"]
    assert Payment.objects.filter(status=PaymentStatus.APPROVED).count() == 1


def test_each_unions_officer_sees_only_its_own_allocation(
    client, campaign, union_a, union_b, ward, officer, finance, administrator
):
    allocate(campaign, union_a, administrator, "3000")
    allocate(campaign, union_b, administrator, "2000")
    ward_officer = make_user(Role.CASE_OFFICER, ward, username="ward_officer")
    assert [a.organisation for a in allocations_visible_to(officer, campaign)] == [union_a]
    assert [a.organisation for a in allocations_visible_to(ward_officer, campaign)] == [union_a]
    assert allocations_visible_to(finance, campaign).count() == 2
    client.force_login(officer)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "第一中学工会" in page and "市人民医院工会" not in page


def test_campaign_page_shows_each_unions_figures_in_a_fixed_number_of_queries(
    client,
    campaign,
    federation,
    union_a,
    officer,
    finance,
    administrator,
    django_assert_num_queries,
):
    allocate(campaign, union_a, administrator, "3000", places=4)
    services.approve_payment(submitted(campaign, union_a, officer), by=finance)
    submitted(campaign, union_a, officer, amount="300")
    client.force_login(finance)
    response = client.get(campaign.get_absolute_url())
    [row] = response.context["allocation_rows"]
    assert (row.submitted, row.approved, row.paid, row.remaining, row.places_used) == (
        Decimal("300.00"),
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("2500.00"),
        1,
    )
    with CaptureQueriesContext(connection) as before:
        client.get(campaign.get_absolute_url())
    for n in range(3):
        other = OrganisationFactory(code=f"X{n}", name=f"新增工会{n}", parent=federation)
        allocate(campaign, other, administrator, "100")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(campaign.get_absolute_url())


def test_the_allocation_page_allocates_and_withdraws(client, campaign, union_a, administrator):
    client.force_login(administrator)
    url = reverse("payments:campaign_allocations", args=[campaign.pk])
    response = client.post(
        url, {"action": "allocate", "organisation": union_a.pk, "amount": "2500", "places": 5}
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    response = client.post(
        url, {"action": "allocate", "organisation": union_a.pk, "amount": "20000", "places": 5}
    )
    assert "超过活动预算" in response.content.decode()
    client.post(url, {"action": "remove", "allocation": allocation.pk})
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("who", ["officer", "finance", "auditor"])
def test_the_allocation_page_is_for_administrators_only(client, campaign, request, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("payments:campaign_allocations", args=[campaign.pk])
    assert client.get(url).status_code == 403


def test_an_administrator_of_a_union_cannot_reach_the_federations_allocations(
    client, campaign, union_a
):
    client.force_login(make_user(Role.ADMINISTRATOR, union_a, username="union_admin"))
    url = reverse("payments:campaign_allocations", args=[campaign.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("bad", ["abc", "²", "99999999999"])
def test_withdrawing_a_junk_allocation_id_is_not_found_and_changes_nothing(
    client, campaign, union_a, administrator, bad
):
    allocate(campaign, union_a, administrator, "2500", places=5)
    client.force_login(administrator)
    url = reverse("payments:campaign_allocations", args=[campaign.pk])
    assert client.post(url, {"action": "remove", "allocation": bad}).status_code == 404
    assert Allocation.objects.count() == 1


def test_the_allocation_page_runs_a_fixed_number_of_queries_whatever_the_number_of_unions(
    client,
    campaign,
    federation,
    union_a,
    officer,
    finance,
    administrator,
    django_assert_num_queries,
):
    allocate(campaign, union_a, administrator, "3000", places=4)
    services.approve_payment(submitted(campaign, union_a, officer), by=finance)
    client.force_login(administrator)
    url = reverse("payments:campaign_allocations", args=[campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(3):
        other = OrganisationFactory(code=f"X{n}", name=f"新增工会{n}", parent=federation)
        allocate(campaign, other, administrator, "100")
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 4
    assert response.context["allocated"] == Decimal("3300.00")

"""The allocation table (下拨表) through the shared upload → preview → confirm flow."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payments import services
from payments.models import Allocation
from tests.factories import OrganisationFactory
from tests.payments.factories import CampaignFactory

from .helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ("单位", "下拨金额", "名额")


@pytest.fixture
def campaign(federation, administrator):
    return CampaignFactory(organisation=federation, created_by=administrator)


def table(*rows) -> bytes:
    return xlsx_bytes([list(r) for r in rows], header=HEADER)


def preview(client, campaign, data, name="下拨表.xlsx"):
    return client.post(
        reverse("payments:allocation_upload", args=[campaign.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_an_xlsx_allocates_every_union_after_a_preview(
    client, campaign, union_a, union_b, administrator
):
    campaign.budget = Decimal("20000")
    campaign.save()
    client.force_login(administrator)
    response = preview(
        client, campaign, table(("EDU01", 6000, 12), ("市人民医院工会", "4000.50", 8))
    )
    assert response.status_code == 200 and response.context["error_count"] == 0
    assert response.context["summary"]["total_amount"] == "10000.50"
    assert not Allocation.objects.exists()  # the preview writes nothing
    client.post(
        reverse("payments:allocation_confirm", args=[campaign.pk]),
        {"token": response.context["upload"].token},
    )
    got = dict(Allocation.objects.values_list("organisation__code", "amount"))
    assert got == {"EDU01": Decimal("6000.00"), "HEA01": Decimal("4000.50")}
    entry = Allocation.objects.get(organisation=union_a).history.latest()
    assert entry.history_user == administrator and entry.history_change_reason == "导入下拨表"


def test_a_table_that_moves_money_between_unions_is_applied_lowering_first(
    campaign, union_a, union_b, administrator
):
    from payments.transfers.allocations import import_allocations

    services.allocate_campaign(campaign, union_a, by=administrator, amount="9000", places=9)
    data = csv_bytes(
        [
            {"单位": "HEA01", "下拨金额": "8000", "名额": "8"},
            {"单位": "EDU01", "下拨金额": "2000", "名额": "2"},
        ],
        header=HEADER,
    )
    result = import_allocations(data, campaign, by=administrator)
    assert not result.errors
    got = dict(Allocation.objects.values_list("organisation__code", "amount"))
    assert got == {"EDU01": Decimal("2000.00"), "HEA01": Decimal("8000.00")}


def test_every_problem_is_named_by_row_and_column_and_nothing_is_allocated(
    client, campaign, union_a, administrator
):
    OrganisationFactory(code="OUT", name="外单位")
    client.force_login(administrator)
    response = preview(
        client,
        campaign,
        table(("EDU01", 100, 1), ("EDU01", 100, 1), ("OUT", 100, 1), ("", -5, "两个")),
    )
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {(3, "单位"), (4, "单位"), (5, "单位"), (5, "下拨金额"), (5, "名额")}
    assert not Allocation.objects.exists()


def test_a_table_over_the_budget_or_with_overlapping_unions_is_refused(
    campaign, union_a, administrator
):
    from payments.transfers.allocations import check_allocation_file

    ward = OrganisationFactory(code="EDU01-1", name="初中部工会", parent=union_a)
    over = check_allocation_file(table(("EDU01", 10000.01, 1)), campaign)
    assert [(e.row, e.column) for e in over.errors] == [(2, "单位")]
    assert "超过活动预算" in over.errors[0].message
    overlap = check_allocation_file(table(("EDU01", 100, 1), (ward.code, 100, 1)), campaign)
    assert overlap.errors and "上下级关系" in overlap.errors[0].message


@pytest.mark.parametrize("who", ["officer", "finance", "auditor"])
def test_only_administrators_import_allocations(client, campaign, request, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("payments:allocation_upload", args=[campaign.pk])
    assert client.get(url).status_code in (403, 404)


@pytest.mark.parametrize(
    "amount, places, column",
    [("NaN", 1, "下拨金额"), ("-nan", 1, "下拨金额"), (100, "99999999999", "名额")],
)
def test_a_cell_that_is_no_amount_or_too_many_places_is_named_and_nothing_is_written(
    campaign, union_a, administrator, amount, places, column
):
    """`NaN` used to pass the parse and crash on the comparison (HTTP 500); a place count past
    the database's integer passed the check and overflowed on PostgreSQL when applied."""
    from payments.transfers.allocations import import_allocations

    result = import_allocations(table(("EDU01", amount, places)), campaign, by=administrator)
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert not Allocation.objects.exists()


def test_a_table_that_lowers_a_union_below_what_is_approved_is_refused(
    campaign, union_a, officer, finance, administrator
):
    from payments.transfers.allocations import import_allocations
    from tests.payments.factories import case_in

    services.allocate_campaign(campaign, union_a, by=administrator, amount="3000", places=3)
    payment = services.draft_payment(
        case_in(union_a, officer=officer), campaign, by=officer, amount="800", justification="重病"
    )
    services.approve_payment(services.submit_payment(payment, by=officer), by=finance)
    result = import_allocations(table(("EDU01", 799, 3)), campaign, by=administrator)
    assert [(e.row, e.column) for e in result.errors] == [(2, "单位")]
    assert "不能低于已审批" in result.errors[0].message
    assert Allocation.objects.get().amount == Decimal("3000.00")

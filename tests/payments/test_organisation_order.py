"""Unions in tree order by code, not by id path, on the money pages: the allocation table and
the allocation form's choices, the roster's per-union subtotals (发放花名册), the ledger's union
choices and the list of payments ready for a batch. Twelve unions whose ids cross a digit
boundary, created out of code order (`numbered_unions`)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from payments import services
from payments.ledger.selectors import campaign_roster_payments, roster_groups
from payments.selectors import batchable_payments
from tests.factories import make_user, numbered_unions

from .factories import case_in, payment_in_state

pytestmark = pytest.mark.django_db

NAMES = [f"基层工会{n}" for n in range(1, 13)]


@pytest.fixture
def unions(federation):
    return numbered_unions(federation)


@pytest.fixture
def approved(unions, campaign, federation, finance):
    """One approved payment in each union, drafted in the unions' id order."""
    officer = make_user(Role.CASE_OFFICER, federation, username="officer_fed")
    return [
        payment_in_state(
            "approved",
            campaign=campaign,
            officer=officer,
            finance=finance,
            case=case_in(union, officer=officer),
        )
        for union in sorted(unions, key=lambda u: u.pk)
    ]


def test_the_allocation_table_and_its_choices_follow_the_codes(
    client, campaign, unions, administrator
):
    for union in sorted(unions, key=lambda u: u.pk):
        services.allocate_campaign(campaign, union, by=administrator, amount="100", places=1)
    client.force_login(administrator)
    response = client.get(reverse("payments:campaign_allocations", args=[campaign.pk]))
    assert [row.allocation.organisation.name for row in response.context["rows"]] == NAMES
    choices = response.context["form"].fields["organisation"].choices
    assert [str(label) for value, label in choices if value] == NAMES
    page = client.get(campaign.get_absolute_url())
    assert [r.allocation.organisation.name for r in page.context["allocation_rows"]] == NAMES


def test_the_roster_subtotals_follow_the_codes(client, approved, campaign, finance):
    groups = roster_groups(campaign_roster_payments(finance, campaign))
    assert [group.organisation for group in groups] == NAMES
    client.force_login(finance)
    response = client.get(reverse("payments:campaign_roster", args=[campaign.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    subtotals = [row[1] for row in sheet.iter_rows(values_only=True) if row[2] == "小计"]
    assert subtotals == NAMES


def test_the_ledger_offers_unions_in_tree_order(client, federation, unions, finance):
    client.force_login(finance)
    response = client.get(reverse("payments:ledger"))
    assert [u.name for u in response.context["unions"]] == [federation.name, *NAMES]


def test_payments_ready_for_a_batch_are_listed_union_by_union_in_code_order(
    approved, campaign, finance
):
    listed = [p.organisation.name for p in batchable_payments(finance, campaign)]
    assert listed == NAMES

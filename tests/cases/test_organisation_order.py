"""Organisations in tree order (a parent, then its subtree; siblings by code as the federation
numbers them), not in the order of their id paths ("/1/10/" before "/1/2/"): kept by the
organisation service through creations, code changes and moves, without history rows for the
unions a change only renumbers, and followed by the pages that list organisations."""

import pytest
from django.urls import reverse

from cases.models import Organisation
from cases.services import save_organisation
from tests.audit_helpers import assert_audit_intact
from tests.factories import OrganisationFactory, numbered_unions

pytestmark = pytest.mark.django_db


@pytest.fixture
def unions(federation):
    return numbered_unions(federation)


def in_order() -> list[str]:
    return list(Organisation.objects.values_list("code", flat=True))


def test_organisations_list_a_parent_then_its_subtree_siblings_by_code(federation, unions):
    OrganisationFactory(code="U3-2", name="基层工会3分会2", parent=unions[2])
    OrganisationFactory(code="U3-10", name="基层工会3分会10", parent=unions[2])
    codes = [f"U{n}" for n in range(1, 13)]
    assert in_order() == ["FED", *codes[:3], "U3-2", "U3-10", *codes[3:]]
    places = list(Organisation.objects.values_list("tree_order", flat=True))
    assert places == list(range(1, len(places) + 1))


def test_a_new_code_or_parent_renumbers_the_tree_without_history_for_the_others(federation, unions):
    u12, u5, u1 = unions[11], unions[4], unions[0]
    histories = Organisation.history.count()
    u12.code = "U0"
    save_organisation(u12, reason="重新编号")
    assert in_order()[:3] == ["FED", "U0", "U1"]
    u5.parent = u1
    save_organisation(u5, reason="并入")
    assert in_order()[:5] == ["FED", "U0", "U1", "U5", "U2"]
    assert Organisation.objects.get(pk=u5.pk).path == f"{u1.path}{u5.pk}/"
    assert u5.tree_order == Organisation.objects.get(pk=u5.pk).tree_order == 4
    assert Organisation.history.count() == histories + 2  # the two saved, no other
    assert_audit_intact()


def test_a_stale_instance_saved_does_not_keep_a_stale_place(federation, unions):
    stale = Organisation.objects.get(pk=unions[5].pk)  # U6, 7th
    OrganisationFactory(code="U5-1", name="基层工会5分会1", parent=unions[4])
    stale.name = "第六基层工会"
    save_organisation(stale)
    assert Organisation.objects.get(pk=stale.pk).tree_order == stale.tree_order == 8
    assert in_order().index("U6") == 7


def test_the_people_list_filter_offers_unions_in_tree_order(client, finance, unions):
    client.force_login(finance)
    response = client.get(reverse("cases:person_list"))
    field = response.context["filter"].form.fields["organisation"]
    labels = [str(label) for value, label in field.choices if value]
    assert labels == ["市教科文卫体工会", *(f"基层工会{n}" for n in range(1, 13))]
    html = response.content.decode()
    positions = [html.index(f">基层工会{n}<") for n in range(1, 13)]
    assert positions == sorted(positions)


def test_the_organisation_pages_list_unions_in_tree_order(client, finance, federation, unions):
    client.force_login(finance)
    rows = client.get(reverse("cases:organisation_list")).context["rows"]
    assert [o.code for o, _indent in rows] == ["FED", *(f"U{n}" for n in range(1, 13))]
    detail = client.get(reverse("cases:organisation_detail", args=[federation.pk]))
    assert [o.code for o in detail.context["children"]] == [f"U{n}" for n in range(1, 13)]

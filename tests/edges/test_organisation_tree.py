"""Moving an organisation below its own child (or below itself) is refused with a message on the
parent field, never an HTTP 500, and the tree is left as it was (issue 12 item 10)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Organisation
from cases.services import save_organisation
from tests.audit_helpers import assert_audit_intact


@pytest.fixture
def grandchild(union_a):
    return save_organisation(Organisation(code="A-1", name="甲校工会一分会", parent=union_a))


def _change(client, organisation, parent):
    return client.post(
        reverse("admin:cases_organisation_change", args=[organisation.pk]),
        {
            "code": organisation.code,
            "name": organisation.name,
            "sector": organisation.sector,
            "parent": parent.pk,
            "is_active": "on",
        },
    )


@pytest.mark.parametrize("below", ["child", "grandchild", "itself"])
def test_the_admin_refuses_to_move_an_organisation_below_its_own_subtree(
    client, administrator, federation, union_a, grandchild, below
):
    target = {"child": union_a, "grandchild": grandchild, "itself": federation}[below]
    paths = dict(Organisation.objects.values_list("pk", "path"))
    client.force_login(administrator)
    response = _change(client, federation, target)
    assert response.status_code == 200
    assert "不能移到它自己或它的下级组织之下" in response.content.decode()
    assert dict(Organisation.objects.values_list("pk", "path")) == paths
    federation.refresh_from_db()
    assert federation.parent_id is None
    assert_audit_intact()


def test_the_service_refuses_a_cycle_with_a_validation_error(federation, grandchild):
    federation.parent = grandchild
    with pytest.raises(ValidationError) as refused:
        save_organisation(federation)
    assert "parent" in refused.value.message_dict


def test_a_real_move_to_another_branch_still_moves_the_subtree(
    client, administrator, union_a, union_b, grandchild
):
    client.force_login(administrator)
    response = _change(client, union_a, union_b)
    assert response.status_code == 302
    grandchild.refresh_from_db()
    assert grandchild.path == f"{union_b.path}{union_a.pk}/{grandchild.pk}/"
    assert_audit_intact()


def test_an_officer_cannot_reach_the_organisation_admin(client, officer, federation, union_a):
    client.force_login(officer)
    response = _change(client, federation, union_a)
    assert response.status_code in (302, 403)
    federation.refresh_from_db()
    assert federation.parent_id is None

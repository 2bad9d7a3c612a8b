"""Roles are groups with real permissions; scope comes from the user's organisation."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role, ensure_role_groups, has_role, roles_of
from cases.selectors import organisations_visible_to, people_visible_to, scope_path
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, make_user


@pytest.mark.django_db
def test_every_role_is_a_group_holding_the_permissions_it_declares():
    ensure_role_groups()
    for role in Role:
        group = Group.objects.get(name=role.value)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for model_label, actions in ROLE_PERMISSIONS[role].items():
            app_label, model_name = model_label.split(".")
            try:
                apps.get_model(app_label, model_name)
            except LookupError:
                continue  # an app whose models are not built yet on this branch
            for action in actions:
                assert f"{app_label}.{action}_{model_name}" in held, (role, model_label, action)


@pytest.mark.django_db
def test_ensure_role_groups_is_idempotent():
    ensure_role_groups()
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    ensure_role_groups()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_permissions_follow_the_roles(officer, finance, leader, auditor, administrator):
    assert officer.has_perm("cases.add_person") and officer.has_perm("cases.reveal_sensitive")
    assert not officer.has_perm("payments.approve_payment")
    assert finance.has_perm("payments.approve_payment")
    assert not finance.has_perm("cases.add_person")
    assert leader.has_perm("payments.second_approve_payment")
    assert not leader.has_perm("cases.reveal_sensitive")
    assert auditor.has_perm("audits.view_audit")
    assert not any(
        auditor.has_perm(p) for p in ("cases.add_person", "cases.change_person", "cases.add_case")
    )
    assert administrator.has_perm("cases.change_organisation") and administrator.is_staff


def test_a_user_can_hold_two_roles(union_a):
    user = make_user(Role.CASE_OFFICER, union_a)
    user.groups.add(Group.objects.get(name=Role.FINANCE.value))
    assert roles_of(user) == {"case_officer", "finance"}
    assert has_role(user, Role.FINANCE)


def test_scope_is_the_users_organisation_and_everything_below(federation, union_a, union_b):
    below = OrganisationFactory(code="EDU0101", name="初中部分工会", parent=union_a)
    officer = make_user(Role.CASE_OFFICER, union_a)
    assert set(organisations_visible_to(officer)) == {union_a, below}
    inside = PersonFactory(organisation=below)
    PersonFactory(organisation=union_b)
    assert list(people_visible_to(officer)) == [inside]
    top = make_user(Role.AUDITOR, federation)
    assert set(organisations_visible_to(top)) == {federation, union_a, union_b, below}


def test_user_without_organisation_sees_nothing(db):
    user = UserFactory(organisation=None, roles=[Role.CASE_OFFICER])
    assert scope_path(user) is None
    assert not organisations_visible_to(user).exists()


def test_moving_an_organisation_moves_its_subtree_in_scope(federation, union_a, union_b):
    from cases.services import save_organisation

    below = OrganisationFactory(code="EDU0101", name="初中部分工会", parent=union_a)
    union_a.parent = union_b
    save_organisation(union_a)
    below.refresh_from_db()
    assert below.path.startswith(union_b.path)
    officer_b = make_user(Role.CASE_OFFICER, union_b)
    assert below in organisations_visible_to(officer_b)

import datetime

import pytest
from django.contrib.auth.models import Group
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import Role, ensure_role_groups
from audits.models import ChangeEntry
from audits.registry import tracked_models
from cases.models import Person
from cases.services import save_organisation, save_person
from tests.factories import OrganisationFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = {
    "cases.organisation",
    "cases.person",
    "cases.case",
    "cases.visit",
    "cases.attachment",
    "cases.povertyline",
    "payments.campaign",
    "payments.campaignstandard",
    "payments.payment",
    "payments.disbursementbatch",
    "payments.batchline",
    "accounts.user",
}


def test_every_domain_model_keeps_history_and_is_indexed_by_the_audit_app():
    assert set(tracked_models()) >= DOMAIN_MODELS
    user = tracked_models()["accounts.user"]
    assert [name for name, _m, _o in user.m2m] == ["groups"]


def test_save_person_leaves_one_history_row_with_user_reason_and_scope(officer, union_a):
    person = PersonFactory.build(organisation=union_a)
    save_person(person, by=officer, reason="登记")
    person.mobile = "13900000000"
    save_person(person, by=officer, reason="更正手机号")

    rows = list(person.history.order_by("history_id"))
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", officer, "登记"),
        ("~", officer, "更正手机号"),
    ]
    entries = list(ChangeEntry.objects.filter(model="cases.person").order_by("history_id"))
    assert [(e.kind, e.user, e.reason, e.history_id) for e in entries] == [
        ("+", officer, "登记", rows[0].history_id),
        ("~", officer, "更正手机号", rows[1].history_id),
    ]
    assert entries[1].prev_history_id == rows[0].history_id
    assert entries[1].organisation_id == union_a.pk
    assert entries[1].organisation_path == union_a.path
    assert len(entries[0].digest) == 64


def test_save_organisation_records_user_and_reason(administrator, federation):
    organisation = OrganisationFactory.build(code="SCI01", name="研究所工会", parent=federation)
    save_organisation(organisation, by=administrator, reason="新建基层工会")
    entry = ChangeEntry.objects.filter(model="cases.organisation", object_id=str(organisation.pk))
    assert entry.count() == 2  # created, then its path set
    assert {e.user for e in entry} == {administrator}
    assert {e.reason for e in entry} == {"新建基层工会"}


def test_bulk_created_and_updated_history_is_indexed_in_the_same_transaction(officer, union_a):
    people = [PersonFactory.build(organisation=union_a) for _ in range(3)]
    for p in people:
        p._history_user = officer
    created = bulk_create_with_history(people, Person, default_change_reason="批量导入")
    entries = ChangeEntry.objects.filter(model="cases.person", kind="+")
    assert entries.count() == 3
    assert set(entries.values_list("reason", flat=True)) == {"批量导入"}
    assert set(entries.values_list("user", flat=True)) == {officer.pk}

    for p in created:
        p.position = "教师"
    bulk_update_with_history(created, Person, ["position"], default_user=officer)
    changed = ChangeEntry.objects.filter(model="cases.person", kind="~")
    assert changed.count() == 3
    first = {e.object_id: e.history_id for e in entries}
    assert {e.object_id: e.prev_history_id for e in changed} == first


def test_role_assignment_is_recorded_with_the_groups(administrator, union_a):
    ensure_role_groups()
    target = make_user(None, union_a, username="newbie")
    target._history_user = administrator
    target.groups.add(Group.objects.get(name=Role.FINANCE))
    last = ChangeEntry.objects.filter(model="accounts.user", object_id=str(target.pk)).latest("id")
    assert last.kind == "~"
    from audits.diffs import describe

    (item,) = describe([ChangeEntry.objects.select_related("user").get(pk=last.pk)])
    groups = [c for c in item.changes if c.new == Role.FINANCE.value]
    assert groups, item.changes


def test_history_date_of_a_backdated_row_is_the_entry_time(officer, union_a):
    person = PersonFactory.build(organisation=union_a)
    person._history_date = datetime.datetime(2020, 1, 5, tzinfo=datetime.UTC)
    save_person(person, by=officer)
    entry = ChangeEntry.objects.get(model="cases.person", object_id=str(person.pk))
    assert entry.at == datetime.datetime(2020, 1, 5, tzinfo=datetime.UTC)

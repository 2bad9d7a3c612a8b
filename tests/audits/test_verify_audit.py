# ruff: noqa: S608 — the SQL here names our own tables, on purpose, to tamper with them
"""`verify_audit` passes on an intact trail and names the row after tampering (UPDATE, DELETE,
forged INSERT), on SQLite and on PostgreSQL — where the append-only trigger has to be switched off
first, as only a database administrator could."""

import contextlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audits.chain import seal_pending
from audits.models import AccessLog, ChainHead, ChangeEntry
from audits.triggers import TRIGGER
from cases.models import Person
from cases.services import save_person
from core.access import AccessAction, log_access
from tests.factories import PersonFactory

HP = Person.history.model
TABLE = HP._meta.db_table


def run_verify() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    return out.getvalue()


def failing_verify() -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue()


@contextlib.contextmanager
def as_database_administrator(*tables):
    """On PostgreSQL, switch the append-only triggers off, as the superuser could (pending
    deferred FK checks of this test's transaction must run first, or ALTER TABLE refuses)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {TRIGGER}')
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER {TRIGGER}')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def trail(officer, union_a):
    people = []
    for n in range(3):
        person = PersonFactory.build(organisation=union_a)
        save_person(person, by=officer, reason=f"登记{n}")
        person.position = "教师"
        save_person(person, by=officer, reason="更新岗位")
        people.append(person)
    log_access(user=officer, action=AccessAction.REVEAL, obj=people[0], field="id_number")
    return people


@pytest.mark.django_db
def test_verify_passes_on_an_intact_trail(trail):
    assert "intact" in run_verify()
    assert ChangeEntry.objects.filter(chain_seq__isnull=True).count() == 0
    head = ChainHead.objects.get(name="change")
    assert head.seq == ChangeEntry.objects.count()


@pytest.mark.django_db
def test_verify_names_a_history_row_changed_by_sql(trail):
    seal_pending()
    target = HP.objects.filter(id=trail[1].pk).order_by("history_id").first()
    with as_database_administrator(TABLE), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{TABLE}" SET bank_account = %s WHERE history_id = %s',
            ["6222000000000000001", target.history_id],
        )
    report = failing_verify()
    assert f"cases.person history_id={target.history_id}" in report.splitlines()[0]
    assert "改动" in report


@pytest.mark.django_db
def test_verify_names_a_history_row_deleted_by_sql(trail):
    seal_pending()
    target = HP.objects.filter(id=trail[2].pk).order_by("history_id").last()
    with as_database_administrator(TABLE), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{TABLE}" WHERE history_id = %s', [target.history_id])
    report = failing_verify()
    assert f"cases.person history_id={target.history_id}" in report.splitlines()[0]
    assert "删除" in report


@pytest.mark.django_db
def test_verify_names_a_forged_history_row_inserted_by_sql(trail):
    seal_pending()
    original = HP.objects.filter(id=trail[0].pk).values().first()
    forged = dict(original)
    forged.pop("history_id")
    forged["bank_account"] = "6222999999999999999"
    with as_database_administrator(TABLE):
        row = HP.objects.create(**forged)
    report = failing_verify()
    assert f"cases.person history_id={row.history_id}" in report.splitlines()[0]
    assert "伪造" in report


@pytest.mark.django_db
def test_verify_detects_a_history_row_removed_together_with_its_index_entry(trail):
    seal_pending()
    target = HP.objects.filter(id=trail[0].pk).order_by("history_id").last()
    entry_table = ChangeEntry._meta.db_table
    with as_database_administrator(TABLE, entry_table), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{TABLE}" WHERE history_id = %s', [target.history_id])
        cursor.execute(
            f'DELETE FROM "{entry_table}" WHERE model = %s AND history_id = %s',
            ["cases.person", target.history_id],
        )
    report = failing_verify()
    assert "chain" in report.splitlines()[0]
    assert "删除" in report


@pytest.mark.django_db
def test_verify_detects_an_access_log_row_changed_by_sql(trail):
    seal_pending()
    log = AccessLog.objects.get(action=AccessAction.REVEAL)
    table = AccessLog._meta.db_table
    with as_database_administrator(table), connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET username = %s WHERE id = %s', ["someone", log.pk])
    report = failing_verify()
    assert f"audits.accesslog id={log.pk}" in report.splitlines()[0]


@pytest.mark.django_db
def test_verify_detects_a_forged_change_entry_that_hides_a_forged_row(trail):
    seal_pending()
    original = HP.objects.filter(id=trail[0].pk).values().first()
    forged = dict(original)
    forged.pop("history_id")
    with as_database_administrator(TABLE):
        row = HP.objects.create(**forged)
    entry = ChangeEntry.objects.filter(model="cases.person").first()
    ChangeEntry.objects.create(
        at=row.history_date,
        user_id=row.history_user_id,
        model="cases.person",
        object_id=str(row.id),
        history_id=row.history_id,
        kind=row.history_type,
        reason=row.history_change_reason or "",
        digest=entry.digest,  # a forger cannot compute the keyed digest
    )
    report = failing_verify()
    assert f"cases.person history_id={row.history_id}" in report.splitlines()[0]


@pytest.mark.django_db
def test_admin_cannot_edit_or_delete_audit_rows(administrator, client, trail):
    from django.contrib import admin

    from audits.models import ChangeEntry as CE

    for model in (AccessLog, CE, ChainHead):
        model_admin = admin.site._registry[model]
        request = type("R", (), {"user": administrator})()
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_add_permission(request)


# ------------------------------------------------------------------ PostgreSQL only

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="triggers are PostgreSQL's"
)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement", ["UPDATE {t} SET history_change_reason = 'x'", "DELETE FROM {t}"]
)
def test_postgres_refuses_update_and_delete_of_history_rows(trail, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(t=f'"{TABLE}"'))


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgres_refuses_changes_to_audit_rows_but_lets_the_sealer_seal(trail):
    assert seal_pending() > 0  # the one allowed UPDATE: chain_seq from NULL
    for model in (ChangeEntry, AccessLog):
        table = model._meta.db_table
        for sql in (f'UPDATE "{table}" SET chain_seq = chain_seq + 1000', f'DELETE FROM "{table}"'):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        ChainHead.objects.filter(name="change").delete()
    assert "intact" in run_verify()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_postgres_refuses_rewriting_who_made_a_change(trail, officer):
    with pytest.raises(DatabaseError), transaction.atomic():
        HP.objects.filter(history_user=officer).update(history_user=None)


@pytest.mark.django_db
def test_admin_history_pages_cannot_revert_or_edit_history(client, administrator, settings):
    from django.urls import reverse

    from cases.models import Organisation
    from cases.services import save_organisation

    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    assert getattr(settings, "SIMPLE_HISTORY_EDIT", False) is False
    organisation = save_organisation(
        Organisation(code="X1", name="旧名称"), by=administrator, reason="新建"
    )
    first = organisation.history.earliest("history_id")
    organisation.name = "新名称"
    save_organisation(organisation, by=administrator, reason="改名")
    rows_before = list(organisation.history.values_list("history_id", "name"))
    client.force_login(administrator)
    url = reverse(
        "admin:cases_organisation_simple_history", args=[organisation.pk, first.history_id]
    )
    response = client.post(url, {"code": "X1", "name": "旧名称", "sector": ""})
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "新名称"
    assert list(organisation.history.values_list("history_id", "name")) == rows_before


@pytest.mark.django_db
def test_a_column_added_to_a_history_table_later_does_not_break_verification(
    officer, union_a, monkeypatch
):
    """Rows written before a migration added a column are checked against the columns they
    were hashed with (the entry records its column set)."""
    from audits.registry import tracked_models

    tracked = tracked_models()["cases.person"]
    before_migration = tuple(c for c in tracked.columns if c != "position")
    monkeypatch.setitem(tracked.__dict__, "columns", before_migration)
    old = PersonFactory.build(organisation=union_a)
    save_person(old, by=officer)
    monkeypatch.undo()
    save_person(PersonFactory.build(organisation=union_a), by=officer)
    entries = ChangeEntry.objects.filter(model="cases.person").order_by("id")
    assert entries[0].columns_id != entries[1].columns_id
    assert "intact" in run_verify()

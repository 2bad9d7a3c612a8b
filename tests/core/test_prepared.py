"""Statements compiled once (`core.prepared`): the same rows as the ORM, for any value."""

import pytest

from cases.models import Organisation
from core.prepared import ModelColumns, PreparedQuery

pytestmark = pytest.mark.django_db

MARKER = -91_000_001


def test_a_prepared_query_returns_what_the_orm_returns_for_each_value(union_a, union_b):
    def orm(pk):
        return list(Organisation.objects.filter(pk=pk).values_list("pk", "name", "is_active"))

    prepared = PreparedQuery(
        Organisation.objects.filter(pk=MARKER).values_list("pk", "name", "is_active"), [MARKER]
    )
    for organisation in (union_a, union_b):
        assert prepared.rows(organisation.pk) == orm(organisation.pk)
    assert prepared.rows(0) == []


def test_a_marker_that_is_not_exactly_once_among_the_parameters_is_refused():
    twice = Organisation.objects.filter(pk=MARKER, parent_id=MARKER).values_list("pk")
    with pytest.raises(ValueError, match="found 2 times"):
        PreparedQuery(twice, [MARKER])
    with pytest.raises(ValueError, match="found 0 times"):
        PreparedQuery(Organisation.objects.filter(pk=1).values_list("pk"), [MARKER])


def test_model_columns_make_the_instance_the_orm_makes(union_a):
    from django.db import connection

    columns = ModelColumns(Organisation, "o")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns.select} FROM {Organisation._meta.db_table} o WHERE o.id = %s",  # noqa: S608
            [union_a.pk],
        )
        made = columns.instance(cursor.fetchone())
    loaded = Organisation.objects.get(pk=union_a.pk)
    assert type(made) is Organisation and not made._state.adding
    for field in Organisation._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(loaded, field.attname), field.name


def test_a_prepared_cursor_runs_its_statement_prepared_on_postgresql_and_counts_it(union_a):
    """The statement is parsed once and kept on the connection (PostgreSQL), counted and logged
    with its text like any other, and gives the rows a plain cursor gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.prepared import prepared_cursor

    sql = f"SELECT id, name FROM {Organisation._meta.db_table} WHERE id = %s"  # noqa: S608
    with CaptureQueriesContext(connection) as context:
        for _ in range(2):
            with prepared_cursor() as cursor:
                cursor.execute(sql, [union_a.pk])
                assert cursor.fetchall() == [(union_a.pk, union_a.name)]
    assert len(context.captured_queries) == 2
    assert all("FROM" in query["sql"] for query in context.captured_queries)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                [f"%FROM {Organisation._meta.db_table} WHERE id = $1%"],
            )
            assert cursor.fetchone() == (1,)

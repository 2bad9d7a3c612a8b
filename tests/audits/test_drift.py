# ruff: noqa: S608 — the SQL here names our own tables, on purpose, to tamper with them
"""Drift: a live row changed (or inserted) by SQL, whose values no history row explains, is named
by `verify_audit` with its id and the columns that differ."""

from decimal import Decimal

import pytest
from django.db import connection

from cases.models import Person
from payments.models import Payment
from tests.audit_helpers import assert_audit_intact
from tests.payments.factories import CampaignFactory, payment_in_state

from .test_verify_audit import failing_verify, trail  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_bank_account_changed_by_sql_is_named_with_the_column(trail):  # noqa: F811
    person = trail[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Person._meta.db_table}" SET bank_account = %s WHERE id = %s',
            ["6222999988887777", person.pk],
        )
    report = failing_verify()
    first = report.splitlines()[0]
    assert f"cases.person id={person.pk}" in first
    assert "bank_account" in first and "在应用之外被修改" in first


def test_a_payment_amount_multiplied_by_ten_in_sql_is_named(federation, officer, finance):
    campaign = CampaignFactory(organisation=federation, budget=Decimal("100000.00"))
    payment = payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
    assert_audit_intact()
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{Payment._meta.db_table}" SET amount = amount * 10 WHERE id = %s',
            [payment.pk],
        )
    report = failing_verify()
    assert f"payments.payment id={payment.pk}" in report
    assert "amount" in report.splitlines()[0]


def test_a_live_row_inserted_by_sql_without_history_is_named(trail, union_a):  # noqa: F811
    source = Person.objects.values().get(pk=trail[0].pk)
    source.pop("id")
    source.update(id_number="110105194912310021", name="伪造", id_tail="0021")
    forged = Person.objects.bulk_create([Person(**source)])[0]  # no history: as SQL would
    report = failing_verify()
    assert f"cases.person id={forged.pk}" in report
    assert "没有任何历史" in report

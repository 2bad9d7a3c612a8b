"""The admin's import/export resource follows the roster import's rules."""

import pytest
import tablib
from django.contrib import admin
from django.test import RequestFactory

from audits.models import AccessLog
from cases.models import Person
from cases.transfers.admin import PersonImportExportMixin
from cases.transfers.people import PEOPLE_COLUMNS
from cases.transfers.resources import PersonResource
from core.access import AccessAction
from tests.factories import PersonFactory

from .helpers import id_number, roster_row

pytestmark = pytest.mark.django_db


def dataset(rows):
    data = tablib.Dataset(headers=list(PEOPLE_COLUMNS))
    for row in rows:
        data.append([row[h] for h in PEOPLE_COLUMNS])
    return data


def test_the_resource_imports_all_rows_with_history_or_reports_invalid_ones(union_a, officer):
    bad = dataset([roster_row(1, "EDU01"), roster_row(2, "EDU01", 手机号码="1")])
    result = PersonResource().import_data(bad, dry_run=True, user=officer, file_name="a.csv")
    assert result.has_validation_errors() and not result.has_errors()
    assert result.invalid_rows[0].number == 3
    assert "手机号码" in result.invalid_rows[0].field_specific_errors
    result = PersonResource().import_data(bad, dry_run=False, user=officer, file_name="a.csv")
    assert not Person.objects.exists()

    good = dataset([roster_row(1, "EDU01"), roster_row(2, "EDU01")])
    result = PersonResource().import_data(good, dry_run=True, user=officer, file_name="a.csv")
    assert result.totals["new"] == 2 and not Person.objects.exists()
    result = PersonResource().import_data(good, dry_run=False, user=officer, file_name="a.csv")
    assert Person.objects.count() == 2
    assert (
        Person.history.filter(history_user=officer, history_change_reason="导入：a.csv").count()
        == 2
    )


def test_a_bad_header_is_a_base_error(officer):
    data = tablib.Dataset(headers=["姓名"])
    data.append(["张三"])
    result = PersonResource().import_data(data, dry_run=True, user=officer)
    assert result.has_errors() and "缺少列" in str(result.base_errors[0].error)


def test_the_resource_exports_the_roster_columns_masked_unless_revealing(union_a):
    person = PersonFactory(id_number=id_number(1, "M"), organisation=union_a, name="=x")
    masked = PersonResource().export(queryset=Person.objects.all())
    assert masked.headers == list(PEOPLE_COLUMNS)
    assert masked[0][0] == "'=x" and masked[0][1] != person.id_number and masked[0][2] == "男"
    assert masked[0][4] == "EDU01"
    full = PersonResource(reveal=True).export(queryset=Person.objects.all())
    assert full[0][1] == person.id_number


def test_the_admin_mixin_scopes_and_logs_its_exports(union_a, union_b, officer, auditor):
    PersonFactory(id_number=id_number(1, "M"), organisation=union_a)
    PersonFactory(id_number=id_number(2, "M"), organisation=union_b)

    class Admin(PersonImportExportMixin, admin.ModelAdmin):
        pass

    model_admin = Admin(Person, admin.site)
    request = RequestFactory().get("/")
    request.user = officer
    assert model_admin.has_import_permission(request)
    data = model_admin.get_data_for_export(request, model_admin.get_export_queryset(request))
    assert len(data) == 1
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.detail == {"export": "admin", "rows": 1, "sensitive": False}
    request.user = auditor
    assert not model_admin.has_import_permission(request)


def test_the_person_admin_exports_through_the_mixin(union_a, officer):
    from cases.admin.people import PersonAdmin

    assert issubclass(PersonAdmin, PersonImportExportMixin)
    PersonFactory(id_number=id_number(1, "M"), organisation=union_a)
    model_admin = PersonAdmin(Person, admin.site)
    request = RequestFactory().get("/")
    request.user = officer
    assert model_admin.has_export_permission(request)
    data = model_admin.get_data_for_export(request, model_admin.get_export_queryset(request))
    assert data.headers == list(PEOPLE_COLUMNS) and len(data) == 1

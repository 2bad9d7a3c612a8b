"""Reasons the system writes are stored in Chinese and shown in the reader's language; free text
stays as typed (issue 15 item 15)."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.reasons import translate_reason


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        ("提交审批", "Submitted for approval"),
        ("导入：名单.xlsx", "Import: 名单.xlsx"),
        ("加入批次 B2026-0003", None),
        ("已脱困：家属已就业", None),
    ],
)
def test_system_reasons_are_shown_in_english(stored, english):
    with translation.override("en"):
        shown = translate_reason(stored)
    assert shown != stored and not any("\u4e00" <= c <= "\u9fff" for c in shown.split(":")[0])
    if english:
        assert shown == english


def test_the_values_inside_a_reason_are_kept():
    with translation.override("en"):
        assert "B2026-0003" in translate_reason("加入批次 B2026-0003")
        assert translate_reason("已脱困：家属已就业").endswith("家属已就业")


@pytest.mark.parametrize("typed", ["家属来电要求更正", "甲：乙", ""])
def test_free_text_is_shown_as_typed(typed):
    with translation.override("en"):
        assert translate_reason(typed) == typed


def test_chinese_readers_see_the_stored_text():
    with translation.override("zh-hans"):
        assert translate_reason("导入：名单.xlsx") == "导入：名单.xlsx"


@pytest.mark.django_db
def test_a_roster_import_stores_its_reason_in_chinese_whoever_imports(officer, union_a):
    from cases.models import Person
    from cases.transfers.people import import_people
    from tests.transfers.helpers import csv_bytes, roster_row

    with translation.override("en"):
        import_people(csv_bytes([roster_row(1, "EDU01")]), filename="a.csv", by=officer)
    assert Person.history.get().history_change_reason == "导入：a.csv"


@pytest.mark.django_db
def test_the_change_log_shows_reasons_in_english(client, auditor, officer, union_a, settings):
    from cases.transfers.people import import_people
    from tests.transfers.helpers import csv_bytes, roster_row

    import_people(csv_bytes([roster_row(1, "EDU01")]), filename="a.csv", by=officer)
    client.force_login(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("audits:changelog")).content.decode()
    assert "Import: a.csv" in body and "导入：a.csv" not in body

"""The campaign list import: open cases, draft payments, all or nothing (through the real
`cases.services.open_case` and `payments.services.draft_payment`)."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, CaseStatus
from payments.models import Payment
from tests.audit_helpers import assert_audit_intact
from tests.factories import CaseFactory, PersonFactory

from .factories import make_campaign
from .helpers import csv_bytes, id_number, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ("身份证号", "类别", "姓名", "金额", "说明")


def listing(*rows, header=HEADER) -> bytes:
    return csv_bytes([dict(zip(header, r, strict=False)) for r in rows], header=header)


@pytest.fixture
def campaign(federation, administrator):
    return make_campaign(federation, administrator)


@pytest.fixture
def nurses(union_a):
    return [
        PersonFactory(
            id_number=id_number(n, "F"), gender="F", name=f"护士{n}", organisation=union_a
        )
        for n in range(1, 4)
    ]


def run(data, campaign, by, **kwargs):
    from payments.transfers.campaign_list import import_campaign_list

    return import_campaign_list(data, campaign=campaign, by=by, filename="名单.csv", **kwargs)


def test_a_list_opens_cases_and_drafts_payments_at_the_standard_amount(campaign, nurses, officer):
    existing = CaseFactory(
        person=nurses[0], category="hubei_team", hardship_level="", opened_by=officer
    )
    data = listing(
        (nurses[0].id_number, "援鄂医疗队员慰问", "护士1", "", ""),
        (nurses[1].id_number, "hubei_team", "", "", ""),
        (nurses[2].id_number, "援鄂医疗队员慰问", "", "1500", "驰援武汉两个月"),
    )
    result = run(data, campaign, officer)
    assert result.ok and result.committed, result.errors
    assert result.summary() == {
        "rows": 3,
        "cases_opened": 2,
        "cases_reused": 1,
        "payments": 3,
        "total_amount": "3500.00",
        "invalid": 0,
    }
    payments = Payment.objects.filter(campaign=campaign).order_by("person__name")
    assert [p.amount for p in payments] == [
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("1500.00"),
    ]
    assert payments[0].case == existing
    assert {p.status for p in payments} == {"draft"}
    assert all(p.history.first().history_user == officer for p in payments)
    assert Case.objects.filter(
        person=nurses[1], category="hubei_team", status=CaseStatus.OPEN
    ).exists()
    assert_audit_intact()


def test_the_preview_runs_every_rule_and_writes_nothing(campaign, nurses, officer):
    result = run(
        listing((nurses[0].id_number, "援鄂医疗队员慰问", "", "", "")),
        campaign,
        officer,
        dry_run=True,
    )
    assert result.ok and not result.committed and result.payments == 1
    assert not Case.objects.exists() and not Payment.objects.exists()


def test_a_service_refusal_is_an_error_line_and_rolls_everything_back(campaign, nurses, officer):
    assert run(listing((nurses[0].id_number, "援鄂医疗队员慰问", "", "", "")), campaign, officer).ok
    before = (Case.objects.count(), Payment.objects.count())
    data = listing(
        (nurses[1].id_number, "援鄂医疗队员慰问", "", "", ""),
        (nurses[0].id_number, "援鄂医疗队员慰问", "", "", ""),  # already has a live payment
    )
    result = run(data, campaign, officer)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号")]
    assert result.errors[0].message
    assert (Case.objects.count(), Payment.objects.count()) == before


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (("", "援鄂医疗队员慰问", "", "", ""), "身份证号", "必填"),
        (("410102196001020010", "援鄂医疗队员慰问", "", "", ""), "身份证号", "校验位"),
        ((None, "援鄂", "", "", ""), "类别", "类别应为"),
        ((None, "援鄂医疗队员慰问", "", "-5", ""), "金额", "大于0"),
        ((None, "援鄂医疗队员慰问", "", "12.345", ""), "金额", "两位小数"),
        ((None, "援鄂医疗队员慰问", "李四", "", ""), "姓名", "不一致"),
        ((id_number(90, "M"), "援鄂医疗队员慰问", "", "", ""), "身份证号", "找不到"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_written(
    campaign, nurses, officer, row, column, fragment
):
    row = (row[0] if row[0] is not None else nurses[1].id_number, *row[1:])
    data = listing((nurses[0].id_number, "援鄂医疗队员慰问", "", "", ""), row)
    result = run(data, campaign, officer)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert fragment in result.errors[0].message
    assert not Case.objects.exists() and not Payment.objects.exists()


def test_duplicates_and_people_outside_the_scope_are_refused(campaign, nurses, officer, union_b):
    stranger = PersonFactory(id_number=id_number(50, "M"), organisation=union_b)
    data = listing(
        (nurses[0].id_number, "援鄂医疗队员慰问", "", "", ""),
        (nurses[0].id_number, "援鄂医疗队员慰问", "", "", ""),
        (stranger.id_number, "援鄂医疗队员慰问", "", "", ""),
    )
    result = run(data, campaign, officer)
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号"), (4, "身份证号")]
    assert "重复" in result.errors[0].message and "找不到" in result.errors[1].message
    assert not Payment.objects.exists()


def test_a_union_campaign_does_not_cover_another_unions_people(
    union_a, union_b, nurses, administrator, auditor
):

    campaign_b = make_campaign(union_b, administrator, name="医院送温暖")
    result = run(
        listing((nurses[0].id_number, "援鄂医疗队员慰问", "", "", "")), campaign_b, auditor
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "身份证号")]
    assert "覆盖范围" in result.errors[0].message


def test_the_web_flow_previews_then_imports_exactly_the_previewed_file(
    client, campaign, nurses, officer
):
    client.force_login(officer)
    url = reverse("payments:campaign_list_upload", args=[campaign.pk])
    data = xlsx_bytes(
        [[nurses[0].id_number, "援鄂医疗队员慰问"], [nurses[1].id_number, "援鄂医疗队员慰问"]],
        header=("身份证号", "类别"),
    )
    preview = client.post(url, {"file": SimpleUploadedFile("list.xlsx", data)})
    assert preview.status_code == 200 and preview.context["summary"]["payments"] == 2
    assert not Payment.objects.exists()
    upload = preview.context["upload"]
    with default_storage.open(upload.path, "wb") as handle:
        handle.write(data + b"x")
    confirm = reverse("payments:campaign_list_confirm", args=[campaign.pk])
    refused = client.post(confirm, {"token": upload.token})
    assert refused.status_code == 400 and not Payment.objects.exists()
    preview = client.post(url, {"file": SimpleUploadedFile("list.xlsx", data)})
    done = client.post(confirm, {"token": preview.context["upload"].token})
    assert done.status_code == 200 and Payment.objects.filter(campaign=campaign).count() == 2
    assert_audit_intact()


def test_an_officer_cannot_use_another_unions_campaign_and_auditors_cannot_import(
    client, union_b, officer, auditor, administrator
):
    campaign_b = make_campaign(union_b, administrator, name="医院送温暖")
    client.force_login(officer)
    assert (
        client.get(reverse("payments:campaign_list_upload", args=[campaign_b.pk])).status_code
        == 404
    )
    client.force_login(auditor)
    assert client.get(reverse("payments:campaign_list_import")).status_code == 403


def test_case_fields_reach_open_case_and_its_refusals_are_row_errors(campaign, nurses, officer):
    header = ("身份证号", "类别", "慰问节日", "致困原因")
    data = listing(
        (nurses[0].id_number, "节日/特殊日慰问", "六一儿童节", ""),
        (nurses[1].id_number, "节日/特殊日慰问", "", ""),
        (nurses[2].id_number, "节日/特殊日慰问", "圣诞节", ""),
        header=header,
    )
    result = run(data, campaign, officer, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "慰问节日"), (4, "慰问节日")]
    assert "慰问节日" in result.errors[0].message
    assert not Case.objects.exists()


def test_only_open_campaigns_take_lists(client, federation, officer, administrator):
    planning = make_campaign(federation, administrator, name="筹备中的活动", status="planning")
    client.force_login(officer)
    url = reverse("payments:campaign_list_upload", args=[planning.pk])
    assert client.get(url).status_code == 404
    assert (
        planning.name not in client.get(reverse("payments:campaign_list_import")).content.decode()
    )


def test_the_payment_rules_of_draft_payment_come_back_per_row(campaign, nurses, officer):
    data = listing(
        (nurses[0].id_number, "援鄂医疗队员慰问", "", "1500", ""),  # no justification
        (nurses[1].id_number, "援鄂医疗队员慰问", "", "6000", "重病"),  # above the annual cap
        (nurses[2].id_number, "援鄂医疗队员慰问", "", "", ""),
    )
    result = run(data, campaign, officer)
    assert [(e.row, e.column) for e in result.errors] == [(2, "说明"), (3, "金额")]
    assert "上限" in result.errors[1].message
    assert not result.committed and not Payment.objects.exists() and not Case.objects.exists()


def test_chinese_names_in_the_file_are_understood_whatever_the_interface_language(
    campaign, nurses, officer
):
    from django.utils import translation

    with translation.override("en"):
        result = run(
            listing((nurses[0].id_number, "援鄂医疗队员慰问", "", "", "")),
            campaign,
            officer,
            dry_run=True,
        )
    assert result.ok, result.errors

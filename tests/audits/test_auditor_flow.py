"""The issue's "done means": an auditor finds who changed a payment's amount after approval,
sees before and after, exports the report, and verify_audit proves the history untouched."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from audits.models import AccessLog
from core.access import AccessAction
from tests.factories import CaseFactory, PersonFactory, VisitFactory

from .factories import change, make_campaign, make_payment

pytestmark = pytest.mark.django_db


def test_auditor_finds_an_amount_changed_after_approval_and_proves_the_trail_intact(
    client, auditor, officer, finance, union_a, federation
):
    case = CaseFactory(person=PersonFactory(organisation=union_a), opened_by=officer)
    VisitFactory(case=case, recorded_by=officer)
    payment = make_payment(case, make_campaign(federation, finance), officer)
    change(payment, officer, "提交", status="submitted", submitted_by=officer)
    change(payment, finance, "审批", status="approved", approved_by=finance)
    change(payment, officer, "口头通知增加", amount=Decimal("2000.00"))

    response = client.post(reverse("login"), {"username": "auditor", "password": "pw-Relief-2026"})
    assert response.status_code == 302
    report = client.get(reverse("audits:report", args=["changed-after-approval"]))
    html = report.content.decode()
    assert payment.reference in html and "1,000.00 → 2,000.00" in html and str(officer) in html

    timeline = client.get(reverse("audits:timeline", args=["payments.payment", payment.pk]))
    changes = [item for kind, _at, item in timeline.context["items"] if kind == "change"]
    amount = [c for c in changes[0].changes if c.label == "金额（元）"]
    assert (amount[0].old, amount[0].new) == ("1,000.00", "2,000.00")
    assert changes[0].user_label == str(officer)
    assert changes[0].entry.reason == "口头通知增加"

    export = client.get(reverse("audits:report_export", args=["changed-after-approval", "csv"]))
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert payment.reference in body
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, user=auditor).exists()

    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()

"""The shared upload → preview → confirm machinery, seen through the bank result import (the
roster and campaign-list flows have their own tests in tests/transfers)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payments import services
from payments.models import Payment, PaymentStatus
from tests.payments.factories import CampaignFactory, payment_in_state
from uploads.models import PendingUpload

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_batch(federation, administrator, officer, finance):
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    payments = [
        payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
        for _ in range(2)
    ]
    batch = services.create_batch(campaign, [p.pk for p in payments], by=finance)
    services.mark_batch_sent(batch, by=finance)
    return batch, payments


def result_file(payments, status="成功") -> bytes:
    lines = "".join(f"{p.reference},{status},,S{p.pk},500.00\n" for p in payments)
    return ("付款编号,状态,失败原因,银行流水号,金额\n" + lines).encode()


def post_file(client, batch, content: bytes, name="result.csv"):
    return client.post(
        reverse("payments:batch_import_result", args=[batch.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_the_preview_is_kept_on_the_server_not_in_the_session(client, sent_batch, finance):
    batch, payments = sent_batch
    client.force_login(finance)
    bad = "付款编号,状态\n" + "\n".join(f"P2026-9{n:05d},成功" for n in range(300))
    response = post_file(client, batch, bad.encode())
    assert response.status_code == 200 and response.context["error_count"] == 302
    kept = PendingUpload.objects.get()
    assert kept.owner == finance and kept.target == str(batch.pk)
    assert kept.preview["error_count"] == 302
    session = client.session
    assert all("P2026-9" not in str(value) for _key, value in session.items())


def test_previewing_changes_nothing_and_confirming_applies_exactly_the_previewed_file(
    client, sent_batch, finance
):
    batch, payments = sent_batch
    client.force_login(finance)
    preview = post_file(client, batch, result_file(payments))
    assert preview.context["summary"]["paid"] == 2
    assert set(
        Payment.objects.filter(batch_lines__batch=batch).values_list("status", flat=True)
    ) == {PaymentStatus.IN_BATCH}
    done = client.post(
        reverse("payments:batch_result_confirm", args=[batch.pk]),
        {"token": preview.context["upload"].token},
    )
    assert done.status_code == 200 and done.context["summary"]["paid_total"] == "1000.00"
    assert set(
        Payment.objects.filter(batch_lines__batch=batch).values_list("status", flat=True)
    ) == {PaymentStatus.PAID}
    assert not PendingUpload.objects.exists()


def test_a_token_for_one_batch_cannot_confirm_another(
    client, sent_batch, federation, administrator, officer, finance
):
    batch, payments = sent_batch
    other_campaign = CampaignFactory(organisation=federation, created_by=administrator)
    other = services.create_batch(
        other_campaign,
        [
            payment_in_state(
                "approved", campaign=other_campaign, officer=officer, finance=finance
            ).pk
        ],
        by=finance,
    )
    services.mark_batch_sent(other, by=finance)
    client.force_login(finance)
    token = post_file(client, batch, result_file(payments)).context["upload"].token
    refused = client.post(
        reverse("payments:batch_result_confirm", args=[other.pk]), {"token": token}
    )
    assert refused.status_code == 400 and "另一个导入对象" in refused.content.decode()
    assert set(
        Payment.objects.filter(batch_lines__batch=batch).values_list("status", flat=True)
    ) == {PaymentStatus.IN_BATCH}


def test_an_upload_above_the_configured_limit_is_refused_before_it_is_kept(
    client, sent_batch, finance, settings
):
    settings.RELIEF_UPLOAD_MAX_BYTES = 100
    batch, payments = sent_batch
    client.force_login(finance)
    response = post_file(client, batch, result_file(payments) + b" " * 200)
    assert response.status_code == 400 and "超过上限" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_roles_without_the_result_permission_cannot_upload(client, sent_batch, officer, auditor):
    batch, payments = sent_batch
    for user in (officer, auditor):
        client.force_login(user)
        assert post_file(client, batch, result_file(payments)).status_code == 403
    assert not PendingUpload.objects.exists()

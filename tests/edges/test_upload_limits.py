"""Size and row limits on every upload, with a clear message and never a 500 (issue 12
item 6): the bank result import used to read a 12 MB file for 86 s and end in HTTP 500."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payments import services
from uploads.models import PendingUpload

HEADER = "付款编号,状态,银行流水号,失败原因\n"


def _sent_batch(walk, finance):
    payment = walk("in_batch")
    batch = payment.batch
    services.mark_batch_sent(batch, by=finance)
    return batch


def _upload_result(client, batch, content: bytes):
    return client.post(
        reverse("payments:batch_import_result", args=[batch.pk]),
        {"file": SimpleUploadedFile("result.csv", content)},
    )


def test_a_result_file_far_longer_than_the_batch_is_refused_before_any_work(client, walk, finance):
    batch = _sent_batch(walk, finance)
    rows = "".join(f"P2026{n:06d},成功,SN{n},\n" for n in range(5_000))
    client.force_login(finance)
    response = _upload_result(client, batch, (HEADER + rows).encode())
    assert response.status_code == 400
    text = response.content.decode()
    assert "5000" in text and "只有 1 笔款项" in text
    assert not PendingUpload.objects.exists()


def test_a_result_file_above_the_size_limit_is_refused(client, walk, finance, settings):
    settings.RELIEF_BANK_RESULT_MAX_BYTES = 1024 * 1024
    batch = _sent_batch(walk, finance)
    client.force_login(finance)
    response = _upload_result(client, batch, (HEADER + "x" * (1536 * 1024)).encode())
    assert response.status_code == 400
    assert "超过上限 1 MB" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_the_roster_import_has_a_row_limit_setting(client, officer, settings):
    settings.RELIEF_UPLOAD_MAX_ROWS = 3
    header = "姓名,身份证号,性别,手机号码,所在单位,岗位,开户行,银行账号\n"
    rows = "".join(f"张{n},,,,,,,\n" for n in range(5))
    client.force_login(officer)
    response = client.post(
        reverse("cases:people_import"),
        {"file": SimpleUploadedFile("people.csv", (header + rows).encode())},
    )
    assert response.status_code == 400
    assert "超过上限 3 行" in response.content.decode()
    assert not PendingUpload.objects.exists()

"""The web roster import: upload → preview → confirm exactly the previewed file."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Person
from cases.transfers import files as transfer_files
from cases.transfers.flow import PEOPLE_IMPORT
from jobs.models import Job, JobStatus

from .helpers import csv_bytes, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "名单.csv"):
    return client.post(
        reverse("cases:people_import"), {"file": SimpleUploadedFile(name, data)}, follow=False
    )


def test_the_upload_page_states_the_columns_and_the_size_limit(client, officer):
    client.force_login(officer)
    page = client.get(reverse("cases:people_import")).content.decode()
    assert "姓名" in page and "银行账号" in page and "20 MB" in page


def test_auditors_and_finance_may_not_import(client, auditor, finance):
    for user in (auditor, finance):
        client.force_login(user)
        assert client.get(reverse("cases:people_import")).status_code == 403
        assert (
            client.post(reverse("cases:people_import_confirm"), {"token": "x"}).status_code == 403
        )


def test_preview_shows_counts_and_every_error_then_nothing_is_saved(client, union_a, officer):
    client.force_login(officer)
    rows = [roster_row(n, "EDU01") for n in range(1, 8)]
    rows[2]["手机号码"] = "110"
    rows[4]["所在单位"] = "HEA99"
    rows[6]["身份证号"] = rows[0]["身份证号"]
    response = upload(client, csv_bytes(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "第4行" not in page  # rows are shown in the table, with their numbers
    for fragment in ("11位数字", "找不到代码或名称为“HEA99”的单位", "身份证号与第2行重复"):
        assert fragment in page
    assert response.context["summary"] == {
        "rows": 7,
        "new": 4,
        "updated": 0,
        "unchanged": 0,
        "invalid": 3,
        "changes": [],
    }
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (4, "手机号码"),
        (6, "所在单位"),
        (8, "身份证号"),
    ]
    assert "确认导入" not in page
    assert not Person.objects.exists()


def test_fix_preview_again_and_confirm_imports_with_history(client, union_a, officer):
    client.force_login(officer)
    rows = [roster_row(n, "EDU01") for n in range(1, 6)]
    response = upload(client, xlsx_bytes(rows), "roster.xlsx")
    assert response.context["summary"]["new"] == 5 and "确认导入" in response.content.decode()
    assert not Person.objects.exists()
    token = response.context["upload"].token
    done = client.post(reverse("cases:people_import_confirm"), {"token": token})
    assert done.status_code == 200 and done.context["summary"]["new"] == 5
    assert Person.objects.count() == 5
    assert set(Person.history.values_list("history_user", "history_change_reason")) == {
        (officer.pk, "导入：roster.xlsx")
    }
    again = client.post(reverse("cases:people_import_confirm"), {"token": token})
    assert again.status_code == 400 and "已导入或已过期" in again.content.decode()
    assert Person.objects.count() == 5


def test_confirm_refuses_a_file_changed_after_the_preview(client, union_a, officer):
    client.force_login(officer)
    response = upload(client, csv_bytes([roster_row(1, "EDU01")]))
    stored = response.context["upload"]
    with default_storage.open(stored.path, "wb") as handle:
        handle.write(csv_bytes([roster_row(1, "EDU01"), roster_row(2, "EDU01")]))
    refused = client.post(reverse("cases:people_import_confirm"), {"token": stored.token})
    assert refused.status_code == 400 and "被更改过" in refused.content.decode()
    assert not Person.objects.exists()


def test_confirm_refuses_a_forged_or_foreign_token(client, union_a, officer, officer_b):
    client.force_login(officer)
    token = upload(client, csv_bytes([roster_row(1, "EDU01")])).context["upload"].token
    assert (
        client.post(reverse("cases:people_import_confirm"), {"token": token + "x"}).status_code
        == 400
    )
    client.force_login(officer_b)
    assert client.post(reverse("cases:people_import_confirm"), {"token": token}).status_code == 400
    assert not Person.objects.exists()


def test_a_bad_file_is_refused_on_the_upload_page(client, officer):
    client.force_login(officer)
    response = upload(client, b"%PDF-1.7\x00\x00binary", "scan.pdf")
    assert response.status_code == 400 and "不是电子表格" in response.content.decode()
    response = upload(client, b"", "empty.csv")
    assert response.status_code == 400


def test_an_oversized_upload_is_refused_before_it_is_read(client, officer, monkeypatch):
    monkeypatch.setattr(transfer_files, "MAX_UPLOAD_BYTES", 1024)
    client.force_login(officer)
    response = upload(client, csv_bytes([roster_row(n, "EDU01") for n in range(40)]))
    assert response.status_code == 400 and "超过上限" in response.content.decode()


def test_the_error_report_lists_every_error_as_csv(client, union_a, officer):
    client.force_login(officer)
    rows = [roster_row(n, "EDU01", 手机号码="=1+2") for n in range(1, 4)]
    token = upload(client, csv_bytes(rows)).context["upload"].token
    response = client.get(reverse("cases:people_import_errors"), {"token": token})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,列,问题" and len(text.splitlines()) == 4


def test_the_template_has_the_contract_header_and_the_optional_columns(client, officer):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(officer)
    response = client.get(reverse("cases:people_import_template"))
    sheet = load_workbook(BytesIO(response.content)).active
    header = ["姓名", "身份证号", "性别", "手机号码", "所在单位", "岗位", "开户行", "银行账号"]
    header += ["区县", "住址", "家庭人口", "家庭月收入", "在职状态"]
    header += ["抗疫一线医务人员", "援鄂医疗队员", "劳模", "残疾"]
    assert [c.value for c in sheet[1]] == header
    assert sheet["B2"].number_format == "@"


def test_a_large_roster_is_previewed_and_imported_in_the_background(
    client, union_a, officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(PEOPLE_IMPORT, "sync_rows", 10)
    client.force_login(officer)
    rows = [roster_row(n, "EDU01") for n in range(30)]
    rows[17]["性别"] = "女" if rows[17]["性别"] == "男" else "男"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(rows))
    job = Job.objects.get(kind="cases.preview_people_import")
    assert response.url == reverse("cases:people_import_preview", args=[job.pk])
    page = client.get(response.url)
    assert page.context["summary"]["invalid"] == 1 and page.context["error_count"] == 1
    assert "下载错误清单" in page.content.decode()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    assert not Person.objects.exists()

    del rows[17]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(rows))
    page = client.get(response.url)
    assert page.context["summary"]["new"] == 29
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("cases:people_import_confirm"), {"token": page.context["upload"].token}
        )
    job = Job.objects.get(kind="cases.import_people")
    assert done.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and "新增29人" in job.message
    assert Person.objects.count() == 29


def test_the_waiting_preview_polls_until_the_job_is_done(client, officer):
    client.force_login(officer)
    job = Job.objects.create(
        kind="cases.preview_people_import", title="t", owner=officer, params={"token": "x"}
    )
    url = reverse("cases:people_import_preview", args=[job.pk])
    assert "hx-trigger" in client.get(url).content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="文件是空的。")
    assert client.get(url, HTTP_HX_REQUEST="true").headers["HX-Refresh"] == "true"
    assert "文件是空的" in client.get(url).content.decode()


def test_unconfirmed_uploads_are_removed_after_a_day(
    client, union_a, officer, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from uploads.models import PendingUpload

    client.force_login(officer)
    stale = upload(client, csv_bytes([roster_row(1, "EDU01")])).context["upload"]
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.force_login(officer)  # a day later the session has ended (accounts.sessions)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = upload(client, csv_bytes([roster_row(2, "EDU01")])).context["upload"]
    assert not default_storage.exists(stale.path) and default_storage.exists(fresh.path)
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    refused = client.post(reverse("cases:people_import_confirm"), {"token": stale.token})
    assert refused.status_code == 400 and not Person.objects.exists()

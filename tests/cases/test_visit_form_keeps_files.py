"""A refused visit form keeps the chosen photos and says so at the top (issue 15 item 4)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Attachment, Visit
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import exe_bytes, hardship_case, jpeg_bytes, person_in, upload
from tests.factories import make_user
from uploads.models import PendingUpload

TOKENS = re.compile(r'name="held_attachments" value="([^"]+)"')


@pytest.fixture
def case(union_a, officer):
    person = person_in(
        union_a, name="刘芳", household_size=3, household_monthly_income=Decimal("2400.00")
    )
    return hardship_case(person, officer)


def url(case):
    return reverse("cases:visit_create", args=[case.pk])


def visit_data(**extra):
    return {"visit_date": timezone.localdate().isoformat(), "kind": "home", **extra}


def test_a_refused_visit_keeps_the_photo_and_the_next_submit_saves_it(
    client, officer, case, private_storage
):
    client.force_login(officer)
    refused = client.post(url(case), visit_data(attachments=[upload("门口.jpg", jpeg_bytes())]))

    body = refused.content.decode()
    assert refused.status_code == 200 and not Visit.objects.exists()
    summary = body[
        body.index("data-error-summary") : body.index("</div>", body.index("data-error-summary"))
    ]
    assert "提交未成功，尚未保存任何内容" in summary
    assert 'href="#id_findings"' in summary and "了解到的情况" in summary
    assert "已保留您选择的 1 个文件，无需重新选择。" in summary
    assert "门口.jpg" in body
    tokens = TOKENS.findall(body)
    assert len(tokens) == 1 and PendingUpload.objects.get().owner == officer

    saved = client.post(url(case), visit_data(findings="老人住院。", held_attachments=tokens))

    assert saved.status_code == 302
    attachment = Attachment.objects.get(visit__case=case)
    assert attachment.original_name == "门口.jpg" and attachment.content_type == "image/jpeg"
    assert not PendingUpload.objects.exists()
    assert_audit_intact()


def test_a_held_photo_and_a_new_one_are_saved_together(client, officer, case, private_storage):
    client.force_login(officer)
    body = client.post(url(case), visit_data(attachments=[upload("一.jpg", jpeg_bytes())])).content
    tokens = TOKENS.findall(body.decode())
    client.post(
        url(case),
        visit_data(
            findings="x", held_attachments=tokens, attachments=[upload("二.jpg", jpeg_bytes())]
        ),
    )
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
        "一.jpg",
        "二.jpg",
    ]


def test_an_unticked_held_photo_is_not_saved(client, officer, case, private_storage):
    client.force_login(officer)
    client.post(url(case), visit_data(attachments=[upload("一.jpg", jpeg_bytes())]))
    assert client.post(url(case), visit_data(findings="x")).status_code == 302
    assert not Attachment.objects.exists()


def test_a_rule_refusal_after_the_form_is_valid_also_keeps_the_photo(
    client, officer, case, private_storage
):
    client.force_login(officer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url(case),
        {
            **visit_data(findings="x", attachments=[upload("门口.jpg", jpeg_bytes())]),
            "visit_date": tomorrow,
        },
    )
    body = response.content.decode()
    assert "晚于今天" in body and len(TOKENS.findall(body)) == 1
    assert not Visit.objects.exists()


def test_a_bad_file_is_not_kept_and_its_message_names_it(client, officer, case, private_storage):
    client.force_login(officer)
    response = client.post(
        url(case),
        visit_data(
            findings="x",
            attachments=[upload("门口.jpg", jpeg_bytes()), upload("病历.jpg", exe_bytes())],
        ),
    )
    body = response.content.decode()
    assert "病历.jpg" in body and "不是 JPEG、PNG 图片或 PDF 文件" in body
    assert [u.filename for u in PendingUpload.objects.all()] == ["门口.jpg"]
    assert not Visit.objects.exists() and not Attachment.objects.exists()


def test_another_officers_held_file_cannot_be_taken(
    client, officer, case, private_storage, union_a
):
    client.force_login(officer)
    tokens = TOKENS.findall(
        client.post(
            url(case), visit_data(attachments=[upload("门口.jpg", jpeg_bytes())])
        ).content.decode()
    )
    colleague = make_user(Role.CASE_OFFICER, union_a)
    client.force_login(colleague)
    response = client.post(url(case), visit_data(findings="x", held_attachments=tokens))
    assert response.status_code == 200
    assert "请重新选择文件" in response.content.decode()
    assert not Visit.objects.exists() and PendingUpload.objects.count() == 1


def test_a_held_file_is_tied_to_its_case(client, officer, case, union_a, private_storage):
    client.force_login(officer)
    tokens = TOKENS.findall(
        client.post(
            url(case), visit_data(attachments=[upload("门口.jpg", jpeg_bytes())])
        ).content.decode()
    )
    other = hardship_case(person_in(union_a, name="王伟"), officer)
    response = client.post(url(other), visit_data(findings="x", held_attachments=tokens))
    assert "请重新选择文件" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_forged_token_is_refused_and_changes_nothing(client, officer, case, private_storage):
    client.force_login(officer)
    response = client.post(url(case), visit_data(findings="x", held_attachments=["forged"]))
    assert "请重新选择文件" in response.content.decode()
    assert not Visit.objects.exists()


def test_an_officer_of_another_union_gets_a_404_and_nothing_is_held(
    client, officer_b, case, private_storage
):
    client.force_login(officer_b)
    response = client.post(url(case), visit_data(attachments=[upload("门口.jpg", jpeg_bytes())]))
    assert response.status_code == 404
    assert not PendingUpload.objects.exists()

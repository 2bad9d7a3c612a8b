import pytest
from django.urls import reverse

from audits.models import AccessLog
from cases.exceptions import AttachmentRejected, CaseStateError, CaseworkNotAllowed
from cases.models import Attachment
from cases.services import MAX_ATTACHMENT_BYTES, add_attachment, close_case
from core.access import AccessAction
from tests.cases.conftest import stored_files
from tests.cases.factories import (
    exe_bytes,
    hardship_case,
    jpeg_bytes,
    pdf_bytes,
    person_in,
    png_bytes,
    upload,
    visit,
)


@pytest.fixture
def a_visit(union_a, officer):
    return visit(hardship_case(person_in(union_a), officer), officer)


@pytest.mark.parametrize(
    ("name", "content", "mime", "suffix", "thumb"),
    [
        ("门口.jpg", jpeg_bytes(), "image/jpeg", ".jpg", True),
        ("诊断.png", png_bytes(), "image/png", ".png", True),
        ("诊断书.pdf", pdf_bytes(), "application/pdf", ".pdf", False),
    ],
)
def test_jpeg_png_and_pdf_are_accepted_under_random_names(
    a_visit, officer, private_storage, name, content, mime, suffix, thumb
):
    attachment = add_attachment(a_visit, upload(name, content), by=officer)

    assert attachment.content_type == mime
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(suffix)
    assert name.split(".")[0] not in attachment.file.name
    assert bool(attachment.thumbnail) is thumb
    assert (private_storage / attachment.file.name).read_bytes() == content
    assert attachment.history.get().history_user == officer


def test_the_type_comes_from_the_content_not_the_name(a_visit, officer, private_storage):
    attachment = add_attachment(
        a_visit, upload("scan.pdf", png_bytes(), "application/pdf"), by=officer
    )
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")


def test_an_executable_renamed_jpg_is_refused(a_visit, officer, private_storage):
    with pytest.raises(AttachmentRejected) as error:
        add_attachment(a_visit, upload("photo.jpg", exe_bytes(), "image/jpeg"), by=officer)

    assert error.value.message == (
        "文件“photo.jpg”不是 JPEG、PNG 图片或 PDF 文件（按内容识别，与扩展名无关）。"
    )
    assert not Attachment.objects.exists()
    assert stored_files(private_storage) == []


@pytest.mark.parametrize(
    "content",
    [b"GIF89a" + b"\x00" * 100, b"PK\x03\x04" + b"\x00" * 100, b"just some text"],
    ids=["gif", "zip", "text"],
)
def test_other_types_are_refused(a_visit, officer, content):
    with pytest.raises(AttachmentRejected):
        add_attachment(a_visit, upload("x.jpg", content), by=officer)


def test_a_file_of_eleven_megabytes_is_refused(a_visit, officer, private_storage):
    content = jpeg_bytes() + b"\x00" * (11 * 1024 * 1024)
    with pytest.raises(AttachmentRejected) as error:
        add_attachment(a_visit, upload("big.jpg", content), by=officer)

    assert "超过 10 MB 的上限" in error.value.message
    assert "11.0 MB" in error.value.message
    assert stored_files(private_storage) == []


def test_a_file_of_exactly_ten_megabytes_is_accepted(a_visit, officer, private_storage):
    content = pdf_bytes() + b" " * (MAX_ATTACHMENT_BYTES - len(pdf_bytes()))
    assert add_attachment(a_visit, upload("max.pdf", content), by=officer).size == len(content)


def test_a_corrupt_image_with_a_jpeg_header_is_refused(a_visit, officer):
    with pytest.raises(AttachmentRejected) as error:
        add_attachment(a_visit, upload("bad.jpg", jpeg_bytes()[:40]), by=officer)
    assert "已损坏" in error.value.message


def test_an_empty_file_is_refused(a_visit, officer):
    with pytest.raises(AttachmentRejected):
        add_attachment(a_visit, upload("empty.jpg", b""), by=officer)


def test_auditors_cannot_add_attachments(a_visit, auditor):
    with pytest.raises(CaseworkNotAllowed):
        add_attachment(a_visit, upload("a.jpg", jpeg_bytes()), by=auditor)


def test_a_closed_case_takes_no_attachments(a_visit, officer):
    close_case(a_visit.case, by=officer, reason="resolved")
    with pytest.raises(CaseStateError):
        add_attachment(a_visit, upload("a.jpg", jpeg_bytes()), by=officer)


# --- download ---------------------------------------------------------------------------------


@pytest.fixture
def photo(a_visit, officer, private_storage):
    return add_attachment(a_visit, upload("门口.jpg", jpeg_bytes()), by=officer)


def test_an_officer_in_scope_downloads_the_file(client, officer, photo):
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_download", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert "no-store" in response["Cache-Control"]


def test_the_thumbnail_is_served_as_jpeg(client, officer, photo):
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_thumbnail", args=[photo.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("role", ["finance", "auditor"])
def test_readers_of_the_federation_can_download(request, client, role, photo):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("cases:attachment_download", args=[photo.pk])).status_code == 200


def test_an_officer_of_another_union_gets_404_and_the_attempt_is_logged(client, officer_b, photo):
    client.force_login(officer_b)
    for name in ("cases:attachment_download", "cases:attachment_thumbnail"):
        response = client.get(reverse(name, args=[photo.pk]))
        assert response.status_code == 404
    log = AccessLog.objects.filter(action=AccessAction.OUT_OF_SCOPE, user=officer_b)
    assert log.count() == 2
    assert log.first().object_type == "cases.attachment"


def test_anonymous_visitors_are_sent_to_sign_in(client, photo):
    response = client.get(reverse("cases:attachment_download", args=[photo.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

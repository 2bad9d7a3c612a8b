"""Files in an S3-compatible object store (moto's server on loopback): written privately, read
back by every instance, served only after the scope check — streamed or through nginx."""

from pathlib import Path
from urllib.request import urlopen

import pytest
from django.urls import reverse

from cases.services import add_attachment
from jobs.execution import execute_job
from jobs.models import Job
from relief.settings.storage import default_storage_from_env
from tests.cases.factories import hardship_case, jpeg_bytes, pdf_bytes, person_in, upload, visit
from tests.jobs.test_jobs import count_rows  # noqa: F401  (registers the job kind)

PUBLIC_GRANTEE = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def photo(bucket, union_a, officer):
    a_visit = visit(hardship_case(person_in(union_a), officer), officer)
    return add_attachment(a_visit, upload("门口.jpg", jpeg_bytes()), by=officer)


def test_without_a_bucket_files_stay_on_the_local_disk(tmp_path):
    setting = default_storage_from_env({}, tmp_path)
    assert setting["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert setting["OPTIONS"] == {"location": tmp_path, "base_url": None}


def test_a_bucket_in_the_environment_selects_the_private_object_store():
    setting = default_storage_from_env(
        {"RELIEF_S3_BUCKET": "relief", "RELIEF_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        Path("/unused"),
    )
    assert setting["BACKEND"] == "storages.backends.s3.S3Storage"
    options = setting["OPTIONS"]
    assert options["bucket_name"] == "relief"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_an_attachment_and_its_thumbnail_go_to_the_bucket_privately(photo, bucket, s3):
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {photo.file.name, photo.thumbnail.name}
    body = s3.get_object(Bucket=bucket, Key=photo.file.name)["Body"].read()
    assert body == jpeg_bytes()
    grants = s3.get_object_acl(Bucket=bucket, Key=photo.file.name)["Grants"]
    assert all(g["Grantee"].get("URI") != PUBLIC_GRANTEE for g in grants)


def test_an_officer_in_scope_gets_the_file_streamed_from_the_bucket(client, officer, photo):
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_download", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert "no-store" in response["Cache-Control"]


def test_an_officer_of_another_union_gets_404_not_the_object(client, officer_b, photo):
    client.force_login(officer_b)
    response = client.get(reverse("cases:attachment_download", args=[photo.pk]))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_an_object_removed_from_the_bucket_is_a_404(client, officer, photo, bucket, s3):
    s3.delete_object(Bucket=bucket, Key=photo.file.name)
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_download", args=[photo.pk]))
    assert response.status_code == 404


def test_behind_nginx_the_view_hands_over_a_short_lived_presigned_path(
    client, settings, officer, officer_b, photo, bucket, object_store_endpoint
):
    settings.RELIEF_X_ACCEL_REDIRECT = "/_protected/"
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_download", args=[photo.pk]) + "?download=1")
    assert response.status_code == 200
    assert response.content == b""
    internal = response["X-Accel-Redirect"]
    assert internal.startswith(f"/_protected/{bucket}/{photo.file.name}?")
    assert "X-Amz-Signature=" in internal and "X-Amz-Expires=60" in internal
    assert response["Content-Disposition"].startswith("attachment;")
    # What nginx's internal location does: proxy the path below the prefix to the object store.
    with urlopen(object_store_endpoint + internal.removeprefix("/_protected")) as fetched:  # noqa: S310
        assert fetched.read() == jpeg_bytes()
    client.force_login(officer_b)
    refused = client.get(reverse("cases:attachment_download", args=[photo.pk]))
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_behind_nginx_a_local_file_is_handed_over_by_its_path(
    client, settings, officer, union_a, private_storage
):
    settings.RELIEF_X_ACCEL_REDIRECT = "/_protected/"
    a_visit = visit(hardship_case(person_in(union_a), officer), officer)
    scan = add_attachment(a_visit, upload("诊断书.pdf", pdf_bytes(), "application/pdf"), by=officer)
    client.force_login(officer)
    response = client.get(reverse("cases:attachment_download", args=[scan.pk]))
    assert response["X-Accel-Redirect"] == f"/_protected/{scan.file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert (private_storage / scan.file.name).read_bytes() == pdf_bytes()


def test_a_job_result_lands_in_the_bucket_and_only_its_owner_downloads_it(
    client, bucket, s3, officer, officer_b
):
    job = Job.objects.create(kind="tests.count_rows", title="t", owner=officer, params={"rows": 3})
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert s3.get_object(Bucket=bucket, Key=job.result_file.name)["Body"].read() == b"rows,3\n"
    client.force_login(officer_b)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    client.force_login(officer)
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"rows,3\n"

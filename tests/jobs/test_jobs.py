import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import RuleViolation
from jobs.execution import execute_job
from jobs.models import Job, JobStatus
from jobs.registry import JobResult, job_handler
from jobs.services import start_job
from tests.factories import make_user


@job_handler("tests.count_rows")
def count_rows(job, progress):
    total = job.params["rows"]
    for done in range(1, total + 1):
        progress(done, total)
    return JobResult(filename="rows.csv", content=f"rows,{total}\n".encode(), message="ok")


@job_handler("tests.refuse")
def refuse(job, progress):
    raise RuleViolation("第3行：身份证号校验位不正确")


@job_handler("tests.crash")
def crash(job, progress):
    raise ZeroDivisionError


@pytest.fixture
def user(union_a):
    return make_user(Role.CASE_OFFICER, union_a)


def test_a_started_job_runs_after_commit_and_offers_its_file(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="tests.count_rows", title="count", by=user, params={"rows": 1200})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total, job.percent) == (1200, 1200, 100)
    assert job.result_name == "rows.csv"
    assert job.result_file.read() == b"rows,1200\n"


def test_a_rule_violation_is_shown_to_the_user_as_the_failure_message(user):
    job = Job.objects.create(kind="tests.refuse", title="t", owner=user)
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "第3行：身份证号校验位不正确"


def test_an_unexpected_error_fails_the_job_without_leaking_details(user):
    job = Job.objects.create(kind="tests.crash", title="t", owner=user)
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "ZeroDivisionError" not in job.message and job.message


def test_unknown_kind_is_refused_when_starting(user):
    with pytest.raises(KeyError):
        start_job(kind="tests.nope", title="t", by=user)
    assert not Job.objects.exists()


def test_only_the_owner_sees_a_job_and_its_download(client, user, officer_b):
    job = Job.objects.create(kind="tests.count_rows", title="t", owner=user, params={"rows": 2})
    execute_job(str(job.pk))
    client.force_login(officer_b)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200 and "rows.csv" in page.content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"rows,2\n"


def test_a_running_job_page_polls_and_a_finished_one_stops(client, user):
    job = Job.objects.create(kind="tests.count_rows", title="t", owner=user, params={"rows": 2})
    client.force_login(user)
    assert "hx-trigger" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    execute_job(str(job.pk))
    fragment = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in fragment.content.decode()


def test_the_job_list_shows_only_own_jobs_in_a_fixed_number_of_queries(
    client, user, officer_b, django_assert_num_queries
):
    Job.objects.create(kind="tests.count_rows", title="someone else's", owner=officer_b)
    client.force_login(user)
    url = reverse("jobs:list")
    client.get(url)  # stamps the session's activity, which the pinned requests then only read
    for extra in (1, 20):
        for n in range(extra):
            Job.objects.create(kind="tests.count_rows", title=f"mine {n}", owner=user)
        # session, user, groups, permissions ×2, organisation (the nav), the jobs
        with django_assert_num_queries(7):
            response = client.get(url)
    body = response.content.decode()
    assert body.count("mine ") == 21 and "someone else's" not in body

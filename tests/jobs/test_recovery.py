"""A worker that dies mid-job: its job is queued again or failed with the reason — never left
running, never completed twice."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from jobs.execution import execute_job
from jobs.heartbeat import Heartbeat, beat
from jobs.models import Job, JobStatus, WorkerHeartbeat
from jobs.recovery import LOST_EXCEPTION, recover_lost_jobs
from jobs.registry import job_handler
from notifications.models import Notification
from tests.jobs.test_jobs import count_rows  # noqa: F401  (registers the job kind)

pytestmark = pytest.mark.django_db


@job_handler("tests.taken_over")
def taken_over(job, progress):
    """While this run works, its worker is taken for dead and the job handed to another run."""
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=job.attempts + 1)
    from jobs.registry import JobResult

    return JobResult(filename="late.csv", content=b"late")


def _running(owner, *, worker="w-dead", attempts=1, silent_for=120) -> Job:
    beat(worker)
    WorkerHeartbeat.objects.filter(worker_id=worker).update(
        beat_at=timezone.now() - timedelta(seconds=silent_for)
    )
    return Job.objects.create(
        kind="tests.count_rows",
        title="t",
        owner=owner,
        params={"rows": 2},
        status=JobStatus.RUNNING,
        worker_id=worker,
        attempts=attempts,
        started_at=timezone.now(),
    )


def test_the_job_of_a_silent_worker_is_queued_again_and_then_done_once(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.RELIEF_WORKER_STALE_SECONDS = 60
    job = _running(officer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        changed = recover_lost_jobs()
    assert [j.pk for j in changed] == [job.pk]
    assert len(callbacks) == 1  # queued once more; the test backend runs it at once
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert job.result_file.read() == b"rows,2\n"
    assert not WorkerHeartbeat.objects.exists()


def test_a_job_whose_runs_are_used_up_fails_with_the_reason(officer, settings):
    settings.RELIEF_JOB_MAX_ATTEMPTS = 2
    job = _running(officer, attempts=2)
    recover_lost_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "后台进程中途停止" in job.message and "2" in job.message
    assert job.finished_at is not None
    told = Notification.objects.get(recipient=officer)
    assert told.link == job.get_absolute_url() and "失败" in told.message


def test_the_jobs_of_a_live_worker_are_left_alone(officer):
    job = _running(officer, worker="w-live", silent_for=1)
    assert recover_lost_jobs() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert WorkerHeartbeat.objects.filter(worker_id="w-live").exists()


def test_the_task_row_held_by_a_dead_worker_is_closed_as_failed(officer):
    _running(officer)
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="jobs.tasks.run_job",
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        worker_ids=["w-dead"],
    )
    other = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="jobs.tasks.run_job",
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        worker_ids=["w-dead", "w-other"],
    )
    recover_lost_jobs()
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == LOST_EXCEPTION
    assert other.status == TaskResultStatus.RUNNING


def test_a_run_that_was_superseded_does_not_finish_the_job(officer):
    job = Job.objects.create(kind="tests.taken_over", title="t", owner=officer)
    returned = execute_job(str(job.pk), worker_id="w-slow")
    job.refresh_from_db()
    assert returned.status == JobStatus.RUNNING
    assert job.status == JobStatus.RUNNING and job.attempts == 2
    assert not job.result_file


def test_a_job_that_is_not_queued_is_not_run_again(officer):
    job = Job.objects.create(kind="tests.count_rows", title="t", owner=officer, params={"rows": 2})
    execute_job(str(job.pk), worker_id="w1")
    first = Job.objects.get(pk=job.pk)
    again = execute_job(str(job.pk), worker_id="w2")
    assert again.status == JobStatus.DONE
    assert again.attempts == first.attempts == 1
    assert again.worker_id == "w1"


def test_a_worker_beats_when_it_starts_and_removes_its_row_when_it_stops():
    heartbeat = Heartbeat("w-clean", interval=30)
    heartbeat.start()
    row = WorkerHeartbeat.objects.get(worker_id="w-clean")
    assert row.beat_at <= timezone.now()
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="w-clean").exists()


def test_a_worker_restarted_under_its_old_id_recovers_the_job_the_crashed_one_left_running(
    officer, settings, django_capture_on_commit_callbacks
):
    """systemd restarts a crashed relief-worker@1 within seconds under the same --worker-id,
    before its heartbeat goes stale: the job the dead process held must not stay "running"."""
    settings.RELIEF_WORKER_STALE_SECONDS = 60
    job = _running(officer, worker="host-1", silent_for=3)
    heartbeat = Heartbeat("host-1", interval=30)
    with django_capture_on_commit_callbacks(execute=True):
        heartbeat.start()
    heartbeat.stop()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)

"""The worker's daily checkpoint: written to the file storage (object storage in production),
where the auditor downloads the latest and the backup picks it up.

`manage.py audit_checkpoint --schedule-daily` starts it once; each run stores today's checkpoint
(unless one exists) and queues the next run for shortly after midnight UTC, unless a run is
already queued, so scheduling twice never doubles the chain of runs.

Each run also verifies the whole trail from the start: `verify_audit` without `--full` only
reads what was added since its last position, so tampering with older rows is this run's to
find. A run that finds a problem stores the checkpoint all the same and then fails, naming the
first problem (a failed task, visible with its reason).
"""

import datetime
import itertools
import logging

from django.utils import timezone
from django_tasks import default_task_backend, task

from .chain import CHAIN_ACCESS, CHAIN_CHANGES, position, seal_pending, verify
from .checkpoints import latest_stored_checkpoint, store_checkpoint, stored_today

TASK_PATH = "audits.tasks.store_daily_checkpoint"


def _next_run_queued() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: it cannot be asked
        return False
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()


def schedule_daily_checkpoint(*, now: datetime.datetime | None = None) -> bool:
    """Queue the next daily run (after midnight UTC); False when the backend cannot defer or a
    run is already queued."""
    if not default_task_backend.supports_defer or _next_run_queued():
        return False
    now = now or timezone.now()
    tomorrow = (now + datetime.timedelta(days=1)).replace(hour=0, minute=10, second=0)
    store_daily_checkpoint.using(run_after=tomorrow).enqueue()
    return True


class AuditTrailNotIntact(Exception):
    """The daily full verification found tampering (the message names the first problem)."""


def verify_fully(max_problems: int = 20) -> None:
    """Verify everything from the start; a clean run becomes the last verified position."""
    seal_pending()
    reached = position.snapshot()
    problems = list(itertools.islice(verify(seal=False), max_problems))
    if problems:
        for problem in problems:
            logging.getLogger(__name__).error("audit trail not intact: %s", problem)
        raise AuditTrailNotIntact(f"审计链不完整：{problems[0]}（共显示 {len(problems)} 个问题）")
    position.record(reached)


@task()
def store_daily_checkpoint() -> str:
    try:
        name = latest_stored_checkpoint() if stored_today() else None
        name = name or store_checkpoint()
        verify_fully()
        return name
    finally:
        # Also after a failure (the storage down for a moment): one bad day must not end the
        # series; the failed run stays visible as a failed task.
        schedule_daily_checkpoint()


@task()
def seal_chains(name: str = "") -> int:
    """Link the unsealed rows of chain `name` (every chain when empty) into it: writers only
    ask for this after their commit (`audits.chain.sealing.request_seal`), so the chain's lock,
    MACs and UPDATEs stay off the request path. Waits for a sealer already at work, then seals
    what it left, so no committed row is left behind by a race between two workers."""
    chains = (name,) if name else (CHAIN_CHANGES, CHAIN_ACCESS)
    return seal_pending(chains=chains)

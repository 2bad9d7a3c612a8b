"""`manage.py verify_audit`: exit 0 when the history is intact, else 1 naming what is wrong.

Without `--full` it continues from the last verified position (signed; see
`audits.chain.position`): only what was added since is read, and a clean run moves the position
forward. `--full` reads everything from the start; so does a run that finds no trusted position.

With `--checkpoint FILE` it also fails when the chains are shorter than, or differ from, that
checkpoint (see `audits.checkpoints`), or an audited table holds fewer rows than it recorded.
"""

import itertools
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.chain import position, seal_pending, unsealed_counts, verify
from audits.checkpoints import CheckpointUnreadable, checkpoint_problems, loads


class Command(BaseCommand):
    help = "检查历史记录与访问日志的审计链是否完整（篡改、删除、伪造）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Do not seal pending rows first (read-only check; unsealed rows are still "
            "checked against their digests).",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Verify everything from the start, not only what was added since the last "
            "verified position.",
        )
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not move the last verified position after a clean run (a read-only check, "
            "as after a restore).",
        )
        parser.add_argument(
            "--checkpoint",
            help="A checkpoint file (audit_checkpoint --out): the chains must reach it unchanged.",
        )
        parser.add_argument(
            "--max-problems", type=int, default=20, help="Stop after this many problems."
        )

    def handle(  # noqa: C901 — one linear procedure: read, seal, plan, verify, report
        self,
        *args,
        no_seal=False,
        full=False,
        no_record=False,
        max_problems=20,
        checkpoint=None,
        **options,
    ):
        started = time.monotonic()
        expected = None
        if checkpoint:
            try:
                expected = loads(Path(checkpoint).read_bytes())
            except (OSError, CheckpointUnreadable) as exc:
                raise CommandError(
                    f"cannot read checkpoint {checkpoint}: {exc}", returncode=2
                ) from None
        if not no_seal:
            sealed = seal_pending()
            if sealed:
                self.stdout.write(f"sealed {sealed} pending rows")
        else:
            # Written but not yet linked by the worker: checked against their own digests
            # below, chained by the next seal; waiting is not tampering.
            for name, waiting in unsealed_counts().items():
                if waiting:
                    self.stdout.write(f"{waiting} {name} entries waiting to be sealed")
        since, problems = (None, []) if full else position.stored()
        reached = position.snapshot()
        if since is None:
            self.stdout.write("full verification")
        else:
            self.stdout.write(
                f"incremental verification from change seq {since.change_seq}, "
                f"access seq {since.access_seq}"
            )
        found = verify(seal=False, since=since)
        if expected is not None:
            # The checkpoint first: a rolled-back tail is invisible to the chain itself.
            found = itertools.chain(checkpoint_problems(expected), found)
        for problem in found:
            problems.append(problem)
            if len(problems) >= max_problems:
                break
        elapsed = time.monotonic() - started
        if problems:
            self.stderr.write(f"FIRST PROBLEM: {problems[0]}")
            for problem in problems[1:]:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"audit trail NOT intact: {len(problems)} problem(s) shown ({elapsed:.1f}s)",
                returncode=1,
            )
        if not no_record:
            position.record(reached)
        self.stdout.write(self.style.SUCCESS(f"audit trail intact ({elapsed:.1f}s)"))

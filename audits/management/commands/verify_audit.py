"""`manage.py verify_audit`: exit 0 when the history is intact, else 1 naming what is wrong."""

import time

from django.core.management.base import BaseCommand, CommandError

from audits.chain import seal_pending, verify


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
            "--max-problems", type=int, default=20, help="Stop after this many problems."
        )

    def handle(self, *args, no_seal=False, max_problems=20, **options):
        started = time.monotonic()
        if not no_seal:
            sealed = seal_pending()
            if sealed:
                self.stdout.write(f"sealed {sealed} pending rows")
        problems = []
        for problem in verify(seal=False):
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
        self.stdout.write(self.style.SUCCESS(f"audit trail intact ({elapsed:.1f}s)"))

"""`manage.py audit_checkpoint --out FILE`: a signed JSON checkpoint of the audit chains.

The contract other tools rely on (the backup includes the latest checkpoint through it). Keep the
file outside the database; `verify_audit --checkpoint FILE` checks the database against it.
`--store` writes it to the file storage instead, where the auditor can download the latest;
`--schedule-daily` has the worker (`db_worker`) store one every day from now on.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.checkpoints import build_checkpoint, dumps, store_checkpoint


class Command(BaseCommand):
    help = "写出签名的审计链检查点（JSON），保存在数据库之外。"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--out", help="Write the checkpoint to this file ('-': stdout).")
        target.add_argument(
            "--store", action="store_true", help="Write it to the file storage (object store)."
        )
        target.add_argument(
            "--schedule-daily",
            action="store_true",
            help="Have the worker store one today and every day after (idempotent).",
        )

    def handle(self, *args, out=None, store=False, schedule_daily=False, **options):
        if schedule_daily:
            from audits.tasks import store_daily_checkpoint

            result = store_daily_checkpoint.enqueue()
            self.stdout.write(f"daily checkpoint scheduled ({result.status})")
            return
        if store:
            name = store_checkpoint()
            self.stdout.write(f"checkpoint stored as {name}")
            return
        text = dumps(build_checkpoint())
        if out == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc}", returncode=2) from None
        self.stdout.write(f"checkpoint written to {out}")

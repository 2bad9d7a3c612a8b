"""`manage.py restore --from DIR [--replace]`: the reverse of `backup`, checked first."""

from pathlib import Path

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupRefused, do_restore


class Command(BaseCommand):
    help = "从备份恢复数据库和文件；先核对清单，目标数据库非空时拒绝（除非 --replace）。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="A backup folder.")
        parser.add_argument(
            "--replace", action="store_true", help="Overwrite a database that already has data."
        )

    def handle(self, *args, source: str, replace: bool, **options):
        try:
            manifest = do_restore(Path(source), replace=replace)
        except BackupRefused as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"restored {manifest['database']['vendor']} database and "
            f"{manifest['stored_files']} stored files from {source} "
            f"(backup of {manifest['created_at']})"
        )
        checkpoint = manifest.get("audit_checkpoint")
        if checkpoint and "verify_audit" in get_commands():
            # The restored history must reach the checkpoint taken with the backup, unchanged.
            # Full: the position stored in the backup vouches for nothing after a restore; and
            # read-only, so the restored database holds exactly what was backed up.
            call_command(
                "verify_audit",
                checkpoint=str(Path(source) / checkpoint),
                full=True,
                no_record=True,
                stdout=self.stdout,
            )

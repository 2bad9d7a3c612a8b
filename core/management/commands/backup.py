"""`manage.py backup --to DIR`: database, stored files and the latest audit checkpoint."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupRefused, do_backup


class Command(BaseCommand):
    help = "备份数据库、全部文件和最新的审计检查点（含 SHA-256 清单）。"

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="A new or empty folder.")

    def handle(self, *args, to: str, **options):
        try:
            manifest = do_backup(Path(to))
        except BackupRefused as error:
            raise CommandError(error.message) from None
        size = sum(entry["size"] for entry in manifest["entries"])
        self.stdout.write(
            f"backup written to {to}: {manifest['database']['vendor']} database, "
            f"{manifest['stored_files']} stored files, {size / 1e6:.1f} MB"
        )

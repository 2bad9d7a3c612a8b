from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from cases.services import archive_file, files_due_for_archiving
from core.errors import RuleViolation


class Command(BaseCommand):
    help = (
        "List the closed hardship files whose retention has ended; with --archive --user U, "
        "archive them as U (nothing is deleted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--archive", action="store_true", help="archive the listed files")
        parser.add_argument("--user", help="the username archiving (required with --archive)")

    def handle(self, *args, archive=False, user=None, **options):
        by = None
        if archive:
            if not user:
                raise CommandError("--archive needs --user USERNAME")
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"no user named {user!r}")
        due = list(files_due_for_archiving(Case.objects.all()))
        failed = 0
        for case in due:
            closed = f"{case.closed_at:%Y-%m-%d}"
            line = f"{case.pk}\t{case.person.name}\t{case.organisation.name}\t{closed}"
            if by is None:
                self.stdout.write(line)
                continue
            try:
                archive_file(case, by=by)
            except RuleViolation as error:
                failed += 1
                self.stderr.write(f"{line}\t{error}")
            else:
                self.stdout.write(f"{line}\tarchived")
        self.stdout.write(
            f"{len(due)} files due for archiving" + (f", {failed} refused" if failed else "")
        )
        if failed:
            raise CommandError(f"{failed} files were not archived")

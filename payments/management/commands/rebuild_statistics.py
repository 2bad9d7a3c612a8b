"""Recompute the statistics' tallies from the payments and the files, or check them.

python manage.py rebuild_statistics            # fill (after an upgrade) or repair
python manage.py rebuild_statistics --check    # exit 1 naming every differing key

The money tallies (`payments.MoneyTally`, `PersonTally`) and the file tallies
(`cases.FileTally`) are kept by their services; this is the recount from the records.
"""

from django.core.management.base import BaseCommand, CommandError

from cases.services.file_tallies import file_differences, rebuild_file_tallies
from payments.services.tallies import differences, rebuild_tallies, tally_years

SHOWN = 50


class Command(BaseCommand):
    help = "Recompute the statistics tallies from the payments and files (--check: compare only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the tallies with the records; exit 1 naming the differing keys",
        )

    def handle(self, *args, check: bool = False, **options):
        if not check:
            rebuild_tallies()
            rebuild_file_tallies()
            self.stdout.write("Statistics tallies rebuilt from the payments and the files.")
            return
        found: list[str] = []
        for year in tally_years():
            found += differences(year)
        found += file_differences()
        if found:
            for line in found[:SHOWN]:
                self.stderr.write(line)
            if len(found) > SHOWN:
                self.stderr.write(f"… and {len(found) - SHOWN} more")
            raise CommandError(f"{len(found)} tally keys differ from the payments and files.")
        self.stdout.write("Statistics tallies agree with the payments and the files.")

"""Visits planned for coming occasions, and the day's reminders (idempotent: run it any time)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.tasks import daily_casework, run_daily_casework


class Command(BaseCommand):
    help = (
        "Generate the visits planned for occasions within their lead days, then send the day's"
        " reminders. --schedule-daily has the worker do it every day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="as if today were this date (YYYY-MM-DD)")
        parser.add_argument(
            "--schedule-daily",
            action="store_true",
            help="have the worker (db_worker) run it today and every day after (idempotent)",
        )

    def handle(self, *args, date=None, schedule_daily=False, **options):
        if schedule_daily:
            result = run_daily_casework.enqueue()
            self.stdout.write(f"daily casework scheduled ({result.status})")
            return
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date {date!r}: expected YYYY-MM-DD") from error
        counts = daily_casework(today)
        self.stdout.write(
            "planned visits: {planned} new; reminders: {follow_ups} follow-ups, {reviews} reviews,"
            " {occasions} occasions".format(**counts)
        )

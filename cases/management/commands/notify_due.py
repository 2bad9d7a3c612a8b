import datetime

from django.core.management.base import BaseCommand

from cases.notices import notify_due_casework


class Command(BaseCommand):
    help = (
        "Daily reminders: follow-ups and yearly reviews due soon or overdue, occasions within"
        " 10 days (run once a day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, date=None, **options):
        today = datetime.date.fromisoformat(date) if date else None
        follow_ups, reviews, occasions = notify_due_casework(today)
        self.stdout.write(
            f"reminders: {follow_ups} follow-ups, {reviews} reviews, {occasions} occasions"
        )

from django.core.management.base import BaseCommand

from notifications.services import send_digests


class Command(BaseCommand):
    help = "E-mail each user their new notifications in one message (run once a day)."

    def handle(self, *args, **options):
        sent, included = send_digests()
        self.stdout.write(f"digest: {sent} e-mails, {included} notifications")

"""`python manage.py seed_demo [--people N] [--seed S] [--reset]`: the demo organisation.

Every app adds its part through a seeder registered in its `demo` module (see `core.demo`).
Deterministic for a seed. Safe to run twice: when the demo federation is already there the
command changes nothing and prints the logins again; `--reset` empties the database and rebuilds
the demo from scratch.
"""

import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cases.demo.people import DEMO_PASSWORD, DEMO_USERS, ROOT_CODE, ROOT_NAME
from cases.models import Organisation, Person
from core.demo import DemoContext, run_seeders


class Command(BaseCommand):
    help = "Load a deterministic demo organisation: unions, one user per role, people and more."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2000, help="number of people (2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the database (demo databases only) and load the demo again",
        )

    def handle(self, *args, people: int, seed: int, reset: bool, **options):
        if people < 0:
            raise CommandError("--people must be zero or more.")
        existing = Organisation.objects.filter(parent__isnull=True).first()
        if existing is not None and not reset:
            if existing.code != ROOT_CODE or existing.name != ROOT_NAME:
                raise CommandError(
                    f"The database already holds another organisation tree ({existing}); "
                    "seed_demo only loads into an empty database."
                )
            self.stdout.write(
                f"Demo data already loaded ({Person.objects.count()} people); nothing changed. "
                "Use --reset to rebuild it."
            )
            self.print_logins()
            return
        if existing is not None and reset:
            if existing.code != ROOT_CODE or existing.name != ROOT_NAME:
                raise CommandError("--reset only empties a demo database; this one is not.")
            if connection.vendor == "postgresql":
                # The audit tables refuse TRUNCATE unless the session asks for it on purpose.
                with connection.cursor() as cursor:
                    cursor.execute("SET relief.allow_truncate = 'on'")
            call_command("flush", interactive=False, verbosity=0)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("RESET relief.allow_truncate")

        started = time.monotonic()
        context = DemoContext(
            seed=seed,
            people=people,
            rng=random.Random(seed),
            today=timezone.localdate(),
            stdout=self.stdout,
        )
        with transaction.atomic():
            run_seeders(context)
        self.stdout.write(f"Demo data loaded in {time.monotonic() - started:.1f} s (seed {seed}).")
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, display_name, role, _org, _staff in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role.label} · {display_name}")

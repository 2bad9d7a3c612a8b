"""Demo data: each app contributes a seeder in its `demo` module, run in a fixed order.

`seed_demo` imports every installed app's `demo` module (like admin autodiscovery) and runs the
registered seeders by `order`. A seeder receives the shared `DemoContext` and adds what its app
owns, so no app reaches into another's tables.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SEEDERS: list[tuple[int, str, Callable[["DemoContext"], None]]] = []


@dataclass
class DemoContext:
    seed: int
    people: int
    rng: random.Random
    today: datetime.date
    stdout: Any = None
    # Filled by earlier seeders for later ones: organisations by code, users by username, etc.
    data: dict[str, Any] = field(default_factory=dict)

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def register(order: int) -> Callable:
    """Decorator: `@register(order=20)` adds a seeder; lower orders run first."""

    def decorate(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        name = f"{func.__module__}.{func.__qualname__}"
        if all(existing != name for _, existing, _ in SEEDERS):
            SEEDERS.append((order, name, func))
        return func

    return decorate


def run_seeders(context: DemoContext) -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    for _order, _name, seeder in sorted(SEEDERS, key=lambda item: (item[0], item[1])):
        seeder(context)

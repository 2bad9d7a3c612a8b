"""Demo seeder (order 26): the standard occasions calendar, and the visits the daily worker run
would have planned over the last month (so the dashboard shows planned vs done, overdue ones
included). Deterministic: it follows the calendar and the people seeded before it."""

from __future__ import annotations

import datetime

from core.demo import DemoContext, register

from ..services.occasions import ensure_standard_calendar, plan_occasion_visits

DAYS_BACK = 30


@register(order=26)
def seed_occasions(ctx: DemoContext) -> None:
    admin = ctx.data.get("users", {}).get("admin")
    ensure_standard_calendar(by=admin)
    planned = sum(
        plan_occasion_visits(ctx.today - datetime.timedelta(days=back))
        for back in range(DAYS_BACK, -1, -1)
    )
    ctx.say(f"occasions: calendar ready, {planned} planned visits")

"""Demo seeder (order 95): every demo user finds at least one notification waiting.

The payment seeders' steps already told finance, the leader and the officer what waits for them
(through the same services); this adds a first note for each demo login, once."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from core.demo import DemoContext, register

from .models import NotificationKind
from .services import notify

DEMO_USERS = ("officer", "finance", "leader", "auditor", "admin")


@register(order=95)
def seed_notifications(ctx: DemoContext) -> None:
    users = get_user_model().objects.filter(username__in=DEMO_USERS)
    created = notify(
        users,
        NotificationKind.OCCASION,
        gettext_noop("元旦、春节将至：请按下拨的经费和名额安排送温暖走访。"),
        link="/payments/campaigns/",
        key="demo:season",
    )
    ctx.say(f"notifications: {created} demo notes")

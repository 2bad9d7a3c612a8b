"""Demo seeder (order 40): the 2026 medical-staff recuperation programme.

Three sessions (two past, one coming), quotas for the officer's hospital union and one more
health union, and nominations in every state — walked through `recuperation.services` by the
demo users (admin sets up, officer nominates, leader approves, finance records attendance), so
the history reads as real work did. Safe to run twice: an existing programme is left alone.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from cases.models import EmploymentStatus, Organisation, Person
from core.demo import DemoContext, register

from . import services
from .models import Programme

NAME = "2026年医护人员疗休养"
D = datetime.date

SESSIONS = [
    ("浙江·千岛湖", "浙江省总工会千岛湖职工疗休养院", D(2026, 5, 11), D(2026, 5, 16), 6, "2800.00"),
    ("安徽·黄山", "黄山市工人疗养院", D(2026, 10, 12), D(2026, 10, 17), 6, "3200.00"),
    ("浙江·莫干山", "莫干山职工疗休养基地", D(2026, 12, 21), D(2026, 12, 26), 8, "2600.00"),
]
# Per session: the end state of each nomination; "declined>x" is declined and replaced by a
# nomination that ends in state x.
PLAN = [
    ["attended", "attended", "absent", "declined>attended"],
    ["attended", "rejected", "attended"],
    ["nominated", "nominated", "approved", "confirmed", "confirmed", "declined>nominated"],
]
NEEDED = sum(len(states) + sum("declined>" in s for s in states) for states in PLAN)


def _walk(nomination, state, session, users) -> None:
    officer, leader, finance = users["officer"], users["leader"], users["finance"]
    if state == "nominated":
        return
    if state == "rejected":
        services.reject_nomination(nomination, by=leader, reason="本年度已安排其他关爱活动")
        return
    services.approve_nomination(nomination, by=leader)
    if state == "approved":
        return
    if state == "declined":
        services.decline_nomination(
            nomination,
            by=officer,
            reason="家中老人住院，无法成行",
            today=session.starts_on - datetime.timedelta(days=5),
        )
        return
    services.confirm_nomination(nomination, by=officer)
    if state in ("attended", "absent"):
        services.record_attendance(
            nomination, by=finance, attended=state == "attended", today=session.ends_on
        )


@register(order=40)
def seed_recuperation(ctx: DemoContext) -> None:
    User = get_user_model()
    users = {
        name: (ctx.data.get("users") or {}).get(name) or User.objects.filter(username=name).first()
        for name in ("officer", "leader", "finance", "admin")
    }
    if not all(users.values()):
        ctx.say("recuperation: demo users missing; skipped")
        return
    if Programme.objects.filter(name=NAME).exists():
        ctx.say("recuperation: demo programme exists; skipped")
        return
    officer, admin = users["officer"], users["admin"]
    union = officer.organisation
    eligible = sorted(
        Person.objects.filter(
            organisation__path__startswith=union.path,
            employment_status=EmploymentStatus.IN_SERVICE,
        )
        .filter(Q(is_frontline_medical=True) | Q(is_hubei_team=True))
        .values_list("pk", flat=True)
    )
    if len(eligible) < NEEDED:
        ctx.say(f"recuperation: fewer than {NEEDED} medical staff in the officer's union; skipped")
        return
    people = Person.objects.in_bulk(ctx.rng.sample(eligible, NEEDED))
    queue = [people[pk] for pk in sorted(people)]
    other_union = (
        Organisation.objects.filter(parent=union.parent, sector=union.sector)
        .exclude(pk=union.pk)
        .order_by("code")
        .first()
    )
    with transaction.atomic():
        programme = services.create_programme(
            by=admin,
            name=NAME,
            year=2026,
            kind="medical",
            funding_source="federation",
            budget=Decimal("60000.00"),
            repeat_window_years=3,
            organisation=admin.organisation,
        )
        sessions = [
            services.add_session(
                programme,
                by=admin,
                destination=destination,
                provider=provider,
                starts_on=starts,
                ends_on=ends,
                capacity=capacity,
                cost_per_person=Decimal(cost),
                registration_deadline=starts - datetime.timedelta(days=14),
            )
            for destination, provider, starts, ends, capacity, cost in SESSIONS
        ]
        services.set_quota(programme, union, 16, by=admin)
        if other_union is not None:
            services.set_quota(programme, other_union, 4, by=admin)
        for session, states in zip(sessions, PLAN, strict=True):
            on_time = session.registration_deadline - datetime.timedelta(days=3)
            for state in states:
                first, _, replacement_state = state.partition(">")
                person = queue.pop()
                nomination = services.nominate(
                    session,
                    person,
                    by=officer,
                    emergency_contact=f"家属 {person.mobile}" if person.mobile else "",
                    special_needs="需无糖饮食" if person.pk % 5 == 0 else "",
                    today=on_time,
                )
                _walk(nomination, first, session, users)
                if replacement_state:
                    replacement = services.nominate_replacement(
                        nomination,
                        queue.pop(),
                        by=officer,
                        today=session.starts_on - datetime.timedelta(days=4),
                    )
                    _walk(replacement, replacement_state, session, users)
    ctx.say(f"疗休养：{NAME}，3 个批次，{NEEDED} 条推荐")

"""The occasions calendar and the visits planned for it.

`ensure_standard_calendar` writes the federation's standard occasions (and the lunar dates
2026–2030) when they are missing, with history; administrators edit them, and add the
federation's own, in the admin. `plan_occasion_visits` generates, for every occasion falling
within its lead days, one planned visit per concerned person, in the person's union. Both are
idempotent: running them twice, or from the worker and the command on the same day, adds
nothing the first run added.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from simple_history.utils import bulk_create_with_history

from cases.models import (
    Audience,
    Case,
    CaseCategory,
    CaseStatus,
    Concern,
    Gender,
    OccasionDate,
    OccasionDay,
    Organisation,
    Person,
    PlannedVisit,
)
from cases.models.cases import Occasion
from cases.models.people import EmploymentStatus

__all__ = [
    "STANDARD_OCCASIONS",
    "concerned_people",
    "ensure_standard_calendar",
    "occurrences_between",
    "plan_occasion_visits",
]

C = Concern


@dataclass(frozen=True)
class StandardOccasion:
    code: str
    name: str
    month: int | None
    day: int | None
    concerns: tuple[str, ...]
    audience: str = Audience.ALL
    # year → date, for the lunar ones
    dates: tuple[tuple[int, datetime.date], ...] = ()


def _d(y: int, m: int, d: int) -> tuple[int, datetime.date]:
    return y, datetime.date(y, m, d)


# The federation's plan: who is visited on which day. Lunar dates from the official calendar.
STANDARD_OCCASIONS = (
    StandardOccasion(Occasion.NEW_YEAR, "元旦", 1, 1, (C.HARDSHIP, C.MODEL_WORKER)),
    StandardOccasion(
        Occasion.SPRING_FESTIVAL,
        "春节",
        None,
        None,
        (C.HARDSHIP, C.MODEL_WORKER, C.DISABLED),
        dates=(
            _d(2026, 2, 17),
            _d(2027, 2, 6),
            _d(2028, 1, 26),
            _d(2029, 2, 13),
            _d(2030, 2, 3),
        ),
    ),
    StandardOccasion(
        Occasion.WOMENS_DAY, "三八妇女节", 3, 8, (C.HARDSHIP, C.MODEL_WORKER), Audience.WOMEN
    ),
    StandardOccasion(Occasion.LABOUR_DAY, "五一劳动节", 5, 1, (C.MODEL_WORKER,)),
    StandardOccasion(Occasion.NURSES_DAY, "护士节", 5, 12, (C.FRONTLINE_MEDICAL, C.HUBEI_TEAM)),
    StandardOccasion(Occasion.CHILDRENS_DAY, "六一儿童节", 6, 1, (C.HARDSHIP,)),
    StandardOccasion(
        Occasion.DOCTORS_DAY, "中国医师节", 8, 19, (C.FRONTLINE_MEDICAL, C.HUBEI_TEAM)
    ),
    StandardOccasion(
        Occasion.DOUBLE_NINTH,
        "重阳节",
        None,
        None,
        (C.HARDSHIP, C.MODEL_WORKER),
        Audience.RETIRED,
        dates=(
            _d(2026, 10, 18),
            _d(2027, 10, 8),
            _d(2028, 10, 26),
            _d(2029, 10, 16),
            _d(2030, 10, 5),
        ),
    ),
    StandardOccasion(Occasion.INTL_DISABILITY_DAY, "国际残疾人日", 12, 3, (C.DISABLED,)),
)

SEED_REASON = "标准节日日历"


@transaction.atomic
def ensure_standard_calendar(*, by=None) -> int:
    """Add the standard occasions and lunar dates that are missing; returns how many rows.

    An occasion an administrator changed or switched off is left as it is (matched by code).
    """
    existing = dict(OccasionDay.objects.values_list("code", "pk"))
    new_days = [
        OccasionDay(
            code=o.code,
            name=o.name,
            month=o.month,
            day=o.day,
            concerns=list(o.concerns),
            audience=o.audience,
        )
        for o in STANDARD_OCCASIONS
        if o.code not in existing
    ]
    if new_days:
        bulk_create_with_history(
            new_days, OccasionDay, default_user=by, default_change_reason=SEED_REASON
        )
        existing = dict(OccasionDay.objects.values_list("code", "pk"))
    known = set(OccasionDate.objects.values_list("occasion_id", "year"))
    new_dates = [
        OccasionDate(occasion_id=existing[o.code], year=year, date=date)
        for o in STANDARD_OCCASIONS
        for year, date in o.dates
        if (existing[o.code], year) not in known
    ]
    if new_dates:
        bulk_create_with_history(
            new_dates, OccasionDate, default_user=by, default_change_reason=SEED_REASON
        )
    return len(new_days) + len(new_dates)


def occurrences_between(
    start: datetime.date, end: datetime.date
) -> Iterator[tuple[OccasionDay, datetime.date]]:
    """Every (active occasion, date) with the date in [start, end], in date order."""
    lunar: dict[int, list[datetime.date]] = {}
    for occasion_id, date in OccasionDate.objects.filter(date__range=(start, end)).values_list(
        "occasion_id", "date"
    ):
        lunar.setdefault(occasion_id, []).append(date)
    found: list[tuple[OccasionDay, datetime.date]] = []
    for occasion in OccasionDay.objects.filter(is_active=True).select_related("organisation"):
        if occasion.is_lunar:
            dates = lunar.get(occasion.pk, [])
        else:
            candidates = (occasion.fixed_date(y) for y in range(start.year, end.year + 1))
            dates = [d for d in candidates if d is not None and start <= d <= end]
        found.extend((occasion, d) for d in dates)
    found.sort(key=lambda pair: (pair[1], pair[0].code))
    return iter(found)


def concerned_people(occasion: OccasionDay) -> QuerySet[Person]:
    """The living people the occasion concerns: any of its flags, within its audience and
    organisation."""
    flags = Q(pk__in=[])
    concerns = set(occasion.concerns)
    if Concern.HARDSHIP in concerns:
        flags |= Q(
            Exists(
                Case.objects.filter(
                    person_id=OuterRef("pk"), category=CaseCategory.HARDSHIP
                ).exclude(status=CaseStatus.CLOSED)
            )
        )
    for concern, field in (
        (Concern.FRONTLINE_MEDICAL, "is_frontline_medical"),
        (Concern.HUBEI_TEAM, "is_hubei_team"),
        (Concern.MODEL_WORKER, "is_model_worker"),
        (Concern.DISABLED, "is_disabled"),
    ):
        if concern in concerns:
            flags |= Q(**{field: True})
    people = Person.objects.filter(flags, deceased_on__isnull=True)
    if occasion.audience == Audience.WOMEN:
        people = people.filter(gender=Gender.FEMALE)
    elif occasion.audience == Audience.RETIRED:
        people = people.filter(employment_status=EmploymentStatus.RETIRED)
    if occasion.organisation_id is not None:
        organisation: Organisation = occasion.organisation  # type: ignore[assignment]
        people = people.filter(organisation__path__startswith=organisation.path)
    return people


BATCH = 2000


def plan_occasion_visits(today: datetime.date) -> int:
    """Planned visits for every occasion within its lead days of `today`; returns how many new.

    One insert per batch, conflicts ignored: the unique (occasion, date, person) makes a second
    run, or two workers at once, add nothing.
    """
    ensure_standard_calendar()
    longest = max(OccasionDay.objects.values_list("lead_days", flat=True), default=0)
    created = 0
    for occasion, due_on in occurrences_between(today, today + datetime.timedelta(days=longest)):
        if (due_on - today).days > occasion.lead_days:
            continue
        starts_on = due_on - datetime.timedelta(days=occasion.lead_days)
        rows = (
            concerned_people(occasion)
            .exclude(
                Exists(
                    PlannedVisit.objects.filter(
                        occasion=occasion, due_on=due_on, person_id=OuterRef("pk")
                    )
                )
            )
            .order_by("pk")
            .values_list("pk", "organisation_id")
        )
        batch: list[PlannedVisit] = []
        for person_id, organisation_id in rows.iterator(chunk_size=BATCH):
            batch.append(
                PlannedVisit(
                    occasion=occasion,
                    due_on=due_on,
                    starts_on=starts_on,
                    person_id=person_id,
                    organisation_id=organisation_id,
                )
            )
            if len(batch) >= BATCH:
                created += _insert(batch)
                batch = []
        created += _insert(batch)
    return created


def _insert(batch: list[PlannedVisit]) -> int:
    if not batch:
        return 0
    PlannedVisit.objects.bulk_create(batch, ignore_conflicts=True)
    return len(batch)

"""Every read of cases data starts here, so the organisation scope cannot be forgotten.

A user sees their own organisation and everything below it (materialised path prefix). A user
without an organisation sees nothing, except superusers, who see everything.

The scope is resolved to organisation ids before the big tables are queried: a join on
`path LIKE '/1/%'` is estimated by the planner at one organisation, which at a million people
turns page 1 into a three-second count; `organisation_id IN (…)` is an index range. A scope that
covers every organisation (the federation's root) is no filter at all.
"""

import datetime

from django.db.models import Q, QuerySet

from .models import (
    Attachment,
    Case,
    CaseCategory,
    CaseStatus,
    FileStage,
    Organisation,
    Person,
    Visit,
)


def scope_path(user) -> str | None:
    """The path prefix of the user's scope; "" for all; None for nothing."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ""
    organisation = getattr(user, "organisation", None)
    return organisation.path if organisation is not None else None


ALL = None
_CACHE_ATTR = "_relief_scope_ids"


def scope_organisation_ids(user) -> frozenset[int] | None:
    """The ids of the organisations in the user's scope; None when that is every organisation.

    One query over the (small) organisation table, remembered on the user object for the rest of
    the request, keyed by the user's organisation so a change of organisation is never served a
    stale scope.
    """
    prefix = scope_path(user)
    if prefix is None:
        return frozenset()
    if prefix == "":
        return ALL
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == prefix:
        return cached[1]
    paths = Organisation.objects.order_by().values_list("id", "path")
    all_ids, in_scope = set(), set()
    for pk, path in paths:
        all_ids.add(pk)
        if path.startswith(prefix):
            in_scope.add(pk)
    ids = ALL if in_scope == all_ids else frozenset(in_scope)
    setattr(user, _CACHE_ATTR, (prefix, ids))
    return ids


def scoped_by_organisation(
    qs: QuerySet, user, organisation_field: str = "organisation"
) -> QuerySet:
    """`qs` restricted to rows whose `organisation_field` lies in the user's scope."""
    ids = scope_organisation_ids(user)
    if ids is ALL:
        return qs
    if not ids:
        return qs.none()
    return qs.filter(**{f"{organisation_field}_id__in": sorted(ids)})


def ancestor_ids(path: str) -> list[int]:
    """ "/1/7/9/" → [1, 7, 9]: the organisation of a materialised path and every one above it."""
    return [int(part) for part in path.strip("/").split("/") if part]


def run_within_scope(qs: QuerySet, user, organisation_field: str = "organisation") -> QuerySet:
    """`qs` restricted to rows run by the user's organisation or one below it."""
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{organisation_field}__path__startswith": prefix})


def run_within_or_above_scope(
    qs: QuerySet, user, organisation_field: str = "organisation"
) -> QuerySet:
    """`qs` restricted to rows run within the user's scope or by an organisation above it: a
    city-wide campaign or programme covers every union below the organisation that runs it."""
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(
        Q(**{f"{organisation_field}__path__startswith": prefix})
        | Q(**{f"{organisation_field}_id__in": ancestor_ids(prefix)})
    )


def organisations_visible_to(user) -> QuerySet[Organisation]:
    ids = scope_organisation_ids(user)
    qs = Organisation.objects.all()
    return qs if ids is ALL else qs.filter(pk__in=sorted(ids))


def people_visible_to(user) -> QuerySet[Person]:
    return scoped_by_organisation(Person.objects.all(), user, "organisation")


def cases_visible_to(user) -> QuerySet[Case]:
    return scoped_by_organisation(Case.objects.all(), user, "organisation")


def visits_visible_to(user) -> QuerySet[Visit]:
    return scoped_by_organisation(Visit.objects.all(), user, "case__organisation")


def attachments_visible_to(user) -> QuerySet[Attachment]:
    return scoped_by_organisation(Attachment.objects.all(), user, "visit__case__organisation")


def current_files(on_date: datetime.date) -> QuerySet[Case]:
    """Hardship files that may receive hardship payments on `on_date`.

    In file (approved by the upper-level union on or before the date), not closed, and approved
    or reviewed (年度复核) for the date's year: a file not reviewed for a new year gets nothing.
    """
    return Case.objects.filter(
        category=CaseCategory.HARDSHIP,
        file_stage=FileStage.IN_FILE,
        file_approved_on__lte=on_date,
        reviewed_for_year__gte=on_date.year,
    ).exclude(status=CaseStatus.CLOSED)


def person_has_current_file(person: Person | int, on_date: datetime.date) -> bool:
    """True when the person's hardship file is in file and reviewed for `on_date`'s year."""
    person_id = person if isinstance(person, int) else person.pk
    return current_files(on_date).filter(person_id=person_id).exists()

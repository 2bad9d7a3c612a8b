"""Every read of cases data starts here, so the organisation scope cannot be forgotten.

A user sees their own organisation and everything below it (materialised path prefix). A user
without an organisation sees nothing, except superusers, who see everything.
"""

import datetime

from django.db.models import QuerySet

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


def _scoped(qs: QuerySet, user, organisation_field: str) -> QuerySet:
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{organisation_field}__path__startswith": prefix})


def organisations_visible_to(user) -> QuerySet[Organisation]:
    prefix = scope_path(user)
    if prefix is None:
        return Organisation.objects.none()
    qs = Organisation.objects.all()
    return qs if prefix == "" else qs.filter(path__startswith=prefix)


def people_visible_to(user) -> QuerySet[Person]:
    return _scoped(Person.objects.all(), user, "organisation")


def cases_visible_to(user) -> QuerySet[Case]:
    return _scoped(Case.objects.all(), user, "organisation")


def visits_visible_to(user) -> QuerySet[Visit]:
    return _scoped(Visit.objects.all(), user, "case__organisation")


def attachments_visible_to(user) -> QuerySet[Attachment]:
    return _scoped(Attachment.objects.all(), user, "visit__case__organisation")


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

"""Every read of cases data starts here, so the organisation scope cannot be forgotten.

A user sees their own organisation and everything below it (materialised path prefix). A user
without an organisation sees nothing, except superusers, who see everything.
"""

from django.db.models import QuerySet

from .models import Attachment, Case, Organisation, Person, Visit


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

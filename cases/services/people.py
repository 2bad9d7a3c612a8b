"""Organisations and people: creation and updates with validation and history."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.idnumbers import birth_date_of, validate_id_number
from cases.models import Organisation, Person
from cases.normalise import normalise_number, normalise_text
from cases.treeorder import tree_orders
from core.history import attribute_change


def _set_path(organisation: Organisation) -> None:
    parent_path = organisation.parent.path if organisation.parent is not None else "/"
    organisation.path = f"{parent_path}{organisation.pk}/"


def _renumber_tree() -> dict[int, int]:
    """Bring every organisation's `tree_order` in line with the codes and parents just saved.

    The whole table is read (organisations are a few hundred at most) under FOR NO KEY UPDATE, so
    two saves renumber one after the other, while payments and people still insert against the
    rows (their foreign-key checks take KEY SHARE locks, which this does not block). Only places
    that moved are written, in one statement; no history row: the column is derived (see the
    model)."""
    rows = list(
        Organisation.objects.select_for_update(no_key=True)
        .order_by()
        .values_list("pk", "parent_id", "code", "tree_order")
    )
    places = tree_orders((pk, parent, code) for pk, parent, code, _place in rows)
    moved = [
        Organisation(pk=pk, tree_order=places[pk])
        for pk, _parent, _code, place in rows
        if pk in places and places[pk] != place
    ]
    Organisation.objects.bulk_update(moved, ["tree_order"])
    return places


@transaction.atomic
def save_organisation(organisation: Organisation, *, by=None, reason: str = "") -> Organisation:
    """Create or update an organisation and keep the materialised paths of its subtree, and every
    organisation's place in the tree order (`tree_order`), true.

    Raises ValidationError (on `parent`) for a move below the organisation's own subtree."""
    organisation.check_parent_outside_subtree()
    old_path = None
    if organisation.pk:
        old_path = (
            Organisation.objects.filter(pk=organisation.pk).values_list("path", flat=True).first()
        )
    attribute_change(organisation, by=by, reason=reason)
    if not organisation.pk:
        organisation.path = ""
        organisation.save()
    _set_path(organisation)
    organisation.save()
    if old_path and old_path != organisation.path:
        for descendant in Organisation.objects.filter(path__startswith=old_path).exclude(
            pk=organisation.pk
        ):
            descendant.path = organisation.path + descendant.path[len(old_path) :]
            attribute_change(descendant, by=by, reason=reason)
            descendant.save(update_fields=["path"])
    # Always, not only when the code or parent changed: the save above wrote this instance's
    # place as it was read, which another organisation's save may have moved since.
    organisation.tree_order = _renumber_tree().get(organisation.pk, organisation.tree_order)
    return organisation


def normalise_person_fields(person: Person) -> None:
    """The one normalisation of a person's typed data (form, import and API alike)."""
    person.id_number = normalise_number(person.id_number)
    person.mobile = normalise_number(person.mobile)
    person.bank_account = normalise_number(person.bank_account)
    for name in ("name", "position", "bank_name", "address"):
        setattr(person, name, normalise_text(getattr(person, name)))


def fill_derived_person_fields(person: Person) -> None:
    """Birth date and the indexed ID tail come from the ID number, never from input."""
    normalise_person_fields(person)
    try:
        validate_id_number(person.id_number)
    except ValidationError:
        return  # full_clean() reports the ID number's own error
    person.birth_date = birth_date_of(person.id_number)
    person.id_tail = person.id_number[-4:]


@transaction.atomic
def save_person(person: Person, *, by, reason: str = "") -> Person:
    """Create or update a person after full validation (raises ValidationError)."""
    fill_derived_person_fields(person)
    person.full_clean(exclude=["birth_date", "id_tail"])
    attribute_change(person, by=by, reason=reason)
    person.save()
    return person


__all__ = [
    "fill_derived_person_fields",
    "normalise_person_fields",
    "save_organisation",
    "save_person",
]

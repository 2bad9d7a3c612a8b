"""Choice labels and field names for list pages, translated once per field and language
instead of once per row.

Django's `get_<field>_display()` rebuilds a dict of the field's choices on every call and, to
hash each lazy label, translates every one of them: a payment's status (ten choices) costs
eleven `gettext` calls per row. On a page of 50 people, cases or payments that was a tenth of
the request's CPU (bench/pages.py). Models whose lists are read often mix in `ChoiceLabels`; the
generated `get_<field>_display()` methods then look the label up in a per-language table.
"""

from django.db import models
from django.utils.translation import get_language

# Keyed by id(): fields live as long as the process, and a lazy label cannot be a key (hashing
# one translates it).
_tables: dict[tuple[int, str | None], dict] = {}
_names: dict[tuple[int, str | None], str] = {}


def choice_labels(field: models.Field) -> dict:
    """value → translated label (a plain str) for `field` in the active language, cached."""
    key = (id(field), get_language())
    table = _tables.get(key)
    if table is None:
        table = {value: str(label) for value, label in field.flatchoices}
        _tables[key] = table
    return table


def field_label(field: models.Field) -> str:
    """The field's verbose name in the active language, cached (the change log shows one per
    changed value: hundreds of `gettext` calls a page)."""
    key = (id(field), get_language())
    label = _names.get(key)
    if label is None:
        label = _names[key] = str(field.verbose_name)
    return label


class ChoiceLabels(models.Model):
    """`get_<field>_display()` from a cached per-language table; same results as Django's."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name, overridden)
        value = getattr(self, field.attname)
        try:
            return choice_labels(field).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): Django's own way
            return super()._get_FIELD_display(field)  # type: ignore[misc]  # not in the stubs

"""Form conventions shared by every app."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class LabelsAboveMixin:
    """Labels sit above their inputs (see relief.css), so they carry no trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PlainSelect(forms.Select):
    """A single select of flat choices, written out in Python rather than through the widget
    templates: Django renders one template per option, which for the organisation filter (every
    union of a city, on every list page) cost more CPU than the list itself (10 ms for 121
    options). Same markup as `forms.Select` for flat choices; grouped choices are not supported.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)
                for key, label in ((str(v), label) for v, label in self._flat_choices())
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)

    def _flat_choices(self):
        """The choices; a model field's rows read in one plain query. `ModelChoiceIterator`
        reads them through `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor:
        DECLARE, FETCH and CLOSE, three round trips for a few hundred rows."""
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            yield from choices
            return
        field = choices.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        for obj in choices.queryset:
            yield (field.prepare_value(obj), field.label_from_instance(obj))

"""Optimistic concurrency for edit forms: a stale form never silently undoes someone's edit.

The form carries the record's version (its latest history row id) in a hidden field. When the
form comes back, a newer history row means someone saved in between: the form is refused with
"已被他人修改", naming who changed which field from what to what, and the hidden version moves
on, so submitting again (after looking) saves. Views that save inside a transaction call
`check_version()` again after locking the row, which closes the gap between clean and save.
"""

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.formatting import format_datetime, mask
from core.numbers import as_id

SENSITIVE_FIELDS = frozenset({"id_number", "bank_account"})


def _history(instance: models.Model) -> Any:
    """The instance's simple-history rows (every versioned model declares `history`)."""
    manager = type(instance).history  # type: ignore[attr-defined]
    return manager.filter(**{instance._meta.pk.attname: instance.pk})


def version_of(instance: models.Model) -> str:
    """The id of the record's latest history row ("0" before it is first saved)."""
    if instance.pk is None:
        return "0"
    history = _history(instance)
    latest = history.order_by("-history_id").values_list("history_id", flat=True).first()
    return str(latest or 0)


def _shown(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.name in SENSITIVE_FIELDS:
        return mask(str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    return str(value)


def changes_since(instance: models.Model, version: str) -> str:
    """Who changed what since `version`, as one sentence for the form's error."""
    since = as_id(version) or 0
    history = _history(instance)
    newer = list(history.filter(history_id__gt=since).order_by("history_id"))
    if not newer:
        return ""
    latest = newer[-1]
    who = "、".join(
        dict.fromkeys(str(r.history_user or _("系统")) for r in newer if r.history_user_id)
    ) or _("系统")
    base = history.filter(history_id=since).first()
    parts = []
    if base is not None:
        for change in latest.diff_against(base).changes:
            field = instance._meta.get_field(change.field)
            parts.append(
                _("%(field)s：%(old)s → %(new)s")
                % {
                    "field": getattr(field, "verbose_name", change.field),
                    "old": _shown(field, change.old),
                    "new": _shown(field, change.new),
                }
            )
    return _("%(who)s于%(when)s修改了：%(changes)s。") % {
        "who": who,
        "when": format_datetime(latest.history_date),
        "changes": "；".join(parts) or _("（记录已新建或重新保存）"),
    }


class VersionedFormMixin(forms.Form):
    """Mix into an edit ModelForm (before `forms.ModelForm`)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    instance: models.Model  # set by the ModelForm it is mixed into

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        try:
            self.check_version()
        except ValidationError as stale:
            self.add_error(None, stale)
        return cleaned

    def check_version(self) -> None:
        """Raise ValidationError when the record changed since the form was shown. A form
        posted without the field (not from our page) is not checked."""
        posted = self.data.get(self.add_prefix("version"))
        if posted is None:
            return
        current = version_of(self.instance)
        if posted == current:
            return
        data: Any = copy.copy(self.data)  # a QueryDict's copy is mutable
        data[self.add_prefix("version")] = current
        self.data = data  # shown again with the new version: a second submit saves
        raise ValidationError(
            _("已被他人修改，您的修改未保存。%(changes)s请核对后再次提交。")
            % {"changes": changes_since(self.instance, posted)},
            code="stale",
        )

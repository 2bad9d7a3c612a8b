"""Field-level differences of change entries, in human terms, for a page of entries at once.

`describe(entries)` reads the history rows and their predecessors, their many-to-many rows, the
live records' existence and the labels of referenced records in one query each, across every
record type on the page (`page_reads`) — so a page costs a fixed number of queries whatever its
length and whatever mix of records it shows.
"""

import datetime
import decimal
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import choice_labels, field_label
from core.formatting import mask

from . import page_reads
from .models import ChangeEntry, ChangeKind
from .page_reads import TITLE_FIELDS
from .registry import HISTORY_META_FIELDS, Tracked, tracked_models

# Shown masked in the change log, whoever reads it (the full value is a logged reveal elsewhere).
SENSITIVE = {"id_number": (6, 4), "bank_account": (4, 4)}
# Derived or bookkeeping columns a reader does not need in a diff.
HIDDEN = {"id_tail", "updated_at", "path"}
EMPTY = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Described:
    entry: ChangeEntry
    model_name: str
    title: str
    url: str | None
    timeline_url: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(ChangeKind(self.entry.kind).label)

    @property
    def user_label(self) -> str:
        user = self.entry.user
        return str(user) if user is not None else _("系统")

    @property
    def summary(self) -> str:
        return "；".join(f"{c.label}: {c.old} → {c.new}" for c in self.changes)


def _fields(tracked: Tracked) -> dict:
    return {f.attname: f for f in tracked.history_model._meta.concrete_fields}


def labels_of(model, ids) -> dict:
    """pk → a short human label, one query (or none) for all ids."""
    return {pk: text for (_m, pk), text in page_reads.labels({model: ids}).items()}


def _format(value, model_field, fk_labels: dict) -> str:
    if value is None or value == "":
        return EMPTY
    name = model_field.name if model_field is not None else ""
    if name in SENSITIVE:
        start, end = SENSITIVE[name]
        return mask(str(value), keep_start=start, keep_end=end)
    if model_field is not None and model_field.is_relation:
        return str(fk_labels.get((model_field.related_model, value), f"#{value}"))
    if model_field is not None and model_field.choices:
        try:
            return str(choice_labels(model_field).get(value, value))
        except TypeError:  # an unhashable value (a list) is not one of the choices
            return str(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:,.2f}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _record_url(model, pk) -> str | None:
    try:
        return model(pk=pk).get_absolute_url()
    except (AttributeError, NoReverseMatch, TypeError, ValueError):
        return None


def timeline_url(label: str, object_id) -> str | None:
    try:
        return reverse("audits:timeline", args=[label, object_id])
    except NoReverseMatch:
        return None


def describe(entries: list[ChangeEntry]) -> list[Described]:
    """Describe entries (with `user` selected) in the given order."""
    registry = tracked_models()
    by_model: dict[str, list[ChangeEntry]] = defaultdict(list)
    for entry in entries:
        if entry.model in registry:
            by_model[entry.model].append(entry)
    history_wanted = {
        label: (
            registry[label],
            {e.history_id for e in group} | {e.prev_history_id for e in group if e.prev_history_id},
        )
        for label, group in by_model.items()
    }
    rows = page_reads.history_rows(history_wanted)
    m2m = page_reads.m2m_rows(history_wanted)
    live = page_reads.live_ids(
        {
            label: (registry[label], {e.object_id for e in group})
            for label, group in by_model.items()
        }
    )

    fk_wanted: dict = defaultdict(set)
    for (label, _history_id), row in rows.items():
        for attname, f in _fields(registry[label]).items():
            if f.is_relation and attname not in HISTORY_META_FIELDS and row.get(attname):
                fk_wanted[f.related_model].add(row[attname])
    for (label, _history_id), by_name in m2m.items():
        for name, related_ids in by_name.items():
            related = registry[label].model._meta.get_field(name).related_model
            fk_wanted[related].update(related_ids)
    fk_labels = page_reads.labels(fk_wanted)

    described = []
    for entry in entries:
        tracked = registry.get(entry.model)
        if tracked is None:
            described.append(Described(entry, entry.model, f"#{entry.object_id}", None, None))
            continue
        fields = _fields(tracked)
        row = rows.get((entry.model, entry.history_id), {})
        prev = rows.get((entry.model, entry.prev_history_id), {}) if entry.prev_history_id else {}
        title = _title(row, fields, fk_labels) or f"#{entry.object_id}"
        url = (
            _record_url(tracked.model, entry.object_id)
            if entry.object_id in live.get(entry.model, ())
            else None
        )
        item = Described(
            entry,
            str(tracked.model._meta.verbose_name),
            title,
            url,
            timeline_url(entry.model, entry.object_id),
        )
        if entry.kind != ChangeKind.DELETED:
            item.changes = _changes(tracked, fields, prev, row, fk_labels)
            item.changes += _m2m_changes(tracked, entry, m2m, fk_labels)
        described.append(item)
    return described


def _title(row: dict, fields: dict, fk_labels: dict) -> str:
    for candidate in TITLE_FIELDS:
        if row.get(candidate):
            return str(row[candidate])
    for attname in ("person_id", "case_id", "payment_id", "visit_id", "campaign_id"):
        if row.get(attname) and attname in fields:
            return _format(row[attname], fields[attname], fk_labels)
    return ""


def _changes(tracked: Tracked, fields: dict, prev: dict, row: dict, fk_labels) -> list[Change]:
    changes = []
    for attname in tracked.tracked_columns:
        model_field = fields[attname]
        if model_field.name in HIDDEN or attname == tracked.pk_attname:
            continue
        new = row.get(attname)
        old = prev.get(attname) if prev else None
        if prev and old == new:
            continue
        if not prev and (new is None or new == "" or new == [] or new == {}):
            continue
        changes.append(
            Change(
                field_label(model_field),
                _format(old, model_field, fk_labels) if prev else EMPTY,
                _format(new, model_field, fk_labels),
            )
        )
    return changes


def _m2m_changes(tracked: Tracked, entry, m2m: dict, fk_labels) -> list[Change]:
    changes = []
    now = m2m.get((entry.model, entry.history_id), {})
    before = m2m.get((entry.model, entry.prev_history_id), {}) if entry.prev_history_id else {}
    for name, _m, _o in tracked.m2m:
        new, old = now.get(name, set()), before.get(name, set())
        if new == old:
            continue
        model_field = tracked.model._meta.get_field(name)
        related = model_field.related_model

        def text(ids, related=related):
            return "、".join(sorted(str(fk_labels.get((related, i), i)) for i in ids)) or EMPTY

        changes.append(Change(field_label(model_field), text(old), text(new)))
    return changes

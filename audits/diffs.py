"""Field-level differences of change entries, in human terms, for a page of entries at once.

`describe(entries)` reads, per model on the page, the history rows and their predecessors in one
query, the live records' existence in one query, and the labels of referenced records in one
query per referenced model — so a page costs a fixed number of queries whatever its length.
"""

import datetime
import decimal
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import mask

from .models import ChangeEntry, ChangeKind
from .registry import HISTORY_META_FIELDS, Tracked, tracked_models

# Shown masked in the change log, whoever reads it (the full value is a logged reveal elsewhere).
SENSITIVE = {"id_number": (6, 4), "bank_account": (4, 4)}
# Derived or bookkeeping columns a reader does not need in a diff.
HIDDEN = {"id_tail", "updated_at", "path"}
TITLE_FIELDS = ("name", "reference", "display_name", "username", "original_name", "code")
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
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    names = {f.name for f in model._meta.concrete_fields}
    qs = model._default_manager.filter(pk__in=ids).order_by()
    if model is get_user_model():
        return {pk: d or u for pk, d, u in qs.values_list("pk", "display_name", "username")}
    for candidate in TITLE_FIELDS:
        if candidate in names:
            return dict(qs.values_list("pk", candidate))
    if "person" in names:
        return {pk: f"{n} #{pk}" for pk, n in qs.values_list("pk", "person__name")}
    return {pk: f"#{pk}" for pk in ids}


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
        return str(dict(model_field.flatchoices).get(value, value))
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
        by_model[entry.model].append(entry)

    rows: dict[tuple[str, int], dict] = {}
    m2m: dict[tuple[str, int], dict[str, set]] = {}
    live: dict[str, set[str]] = {}
    fk_wanted: dict = defaultdict(set)
    for label, group in by_model.items():
        tracked = registry.get(label)
        if tracked is None:
            continue
        fields = _fields(tracked)
        ids = {e.history_id for e in group} | {
            e.prev_history_id for e in group if e.prev_history_id
        }
        for row in tracked.history_model.objects.filter(history_id__in=ids).values(
            *tracked.columns
        ):
            rows[(label, row["history_id"])] = row
            for attname, f in fields.items():
                if f.is_relation and attname not in HISTORY_META_FIELDS and row[attname]:
                    fk_wanted[f.related_model].add(row[attname])
        for name, m2m_model, other in tracked.m2m:
            related = tracked.model._meta.get_field(name).related_model
            for history_id, related_id in m2m_model.objects.filter(history_id__in=ids).values_list(
                "history_id", other
            ):
                m2m.setdefault((label, history_id), {}).setdefault(name, set()).add(related_id)
                fk_wanted[related].add(related_id)
        live[label] = {
            str(pk)
            for pk in tracked.model._default_manager.filter(pk__in=[e.object_id for e in group])
            .order_by()
            .values_list("pk", flat=True)
        }

    fk_labels = {}
    for model, ids in fk_wanted.items():
        for pk, text in labels_of(model, ids).items():
            fk_labels[(model, pk)] = text

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
                str(model_field.verbose_name),
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

        changes.append(Change(str(model_field.verbose_name), text(old), text(new)))
    return changes

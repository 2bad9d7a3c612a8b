"""The reads behind a page of the change log, one query each whatever the record types on it.

Each audited model keeps its history in its own table, so the obvious code asks each table in
turn: two or three queries per record type, 29 for a mixed page. Here every table's rows travel
in one `UNION ALL`, each row packed as a JSON object and turned back into Python values with the
model field's own conversion — so a page costs the same whether it shows one type or twelve.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Case as DbCase
from django.db.models import CharField, F, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, NullIf
from django.utils import timezone

from .registry import Tracked

# PostgreSQL functions take at most 100 arguments: a JSON object of 40 keys is 80.
_KEYS_PER_OBJECT = 40
TITLE_FIELDS = ("name", "reference", "display_name", "username", "original_name", "code")


def _union(querysets: list):
    if not querysets:
        return []
    first, *rest = querysets
    return list(first.union(*rest, all=True)) if rest else list(first)


def _packed(history_model, columns: tuple[str, ...]) -> JSONObject:
    fields = {f.attname: f for f in history_model._meta.concrete_fields}

    def column(name: str):
        # Decimals as text: a JSON number would come back as a float.
        if isinstance(fields[name], models.DecimalField):
            return Cast(name, CharField())
        return F(name)

    groups = [columns[i : i + _KEYS_PER_OBJECT] for i in range(0, len(columns), _KEYS_PER_OBJECT)]
    return JSONObject(
        **{f"g{n}": JSONObject(**{c: column(c) for c in group}) for n, group in enumerate(groups)}
    )


def _from_json(model_field, value):
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    if isinstance(model_field, models.DateTimeField):
        parsed = model_field.to_python(value)
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        return parsed
    return model_field.to_python(value)


def history_rows(wanted: dict[str, tuple[Tracked, set]]) -> dict[tuple[str, int], dict]:
    """(label, history_id) → the history row as a dict of attname → value, for every label."""
    querysets = []
    for label, (tracked, ids) in wanted.items():
        if not ids:
            continue
        querysets.append(
            tracked.history_model.objects.filter(history_id__in=ids)
            .order_by()
            .values_list(
                Value(label, output_field=CharField()),
                _packed(tracked.history_model, tracked.columns),
            )
        )
    rows: dict[tuple[str, int], dict] = {}
    for label, packed in _union(querysets):
        tracked = wanted[label][0]
        if isinstance(packed, str):
            packed = json.loads(packed)
        fields = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
        flat = {k: v for group in packed.values() for k, v in group.items()}
        row = {name: _from_json(fields[name], flat.get(name)) for name in tracked.columns}
        rows[(label, row["history_id"])] = row
    return rows


def m2m_rows(wanted: dict[str, tuple[Tracked, set]]) -> dict[tuple[str, int], dict[str, set]]:
    """(label, history_id) → {m2m field name: related ids}, for every m2m of every label."""
    querysets = []
    for label, (tracked, ids) in wanted.items():
        for name, m2m_model, other in tracked.m2m if ids else ():
            querysets.append(
                m2m_model.objects.filter(history_id__in=ids)
                .order_by()
                .values_list(
                    Value(label, output_field=CharField()),
                    Value(name, output_field=CharField()),
                    "history_id",
                    other,
                )
            )
    found: dict[tuple[str, int], dict[str, set]] = {}
    for label, name, history_id, related_id in _union(querysets):
        found.setdefault((label, history_id), {}).setdefault(name, set()).add(related_id)
    return found


def live_ids(wanted: dict[str, tuple[Tracked, set]]) -> dict[str, set[str]]:
    """label → the ids (as text) of the records that still exist."""
    querysets = [
        tracked.model._default_manager.filter(pk__in=ids)
        .order_by()
        .values_list(Value(label, output_field=CharField()), Cast("pk", CharField()))
        for label, (tracked, ids) in wanted.items()
        if ids
    ]
    live: dict[str, set[str]] = defaultdict(set)
    for label, pk in _union(querysets):
        live[label].add(str(pk))
    return live


def _title_expression(model):
    names = {f.name for f in model._meta.concrete_fields}
    if model is get_user_model():
        return Coalesce(NullIf("display_name", Value("")), "username", output_field=CharField())
    for candidate in TITLE_FIELDS:
        if candidate in names:
            return Cast(candidate, CharField())
    if "person" in names:
        kind = _choice_label("category", model) if "category" in names else None
        return Concat(
            "person__name",
            *((Value(" · "), kind) if kind is not None else (Value(" #"), Cast("pk", CharField()))),
            output_field=CharField(),
        )
    return None


def _choice_label(name: str, model):
    """A choice field's label in the reader's language, computed in SQL ("困难职工帮扶")."""
    choices = model._meta.get_field(name).flatchoices
    if not choices:
        return None
    return DbCase(
        *(When(**{name: value}, then=Value(str(label))) for value, label in choices),
        default=F(name),
        output_field=CharField(),
    )


def labels(wanted: dict[type[models.Model], Iterable]) -> dict[tuple[type, object], str]:
    """(model, pk) → a short human label for every referenced record, in one query."""
    querysets, by_label, fallback = [], {}, {}
    for model, ids in wanted.items():
        ids = {i for i in ids if i is not None}
        if not ids:
            continue
        expression = _title_expression(model)
        if expression is None:
            fallback.update({(model, pk): f"#{pk}" for pk in ids})
            continue
        by_label[model._meta.label_lower] = model
        querysets.append(
            model._default_manager.filter(pk__in=ids)
            .order_by()
            .values_list(
                Value(model._meta.label_lower, output_field=CharField()),
                Cast("pk", CharField()),
                expression,
            )
        )
    found = dict(fallback)
    for label, pk, text in _union(querysets):
        model = by_label[label]
        found[(model, model._meta.pk.to_python(pk))] = text or f"#{pk}"
    return found

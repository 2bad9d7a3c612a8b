"""Which models keep history, and how their history rows are read, hashed and scoped.

Everything here is generic over the models registered with django-simple-history, so a model
that gains `history = HistoricalRecords()` later (letters, for example) is covered without
touching this app.
"""

import datetime
import decimal
import functools
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

HISTORY_META_FIELDS = (
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)


@dataclass(frozen=True)
class Tracked:
    """A model with history: the live model, its history model and its m2m history models."""

    model: type[models.Model]
    history_model: type[models.Model]
    # (m2m field name, m2m history model, attname of the related object's column)
    m2m: tuple = field(default=())

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        """Every concrete column of the history row, in a fixed order (hashed in this order)."""
        return tuple(sorted(f.attname for f in self.history_model._meta.concrete_fields))

    @functools.cached_property
    def tracked_columns(self) -> tuple[str, ...]:
        """The columns copied from the live record (what a diff compares)."""
        return tuple(c for c in self.columns if c not in HISTORY_META_FIELDS)

    @property
    def pk_attname(self) -> str:
        return self.model._meta.pk.attname


def _m2m_history_models(history_model) -> tuple:
    found = []
    for candidate in apps.get_models():
        fk = next(
            (
                f
                for f in candidate._meta.fields
                if f.name == "history" and f.is_relation and f.related_model is history_model
            ),
            None,
        )
        if fk is None:
            continue
        for m2m_field in getattr(history_model, "_history_m2m_fields", []):
            target = m2m_field.related_model
            other = next(
                (
                    f.attname
                    for f in candidate._meta.fields
                    if f.is_relation and f.related_model is target and f.name != "history"
                ),
                None,
            )
            if other and candidate._meta.model_name.endswith("_" + m2m_field.name):
                found.append((m2m_field.name, candidate, other))
    return tuple(found)


@functools.cache
def tracked_models() -> dict[str, Tracked]:
    """label_lower → Tracked, for every model that has a simple-history manager."""
    result = {}
    for model in apps.get_models():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if not attribute:
            continue
        history_model = getattr(model, attribute).model
        result[model._meta.label_lower] = Tracked(
            model, history_model, _m2m_history_models(history_model)
        )
    return result


def tracked_for_history_model(history_model) -> Tracked | None:
    for tracked in tracked_models().values():
        if tracked.history_model is history_model:
            return tracked
    return None


def _datetime(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


def _decimal(value: decimal.Decimal) -> str:
    return format(value.normalize(), "f") if value == value else "NaN"


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# Dispatch on the exact type: verification canonicalises every column of millions of rows.
_CANONICAL = {
    str: lambda v: v,
    int: str,
    bool: lambda v: "T" if v else "F",
    type(None): lambda v: "\u2205",
    datetime.datetime: _datetime,
    datetime.date: datetime.date.isoformat,
    datetime.time: datetime.time.isoformat,
    decimal.Decimal: _decimal,
    dict: _json,
    list: _json,
    uuid.UUID: lambda v: v.hex,
    bytes: bytes.hex,
    memoryview: lambda v: bytes(v).hex(),
    float: repr,
}


def canonical(value) -> str:
    """One text form per value whatever the database driver returned."""
    convert = _CANONICAL.get(type(value))
    if convert is not None:
        return convert(value)
    for kind, convert in _CANONICAL.items():  # subclasses (e.g. a str enum)
        if kind is not type(None) and isinstance(value, kind):
            return convert(value)
    return str(value)


# How a record finds its organisation, for scope: the first of these columns the history row
# has, and what to read from the model it points to. Models not listed here fall back to
# "no organisation" (visible to auditors of the whole federation only).
ORGANISATION_LINKS: tuple[tuple[str, str, str], ...] = (
    ("organisation_id", "cases.Organisation", "id"),
    ("case_id", "cases.Case", "organisation_id"),
    ("payment_id", "payments.Payment", "organisation_id"),
    ("batch_id", "payments.DisbursementBatch", "organisation_id"),
    ("visit_id", "cases.Visit", "case__organisation_id"),
    ("campaign_id", "payments.Campaign", "organisation_id"),
    ("person_id", "cases.Person", "organisation_id"),
)


class OrganisationResolver:
    """Finds (organisation id, path) for history rows, caching lookups within one batch."""

    def __init__(self):
        self._links: dict[tuple[str, object], object] = {}
        self._paths: dict[object, str] = {}

    def remember_path(self, organisation_id, path: str) -> None:
        """A path the caller already holds (read in the writer's own transaction)."""
        self._paths[organisation_id] = path

    def prefetch_paths(self, rows: list[dict]) -> None:
        """The paths of the organisations the rows name directly, in one query: a bulk write of
        payments over twenty unions otherwise reads twenty paths one by one."""
        wanted = {
            row["organisation_id"] for row in rows if row.get("organisation_id") is not None
        } - self._paths.keys()
        if not wanted:
            return
        organisation = apps.get_model("cases", "Organisation")
        self._paths.update(
            organisation.objects.filter(pk__in=wanted).values_list("pk", "path").order_by()
        )

    def path_of(self, organisation_id) -> str:
        if organisation_id is None:
            return ""
        if organisation_id not in self._paths:
            organisation = apps.get_model("cases", "Organisation")
            self._paths[organisation_id] = (
                organisation.objects.filter(pk=organisation_id)
                .values_list("path", flat=True)
                .first()
                or ""
            )
        return self._paths[organisation_id]

    def resolve(self, tracked: Tracked, row: dict) -> tuple[object, str]:
        if tracked.label == "cases.organisation":
            organisation_id = row.get("id")
            if row.get("path"):
                return organisation_id, row["path"]
            return organisation_id, self.path_of(organisation_id)
        for column, model_label, lookup in ORGANISATION_LINKS:
            if column not in row or row[column] is None:
                continue
            if lookup == "id":
                organisation_id = row[column]
            else:
                key = (model_label, row[column])
                if key not in self._links:
                    try:
                        target = apps.get_model(model_label)
                    except LookupError:
                        continue
                    self._links[key] = (
                        target._default_manager.filter(pk=row[column])
                        .values_list(lookup, flat=True)
                        .first()
                    )
                organisation_id = self._links[key]
            if organisation_id is not None:
                return organisation_id, self.path_of(organisation_id)
        return None, ""

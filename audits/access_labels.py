"""The access log in people's terms: "职工 张三 · 银行账号", not "cases.person #2001 bank_account".

For a page of access-log rows: the record type's name, the record's own label (a person's name,
a payment's reference) and the field's label, with one query for all the records on the page.
"""

from collections import defaultdict

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError

from . import page_reads
from .registry import tracked_models


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _pk(model, object_id: str):
    try:
        return model._meta.pk.to_python(object_id)
    except (ValidationError, ValueError, TypeError):
        return None


def _field_label(model, name: str) -> str:
    if model is None or not name:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def label_access_rows(logs) -> None:
    """Set type_label, record_label, field_label and has_timeline on each log of a page."""
    registry = tracked_models()
    wanted: dict = defaultdict(set)
    for log in logs:
        log.model = _model(log.object_type) if log.object_type else None
        log.pk_value = _pk(log.model, log.object_id) if log.model and log.object_id else None
        if log.pk_value is not None:
            wanted[log.model].add(log.pk_value)
    found = page_reads.labels(wanted)
    for log in logs:
        model = log.model
        log.type_label = str(model._meta.verbose_name) if model else log.object_type
        log.record_label = ""
        if log.pk_value is not None:
            log.record_label = found.get((model, log.pk_value), f"#{log.object_id}")
        elif log.object_id:
            log.record_label = f"#{log.object_id}"
        log.field_label = _field_label(model, log.field)
        log.has_timeline = log.object_type in registry and log.pk_value is not None

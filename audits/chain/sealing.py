"""Linking unsealed entries and access-log rows into their chains, one sealer at a time.

Writers never seal: an entry or access-log row is written unsealed in the writer's transaction
(with its own digest, which verification checks whether sealed or not), and after the commit the
writer only asks for a seal, which the worker runs (`audits.tasks.seal_chains`). The request path
thus pays no lock, no UPDATE and no second transaction for the chain (a save with the chain cost
3-4x one with history alone when each writer sealed its own rows after its commit).

A process asks at most once per `AUDIT_SEAL_DELAY` seconds: the task runs no earlier than that,
so it seals every row committed before it starts, and a row committed later asks again. With a
backend that cannot defer (the immediate one, in tests and shells) the seal runs at once.
`verify_audit`, the daily checkpoint and the checkpoint command seal everything first too, so a
worker that is down leaves rows waiting, reported as such, never lost. A full pass that finds
fewer rows than a chunk stops without a second, empty one.
"""

import datetime
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import AccessLog, ChainHead, ChangeEntry
from .keys import CHAIN_ACCESS, CHAIN_CHANGES, CHUNK, SEP, _key, _mac, keyring

CHAIN_MODELS: dict[str, Any] = {CHAIN_CHANGES: ChangeEntry, CHAIN_ACCESS: AccessLog}

# Chain → monotonic time before which a seal this process asked for has not started yet.
_asked_until: dict[str, float] = {}


def request_seal(name: str) -> None:
    """Have chain `name` sealed soon, by the worker (at once where tasks cannot be deferred)."""
    from ..tasks import seal_chains  # the task module imports this one

    now = time.monotonic()
    if _asked_until.get(name, 0.0) > now:
        return  # a seal queued by this process has not started: it will take these rows too
    backend = seal_chains.get_backend()
    try:
        if backend.supports_defer:
            delay = float(getattr(settings, "AUDIT_SEAL_DELAY", 1.0))
            run_after = timezone.now() + datetime.timedelta(seconds=delay)
            seal_chains.using(run_after=run_after).enqueue(name)
            _asked_until[name] = now + delay
        else:
            seal_chains.enqueue(name)
    except Exception:  # noqa: BLE001 — the rows stay unsealed until the next seal or verify_audit
        _asked_until.pop(name, None)
        logging.getLogger(__name__).exception("could not queue the audit seal; will retry")


def schedule_seal(name: str = CHAIN_CHANGES) -> None:
    """Ask for a seal of chain `name` once this transaction commits (once per transaction and
    chain).

    A request already queued counts only if it was queued inside the current savepoint (its
    savepoint ids include the current ones): at the top level that is the whole transaction;
    inside a test's transaction, only this block's work."""
    conn = transaction.get_connection()
    current = set(conn.savepoint_ids)
    if conn.in_atomic_block:
        for sids, callback, _robust in conn.run_on_commit:
            if getattr(callback, "relief_chain", None) == name and current <= set(sids):
                return

    def seal() -> None:
        request_seal(name)

    seal.relief_chain = name  # type: ignore[attr-defined]
    transaction.on_commit(seal)


def _link(model, links: list[tuple[int, int, str]]) -> None:
    """Set the rows' (id, sequence number, chain digest) in UPDATE … FROM (VALUES …) statements
    of 500 rows (SQLite limits a statement's parameters): the ORM's bulk_update compiles a CASE
    WHEN per row and field, which cost more than the MACs. VALUES columns are column1… on both
    SQLite (3.33+) and PostgreSQL."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), model._meta.get_field
    with connection.cursor() as cursor:
        for start in range(0, len(links), 500):
            part = links[start : start + 500]
            cursor.execute(
                f"UPDATE {table} SET {quote(column('chain_seq').column)} = v.column2, "  # noqa: S608
                f"{quote(column('chain_digest').column)} = v.column3 "
                f"FROM (VALUES {', '.join(['(%s, %s, %s)'] * len(part))}) AS v "
                f"WHERE {table}.{quote(model._meta.pk.column)} = v.column1",
                [value for row in part for value in row],
            )


def _head(name: str, *, wait: bool) -> ChainHead | None:
    """The locked head of chain `name`; None when another sealer holds it and `wait` is False."""
    locked = ChainHead.objects.select_for_update(skip_locked=not wait)
    head = locked.filter(name=name).first()
    if head is None:
        _created = ChainHead.objects.get_or_create(name=name)
        head = locked.filter(name=name).first()
    return head


def unsealed_counts() -> dict[str, int]:
    """Chain name → rows written but not linked yet (the worker's next seal takes them)."""
    return {
        name: model.objects.filter(chain_seq__isnull=True).count()
        for name, model in CHAIN_MODELS.items()
    }


def chain_link(previous: str, seq: int, digest: str, key: bytes | None = None) -> str:
    return _mac(f"{previous}{SEP}{seq}{SEP}{digest}", key)


def seal_pending(
    limit: int | None = None, *, chains: tuple[str, ...] = (CHAIN_CHANGES, CHAIN_ACCESS), wait=True
) -> int:
    """Link the unsealed rows of `chains` into them. Returns how many (-1: `wait=False` and
    another sealer is at work, so nothing was done).
    """
    sealed = 0
    ring = keyring()
    current = _key()
    for name in chains:
        model = CHAIN_MODELS[name]
        # A chain nobody has written to keeps no head row: a full pass never creates one.
        if not model.objects.filter(chain_seq__isnull=True).exists():
            continue
        while True:
            with transaction.atomic():
                head = _head(name, wait=wait)
                if head is None:
                    return -1 if sealed == 0 else sealed
                # ChangeEntry or AccessLog rows: both carry digest, chain_seq and chain_digest.
                batch = list(
                    model.objects.filter(chain_seq__isnull=True)
                    .order_by("id")
                    .values_list("id", "digest", "key_id")[:CHUNK]
                )
                if not batch:
                    break
                links = []
                for pk, digest, key_id in batch:
                    head.seq += 1
                    # Linked with the key that signed the row (see verification).
                    key = ring.get(key_id, current)
                    head.digest = chain_link(head.digest, head.seq, digest, key)
                    links.append((pk, head.seq, head.digest))
                _link(model, links)
                head.save(update_fields=["seq", "digest"])
                sealed += len(batch)
            if len(batch) < CHUNK or (limit is not None and sealed >= limit):
                break
        if limit is not None and sealed >= limit:
            return sealed
    return sealed

"""Linking unsealed entries and access-log rows into their chains, one sealer at a time.

Writers seal after their commit, off the domain transaction and its row locks, and only the
chain they wrote to. That seal does not queue: it takes the chain head with SKIP LOCKED on
PostgreSQL, and when another sealer holds it, leaves the rows to that sealer's next pass, the
next writer, the daily checkpoint or `verify_audit` (which all seal first). A pass that finds
fewer rows than a chunk stops without a second, empty one.
"""

import logging
from typing import Any

from django.db import transaction

from ..models import AccessLog, ChainHead, ChangeEntry
from .keys import CHAIN_ACCESS, CHAIN_CHANGES, CHUNK, SEP, _key, _mac, keyring

CHAIN_MODELS: dict[str, Any] = {CHAIN_CHANGES: ChangeEntry, CHAIN_ACCESS: AccessLog}


def _seal_after_commit(name: str):
    def seal() -> None:
        try:
            seal_pending(chains=(name,), wait=False)
        except Exception:  # noqa: BLE001 — sealing is retried by the next writer or verify_audit
            logging.getLogger(__name__).exception("audit sealing failed; will retry")

    seal.relief_chain = name  # type: ignore[attr-defined]
    return seal


def schedule_seal(name: str = CHAIN_CHANGES) -> None:
    """Seal chain `name` once this transaction commits (once per transaction and chain).

    A seal already queued counts only if it was queued inside the current savepoint (its
    savepoint ids include the current ones): at the top level that is the whole transaction;
    inside a test's transaction, only this block's work."""
    conn = transaction.get_connection()
    current = set(conn.savepoint_ids)
    if conn.in_atomic_block and any(
        getattr(callback, "relief_chain", None) == name and current <= set(sids)
        for sids, callback, _robust in conn.run_on_commit
    ):
        return
    transaction.on_commit(_seal_after_commit(name))


def _head(name: str, *, wait: bool) -> ChainHead | None:
    """The locked head of chain `name`; None when another sealer holds it and `wait` is False."""
    locked = ChainHead.objects.select_for_update(skip_locked=not wait)
    head = locked.filter(name=name).first()
    if head is None:
        _created = ChainHead.objects.get_or_create(name=name)
        head = locked.filter(name=name).first()
    return head


def chain_link(previous: str, seq: int, digest: str, key: bytes | None = None) -> str:
    return _mac(f"{previous}{SEP}{seq}{SEP}{digest}", key)


def seal_pending(
    limit: int | None = None, *, chains: tuple[str, ...] = (CHAIN_CHANGES, CHAIN_ACCESS), wait=True
) -> int:
    """Link the unsealed rows of `chains` into them. Returns how many.

    `wait=False` (after a writer's commit) gives up at once when another sealer is at work.
    """
    sealed = 0
    ring = keyring()
    current = _key()
    for name in chains:
        model = CHAIN_MODELS[name]
        while True:
            with transaction.atomic():
                head = _head(name, wait=wait)
                if head is None:
                    break
                # ChangeEntry or AccessLog rows: both carry digest, chain_seq and chain_digest.
                batch: list[Any] = list(
                    model.objects.filter(chain_seq__isnull=True)
                    .order_by("id")
                    .only("id", "digest", "key_id")[:CHUNK]
                )
                if not batch:
                    break
                for row in batch:
                    head.seq += 1
                    # Linked with the key that signed the row (see verification).
                    key = ring.get(row.key_id, current)
                    head.digest = chain_link(head.digest, head.seq, row.digest, key)
                    row.chain_seq = head.seq
                    row.chain_digest = head.digest
                model.objects.bulk_update(batch, ["chain_seq", "chain_digest"], batch_size=500)
                head.save(update_fields=["seq", "digest"])
                sealed += len(batch)
            if len(batch) < CHUNK or (limit is not None and sealed >= limit):
                break
        if limit is not None and sealed >= limit:
            return sealed
    return sealed

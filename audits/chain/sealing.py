"""Linking unsealed entries and access-log rows into their chains, one sealer at a time."""

import logging
from typing import Any

from django.db import transaction

from ..models import AccessLog, ChainHead, ChangeEntry
from .keys import CHAIN_ACCESS, CHAIN_CHANGES, CHUNK, SEP, _key, _mac, keyring


def _seal_after_commit() -> None:
    try:
        seal_pending()
    except Exception:  # noqa: BLE001 — sealing is retried by the next writer or verify_audit
        logging.getLogger(__name__).exception("audit sealing failed; will retry")


def schedule_seal() -> None:
    """Seal what this transaction wrote once it commits (once per transaction)."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        callback is _seal_after_commit for _sids, callback, _robust in conn.run_on_commit
    ):
        return
    transaction.on_commit(_seal_after_commit)


def _head(name: str) -> ChainHead:
    ChainHead.objects.get_or_create(name=name)
    return ChainHead.objects.select_for_update().get(name=name)


def chain_link(previous: str, seq: int, digest: str, key: bytes | None = None) -> str:
    return _mac(f"{previous}{SEP}{seq}{SEP}{digest}", key)


def seal_pending(limit: int | None = None) -> int:
    """Link every unsealed entry and access-log row into its chain. Returns how many."""
    sealed = 0
    ring = keyring()
    current = _key()
    chains: tuple[tuple[str, type[ChangeEntry] | type[AccessLog]], ...] = (
        (CHAIN_CHANGES, ChangeEntry),
        (CHAIN_ACCESS, AccessLog),
    )
    for name, model in chains:
        while True:
            with transaction.atomic():
                head = _head(name)
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
            if limit is not None and sealed >= limit:
                return sealed
    return sealed

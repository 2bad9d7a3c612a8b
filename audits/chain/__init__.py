"""Tamper evidence: per-row digests, the chain that links them, and its verification.

Scheme
- Every history row of every tracked model gets one `ChangeEntry`, written in the same
  transaction (signal, or right after a bulk history insert). The entry's `digest` is an HMAC,
  keyed with a secret the database does not hold (settings.AUDIT_CHAIN_KEY, else SECRET_KEY),
  over the entry's own fields, every column of the history row and its m2m history rows.
  Every `AccessLog` row gets the same kind of digest over its content.
- A single sealer at a time (it locks the `ChainHead` row) links unsealed rows in id order:
  `chain_digest = HMAC(previous chain_digest | seq | digest)`. Writers never wait for the chain:
  the lock is taken after their commit (on_commit) or by `verify_audit`, so domain
  transactions cannot deadlock on it, and rows committed late are simply sealed later.
- `verify_audit` recomputes all of it: a changed history or log row breaks its digest, a
  removed one leaves an entry without its row (or a gap in the chain), a forged row has no entry
  or an entry whose digest the forger could not compute.

Modules: `keys` (the secret and the MAC), `digests` (what a digest covers), `entries`
(writing an entry per history row), `sealing` (linking the chains), `verification`.
"""

from .digests import (
    ACCESS_FIELDS,
    ENTRY_FIELDS,
    access_digest,
    access_text,
    entry_text,
    sign_access_log,
)
from .entries import column_set, record_history_rows
from .keys import CHAIN_ACCESS, CHAIN_CHANGES, CHUNK, SEP, _key, _mac, current_key_id, keyring
from .sealing import chain_link, schedule_seal, seal_pending, unsealed_counts
from .verification import Problem, history_tables, verify

__all__ = [
    "ACCESS_FIELDS",
    "CHAIN_ACCESS",
    "CHAIN_CHANGES",
    "CHUNK",
    "ENTRY_FIELDS",
    "SEP",
    "Problem",
    "_key",
    "_mac",
    "access_digest",
    "access_text",
    "chain_link",
    "column_set",
    "current_key_id",
    "keyring",
    "sign_access_log",
    "entry_text",
    "history_tables",
    "record_history_rows",
    "schedule_seal",
    "seal_pending",
    "unsealed_counts",
    "verify",
]

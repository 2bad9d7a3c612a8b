"""Signed checkpoints of the audit chains, kept outside the database.

A chain cannot prove its own length: whoever can delete the newest rows and move the head back
one step leaves a chain that verifies. A checkpoint written earlier and kept elsewhere (a file,
the backup, object storage) records each chain's last sequence number and digest and the row
count of every audited table, signed with the chain key; `verify_audit --checkpoint FILE` then
fails, naming the first missing sequence, when the chain is shorter than the checkpoint or
differs at its sequence number, and names any table that now holds fewer rows.
"""

import hmac
import json
from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from .chain import CHAIN_ACCESS, CHAIN_CHANGES, Problem, history_tables, seal_pending
from .chain.keys import _mac, current_key_id, keyring
from .models import AccessLog, ChangeEntry

FORMAT = "relief-audit-checkpoint/1"
STORAGE_DIR = "audit/checkpoints"
CHAINS: dict[str, type[ChangeEntry] | type[AccessLog]] = {
    CHAIN_CHANGES: ChangeEntry,
    CHAIN_ACCESS: AccessLog,
}


class CheckpointUnreadable(ValueError):
    """The file is not a checkpoint this version can read."""


def audited_tables() -> list[str]:
    return sorted([*history_tables(), ChangeEntry._meta.db_table, AccessLog._meta.db_table])


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _last_link(model) -> tuple[int, str]:
    last = (
        model._default_manager.filter(chain_seq__isnull=False)
        .order_by("-chain_seq")
        .values_list("chain_seq", "chain_digest")
        .first()
    )
    return last if last is not None else (0, "")


def _body_text(body: dict) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def build_checkpoint() -> dict[str, Any]:
    """Seal what is pending, then record both chains' ends and every audited table's size."""
    seal_pending()
    chains = []
    for name, model in CHAINS.items():
        seq, digest = _last_link(model)
        chains.append({"name": name, "seq": seq, "digest": digest})
    body: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "key_id": current_key_id(),
        "chains": chains,
        "tables": {table: _count(table) for table in audited_tables()},
    }
    return body | {"signature": _mac(_body_text(body))}


def dumps(checkpoint: dict) -> str:
    return json.dumps(checkpoint, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def loads(text: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CheckpointUnreadable(f"检查点文件不是 JSON：{exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointUnreadable("不是 Relief 审计检查点文件（format 不符）")
    return data


def checkpoint_problems(checkpoint: dict) -> Iterator[Problem]:
    """What in the database contradicts the checkpoint (call after the chains are sealed)."""
    body = {k: v for k, v in checkpoint.items() if k != "signature"}
    key = keyring().get(str(checkpoint.get("key_id", "")))
    if key is None:
        yield Problem(
            "checkpoint",
            f"key_id={checkpoint.get('key_id')}",
            f"key mismatch：检查点由密钥 {checkpoint.get('key_id')} 签名，当前配置中没有该密钥",
        )
        return
    if not hmac.compare_digest(str(checkpoint.get("signature", "")), _mac(_body_text(body), key)):
        yield Problem("checkpoint", "signature", "检查点签名不符（检查点文件被改动）")
        return
    for chain in checkpoint["chains"]:
        model = CHAINS[chain["name"]]
        label = f"{model._meta.label_lower} chain"
        seq = int(chain["seq"])
        if seq == 0:
            continue
        at = model._default_manager.filter(chain_seq=seq).values_list("chain_digest", flat=True)
        found = list(at)
        if not found:
            last, _digest = _last_link(model)
            yield Problem(
                label,
                f"seq={last + 1}",
                f"链比检查点（{checkpoint['created_at']}）短：检查点到第 {seq} 条，"
                f"现仅到第 {last} 条，第 {last + 1} 条起缺失（末尾被删除或回滚）",
            )
        elif found[0] != chain["digest"]:
            yield Problem(
                label,
                f"seq={seq}",
                f"第 {seq} 条的链摘要与检查点（{checkpoint['created_at']}）不同（链被改写）",
            )
    existing = set(connection.introspection.table_names())
    for table, expected in sorted(checkpoint["tables"].items()):
        now = _count(table) if table in existing else 0
        if now < expected:
            yield Problem(
                table,
                f"rows={now}",
                f"行数 {now} 少于检查点（{checkpoint['created_at']}）记录的 {expected}"
                "（记录被删除或表被清空）",
            )


# ---------------------------------------------------------------- kept in storage


def store_checkpoint() -> str:
    """Write a checkpoint to the file storage (object storage in production); returns its name."""
    checkpoint = build_checkpoint()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    return default_storage.save(
        f"{STORAGE_DIR}/checkpoint-{stamp}.json", ContentFile(dumps(checkpoint).encode())
    )


def stored_checkpoints() -> list[str]:
    """Names of the stored checkpoints, oldest first (their names sort by time)."""
    try:
        _dirs, files = default_storage.listdir(STORAGE_DIR)
    except FileNotFoundError:
        return []
    return sorted(f"{STORAGE_DIR}/{name}" for name in files if name.endswith(".json"))


def latest_stored_checkpoint() -> str | None:
    names = stored_checkpoints()
    return names[-1] if names else None


def stored_today() -> bool:
    latest = latest_stored_checkpoint()
    return latest is not None and timezone.now().strftime("%Y%m%d") in latest.rsplit("/", 1)[-1]

"""The last verified position: where a clean `verify_audit` run reached, kept signed.

Incremental verification trusts everything before the position, so the position must not be
movable by whoever can write to the database: its body is signed with the chain key (which the
database does not hold). A position whose signature fails is reported as altered and ignored
(the run is then a full one); a position signed by a key no longer configured is ignored
quietly (a key rotation, not tampering). The chains' rows at the position must still carry the
digests recorded in it, or the chain was rewritten behind it and the run is full as well.
"""

import hmac
import json
from dataclasses import asdict, dataclass, field

from django.db.models import Max

from ..models import AccessLog, ChangeEntry, VerifiedPosition
from ..registry import tracked_models
from .keys import _mac, current_key_id, keyring
from .rows import Problem

NAME = "verify_audit"


@dataclass
class Position:
    change_seq: int = 0
    change_digest: str = ""
    access_seq: int = 0
    access_digest: str = ""
    access_id: int = 0
    history: dict[str, int] = field(default_factory=dict)

    def text(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def _last_link(model) -> tuple[int, str]:
    last = (
        model._default_manager.filter(chain_seq__isnull=False)
        .order_by("-chain_seq")
        .values_list("chain_seq", "chain_digest")
        .first()
    )
    return last if last is not None else (0, "")


def snapshot() -> Position:
    """The current ends of everything (after sealing): what a clean run started now covers."""
    change_seq, change_digest = _last_link(ChangeEntry)
    access_seq, access_digest = _last_link(AccessLog)
    history = {}
    for label, tracked in tracked_models().items():
        last = tracked.history_model._default_manager.aggregate(last=Max("history_id"))["last"]
        history[label] = last or 0
    return Position(
        change_seq=change_seq,
        change_digest=change_digest,
        access_seq=access_seq,
        access_digest=access_digest,
        access_id=AccessLog.objects.aggregate(last=Max("id"))["last"] or 0,
        history=history,
    )


def record(position: Position) -> None:
    text = position.text()
    VerifiedPosition.objects.update_or_create(
        name=NAME,
        defaults={"body": text, "key_id": current_key_id(), "signature": _mac(text)},
    )


def forget() -> None:
    VerifiedPosition.objects.filter(name=NAME).delete()


def stored() -> tuple[Position | None, list[Problem]]:
    """The stored position if it can be trusted, and the problems found with it."""
    row = VerifiedPosition.objects.filter(name=NAME).first()
    if row is None:
        return None, []
    key = keyring().get(row.key_id)
    if key is None:
        return None, []
    if not hmac.compare_digest(row.signature, _mac(row.body, key)):
        return None, [
            Problem(
                "audits.verifiedposition",
                NAME,
                "已验证位置的签名不符（被人为改动），本次改为从头完整验证",
            )
        ]
    try:
        position = Position(**json.loads(row.body))
    except (TypeError, ValueError):
        return None, [Problem("audits.verifiedposition", NAME, "已验证位置无法读取")]
    problems = [
        Problem(
            f"{model._meta.label_lower} chain",
            f"seq={seq}",
            "已验证位置之前的链被改写（该处的链摘要与记录的不符），本次改为从头完整验证",
        )
        for model, seq, digest in (
            (ChangeEntry, position.change_seq, position.change_digest),
            (AccessLog, position.access_seq, position.access_digest),
        )
        if seq
        and list(
            model._default_manager.filter(chain_seq=seq).values_list("chain_digest", flat=True)
        )
        != [digest]
    ]
    return (None if problems else position), problems

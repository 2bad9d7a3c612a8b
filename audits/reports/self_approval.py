"""Self-approval attempts: access-log entries of refused four-eyes steps."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.access import AccessAction

from ..diffs import timeline_url
from ..selectors import access_visible_to
from .base import Report, Row, register, when


def self_approval(user) -> Iterator[Row]:
    qs = access_visible_to(user).filter(action=AccessAction.FOUR_EYES).order_by("-at", "-id")
    for log in qs.iterator(chunk_size=500):
        link = None
        if log.object_type and log.object_id:
            link = timeline_url(log.object_type, log.object_id)
        detail = log.detail or {}
        yield Row(
            [
                when(log.at),
                log.username,
                f"{log.object_type} #{log.object_id}" if log.object_id else "",
                detail.get("message") or detail.get("reason") or str(detail or ""),
                log.ip_address or "",
            ],
            link,
        )


register(
    Report(
        "self-approval",
        _("自审自批尝试"),
        _("因违反双人审批规则而被拒绝的操作。"),
        [_("时间"), _("用户"), _("对象"), _("详情"), _("来源地址")],
        self_approval,
        position=50,
    )
)

"""A record's change history for auditors: the auditor workspace's scope and field differences."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics

from audits.diffs import describe
from audits.models import ChangeEntry
from audits.permissions import can_view_audit
from audits.registry import tracked_models
from audits.selectors import entries_visible_to
from core.access import AccessAction, log_access

from ..base import ApiViewMixin
from ..serializers import HistoryEntrySerializer


@extend_schema(
    parameters=[
        OpenApiParameter(
            "label", str, OpenApiParameter.PATH, description="记录类型，如 payments.payment"
        ),
        OpenApiParameter("object_id", str, OpenApiParameter.PATH, description="记录编号"),
    ]
)
class RecordHistoryView(ApiViewMixin, generics.ListAPIView):
    """记录的变更历史（审计人员）/ a record's history, newest first, with field differences."""

    serializer_class = HistoryEntrySerializer

    def get_queryset(self):
        user = self.request.user
        if not can_view_audit(user):
            raise exceptions.PermissionDenied(_("只有审计人员可以查看变更历史。"))
        label, object_id = self.kwargs["label"], self.kwargs["object_id"]
        # A NUL cannot be stored in a PostgreSQL text column, so no record has one: 404, not 500.
        if label not in tracked_models() or "\x00" in object_id:
            raise exceptions.NotFound(_("未找到，或不在您的管理范围内。"))
        entries = entries_visible_to(user).filter(model=label, object_id=object_id)
        if not entries.exists():
            if ChangeEntry.objects.filter(model=label, object_id=object_id).exists():
                log_access(
                    user=user,
                    action=AccessAction.OUT_OF_SCOPE,
                    object_type=label,
                    object_id=object_id,
                    detail={"path": self.request.path},
                    request=self.request,
                )
            raise exceptions.NotFound(_("未找到，或不在您的管理范围内。"))
        return entries

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {
                "id": described.entry.pk,
                "at": described.entry.at,
                "user": str(described.entry.user) if described.entry.user_id else None,
                "kind": described.entry.get_kind_display(),
                "reason": _(described.entry.reason) if described.entry.reason else "",
                "changes": [
                    {"field": str(c.label), "old": c.old, "new": c.new} for c in described.changes
                ],
            }
            for described in describe(list(page))
        ]
        return self.get_paginated_response(HistoryEntrySerializer(rows, many=True).data)

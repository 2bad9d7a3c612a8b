"""Import/export for the Person admin, through `PersonResource` (Relief's rules).

The Person admin lives in `cases/admin/people.py`; it gains the buttons by mixing this in first:
`class PersonAdmin(PersonImportExportMixin, SimpleHistoryAdmin)`.
"""

from import_export.admin import ImportExportMixin

from cases.permissions import can_add_people, can_edit_people
from cases.selectors import people_visible_to
from core.access import AccessAction, log_access

from .resources import PersonResource


class PersonImportExportMixin(ImportExportMixin):
    resource_classes = [PersonResource]

    def has_import_permission(self, request):
        return can_add_people(request.user) and can_edit_people(request.user)

    def has_export_permission(self, request):
        return request.user.has_perm("cases.view_person")

    def get_export_resource_kwargs(self, request, **kwargs):
        """Masked for every role: full numbers leave only through the full-number export."""
        return {"reveal": False}

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .filter(pk__in=people_visible_to(request.user).values("pk"))
            .select_related("organisation")
        )

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        log_access(
            user=request.user,
            action=AccessAction.EXPORT,
            object_type="cases.person",
            detail={"export": "admin", "rows": len(data), "sensitive": False},
            request=request,
        )
        return data

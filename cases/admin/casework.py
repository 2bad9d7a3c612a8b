"""Admin: cases, visits, attachments, poverty lines."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Attachment, Case, PovertyLine, Visit


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("person", "category", "hardship_level", "status", "organisation", "opened_at")
    list_select_related = ("person", "organisation")
    list_filter = ("category", "status", "hardship_level")
    search_fields = ("person__name", "=person__id_tail")
    raw_id_fields = ("person", "organisation", "opened_by")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ("case", "visit_date", "kind", "recorded_by")
    list_select_related = ("case__person", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("case__person__name",)
    raw_id_fields = ("case", "recorded_by", "companions")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "visit", "content_type", "size", "uploaded_at")
    list_select_related = ("visit__case__person",)
    search_fields = ("original_name",)
    raw_id_fields = ("visit", "uploaded_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PovertyLine)
class PovertyLineAdmin(SimpleHistoryAdmin):
    """Administrators keep the yearly lines; cases compare per-capita income against them."""

    list_display = ("year", "monthly_amount", "note")
    ordering = ("-year",)

    def save_model(self, request, obj, form, change):
        from cases.services import save_poverty_line

        save_poverty_line(obj, by=request.user, reason="admin")

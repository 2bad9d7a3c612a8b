from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Case, Organisation, Person, PovertyLine, Visit


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "sector", "parent", "is_active")
    list_select_related = ("parent",)
    list_filter = ("sector", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        from .services import save_organisation

        save_organisation(obj, by=request.user, reason="admin")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "masked_id_number", "gender", "organisation", "employment_status")
    list_select_related = ("organisation",)
    list_filter = ("employment_status", "is_frontline_medical", "is_hubei_team")
    search_fields = ("name", "=id_number", "=id_tail", "=mobile")
    autocomplete_fields = ("organisation",)
    exclude = ("id_number", "bank_account")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # people are registered through the application, which validates and logs

    def has_change_permission(self, request, obj=None):
        return False


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
    list_display = ("year", "monthly_amount", "note")

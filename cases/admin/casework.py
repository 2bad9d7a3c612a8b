"""Admin: cases, visits, attachments, poverty lines."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Attachment, Case, HardshipPolicy, PovertyLine, Visit


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
    """Files are private: no storage URLs here, only the scope-checking download view."""

    list_display = ("original_name", "visit", "content_type", "size", "uploaded_at")
    list_select_related = ("visit__case__person",)
    search_fields = ("original_name",)
    raw_id_fields = ("visit", "uploaded_by")
    exclude = ("file", "thumbnail")
    readonly_fields = ("download",)
    show_full_result_count = False

    @admin.display(description=_("下载"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PovertyLine)
class PovertyLineAdmin(SimpleHistoryAdmin):
    """Administrators keep the lines per district; files compare their figures against them."""

    list_display = ("district", "year", "effective_from", "monthly_amount", "note")
    list_filter = ("district",)
    ordering = ("district", "-year", "-effective_from")

    def save_model(self, request, obj, form, change):
        from cases.services import save_poverty_line

        save_poverty_line(obj, by=request.user, reason=gettext_noop("后台编辑"))


@admin.register(HardshipPolicy)
class HardshipPolicyAdmin(SimpleHistoryAdmin):
    """The federation's multiplier, accident rule, upper-level ceiling and retention years."""

    list_display = (
        "organisation",
        "relative_multiplier",
        "accident_loss_months",
        "upper_approval_ceiling",
        "retention_years",
    )
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)

    def save_model(self, request, obj, form, change):
        from cases.services import save_hardship_policy

        save_hardship_policy(obj, by=request.user, reason=gettext_noop("后台编辑"))

"""Admin: letter templates (validated like the letters page, saved through the service) and
the print log (read-only)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import LetterTemplateForm
from .models import LetterTemplate, PrintRecord
from .services import save_letter_template


class LetterTemplateAdminForm(LetterTemplateForm):
    class Meta(LetterTemplateForm.Meta):
        fields = ["campaign", "title", "body", "signature"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    form = LetterTemplateAdminForm
    list_display = ("campaign", "title", "updated_by", "updated_at")
    list_select_related = ("campaign", "updated_by")
    search_fields = ("campaign__name",)
    raw_id_fields = ("campaign",)
    readonly_fields = ("updated_by", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # The campaign of an existing template is fixed: it is the template's identity.
        return (*self.readonly_fields, "campaign") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = save_letter_template(
            campaign=obj.campaign,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            signature=form.cleaned_data["signature"],
            by=request.user,
            reason=form.cleaned_data.get("reason") or "admin",
        )
        obj.pk = saved.pk


@admin.register(PrintRecord)
class PrintRecordAdmin(admin.ModelAdmin):
    list_display = ("printed_at", "printed_by_name", "kind", "channel", "campaign", "payment_count")
    list_select_related = ("campaign",)
    list_filter = ("kind", "channel")
    search_fields = ("printed_by_name",)
    date_hierarchy = "printed_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

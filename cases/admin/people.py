"""Admin: organisations and people."""

from django.contrib import admin
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Organisation, Person
from cases.transfers.admin import PersonImportExportMixin


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "sector", "parent", "is_active")
    list_select_related = ("parent",)
    list_filter = ("sector", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        from cases.services import save_organisation

        save_organisation(obj, by=request.user, reason=gettext_noop("后台编辑"))


@admin.register(Person)
class PersonAdmin(PersonImportExportMixin, SimpleHistoryAdmin):
    list_display = ("name", "masked_id_number", "gender", "organisation", "employment_status")
    list_select_related = ("organisation",)
    list_filter = ("employment_status", "is_frontline_medical", "is_hubei_team")
    search_fields = ("^name", "=id_number", "=id_tail", "=mobile")
    autocomplete_fields = ("organisation",)
    exclude = ("id_number", "bank_account")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # people are registered through the application, which validates and logs

    def has_change_permission(self, request, obj=None):
        return False

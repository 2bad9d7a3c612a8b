"""Read-only admin: every change to recuperation records goes through `recuperation.services`."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Nomination, Programme, Quota, Session


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name", "year", "kind", "organisation", "budget")
    list_select_related = ("organisation",)
    list_filter = ("year", "kind")
    search_fields = ("name",)


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("programme", "destination", "starts_on", "ends_on", "capacity")
    list_select_related = ("programme",)


@admin.register(Quota)
class QuotaAdmin(ReadOnlyAdmin):
    list_display = ("programme", "organisation", "places")
    list_select_related = ("programme", "organisation")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("person", "session", "organisation", "status")
    list_select_related = ("person", "session", "organisation")
    list_filter = ("status",)
    search_fields = ("person__name",)
    show_full_result_count = False

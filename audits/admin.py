"""Audit tables in the admin: visible to who may view them, never editable or deletable."""

from django.contrib import admin

from .models import AccessLog, ChainHead, ChangeEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "object_type", "object_id", "field", "ip_address")
    list_filter = ("action",)
    list_select_related = ("user",)
    search_fields = ("=username", "=object_id")
    date_hierarchy = None


@admin.register(ChangeEntry)
class ChangeEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "model", "object_id", "kind", "reason", "chain_seq")
    list_filter = ("kind",)
    list_select_related = ("user",)
    search_fields = ("=model", "=object_id")


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("name", "seq", "digest")

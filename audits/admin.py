from django.contrib import admin

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Append-only: visible, never editable."""

    list_display = ("at", "username", "action", "object_type", "object_id", "field", "ip_address")
    list_filter = ("action",)
    search_fields = ("=username", "=object_id")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

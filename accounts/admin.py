from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "organisation", "is_active", "is_staff")
    list_select_related = ("organisation",)
    list_filter = ("is_active", "groups")
    search_fields = ("username", "display_name")
    autocomplete_fields = ("organisation",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("组织与姓名"), {"fields": ("organisation", "display_name")}),
    )

from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import User
from .roles import Role


def role_label(group: Group) -> str:
    """A group is a role: shown by the role's name in the reader's language, not `case_officer`."""
    try:
        return str(Role(group.name).label)
    except ValueError:
        return group.name


class RoleFilter(admin.SimpleListFilter):
    title = _("角色")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(groups__name=value) if value else queryset


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "organisation", "is_active", "is_staff")
    list_select_related = ("organisation",)
    list_filter = ("is_active", RoleFilter)
    search_fields = ("username", "display_name")
    autocomplete_fields = ("organisation",)
    # One name field (姓名), not Django's 名字/姓氏 beside it.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("姓名与组织"), {"fields": ("display_name", "organisation", "email")}),
        (
            _("角色与权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "organisation", "password1", "password2"),
            },
        ),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = FilteredSelectMultiple(_("角色"), is_stacked=False)
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label = _("角色")
            field.help_text = _("用户所担任的角色；每个角色带有相应的权限。")
            field.label_from_instance = role_label
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        """Administrators manage ordinary users only: a superuser is invisible to them, so its
        change, password and delete pages are not found (no take-over of a superuser)."""
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser hands out superuser status or permissions outside the roles."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(BaseGroupAdmin):
    list_display = ("role", "name")

    @admin.display(description=_("角色"), ordering="name")
    def role(self, group: Group) -> str:
        return role_label(group)

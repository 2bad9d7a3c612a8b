"""Who may print and who may edit letter templates: one place for the questions views ask."""

from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role


def can_print(user) -> bool:
    """Letters and sign-off sheets: case officers and finance (see accounts.roles)."""
    return user.has_perm("letters.print_letter") and not has_role(user, Role.AUDITOR)


def can_edit_templates(user) -> bool:
    return user.has_perm("letters.change_lettertemplate") and not has_role(user, Role.AUDITOR)


def can_view_print_log(user) -> bool:
    return user.has_perm("audits.view_audit")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied

"""Who may use the auditor's workspace, and the rule that auditors never write."""

from accounts.roles import Role, has_role

VIEW_AUDIT = "audits.view_audit"
EXPORT_AUDIT = "audits.export_audit"

# POSTs an auditor may still make: signing in and out, the language, their own password.
AUDITOR_ALLOWED_POSTS = frozenset({"login", "logout", "set_language", "password_change"})


def can_view_audit(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_AUDIT)


def can_export_audit(user) -> bool:
    return user.is_authenticated and user.has_perm(EXPORT_AUDIT)


def is_read_only(user) -> bool:
    """Anyone holding the auditor role is read-only, whatever else they hold (separation of
    duties: the person who audits a change must not be able to make one)."""
    return has_role(user, Role.AUDITOR)

"""Who may open the statistics: the roles that read money and files, never the administrator."""

from accounts.roles import Role, has_role


def can_view_statistics(user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return has_role(user, Role.LEADER, Role.FINANCE, Role.AUDITOR, Role.CASE_OFFICER)

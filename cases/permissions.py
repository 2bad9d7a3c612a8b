"""Who may do what with people, cases and visits: one place for the questions views ask."""

from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role


def can_edit_people(user) -> bool:
    return user.has_perm("cases.change_person") and not has_role(user, Role.AUDITOR)


def can_add_people(user) -> bool:
    return user.has_perm("cases.add_person") and not has_role(user, Role.AUDITOR)


def can_reveal_sensitive(user) -> bool:
    return user.has_perm("cases.reveal_sensitive")


def can_work_cases(user) -> bool:
    """Open, verify, close cases and record visits."""
    return user.has_perm("cases.change_case") and not has_role(user, Role.AUDITOR)


def can_approve_files(user) -> bool:
    """Approve hardship files (建档审批); the service also requires an upper-level union."""
    return user.has_perm("cases.approve_hardship_file") and not has_role(user, Role.AUDITOR)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied

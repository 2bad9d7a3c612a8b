"""Who may do what with recuperation programmes: one place for the questions asked.

Scope is separate (see `selectors`): the federation that runs a programme sets it up and
approves; a union's officer nominates within the union's subtree.
"""

from accounts.roles import Role, has_role


def _writer(user) -> bool:
    """Auditors read everything in scope and never write, whatever else they hold."""
    return getattr(user, "is_authenticated", False) and not has_role(user, Role.AUDITOR)


def can_view(user) -> bool:
    return user.has_perm("recuperation.view_programme")


def can_manage_programmes(user) -> bool:
    return _writer(user) and user.has_perm("recuperation.manage_programme")


def can_nominate(user) -> bool:
    return _writer(user) and user.has_perm("recuperation.nominate")


def can_approve(user) -> bool:
    return _writer(user) and user.has_perm("recuperation.approve_nomination")


def can_record_attendance(user) -> bool:
    return _writer(user) and user.has_perm("recuperation.record_attendance")


def can_print(user) -> bool:
    """Rosters and notices go through the letters app's printing permission."""
    return _writer(user) and user.has_perm("letters.print_letter")

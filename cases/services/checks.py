"""Checks every casework step makes first: the role, the organisation scope, a locked copy.

Shared by the opening, visit, attachment and lifecycle modules so that each step refuses the
same way (`CaseworkNotAllowed`, `OutOfScope`) and re-reads the case under a row lock.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from cases.exceptions import CaseworkNotAllowed, OutOfScope
from cases.models import Case
from cases.selectors import scope_path

__all__: list[str] = []


def require_casework_role(by, permission: str) -> None:
    if by is None or not by.has_perm(permission) or has_role(by, Role.AUDITOR):
        raise CaseworkNotAllowed(_("您没有办理帮扶个案的权限（仅帮扶专干可以操作）。"))


def require_in_scope(by, organisation) -> None:
    prefix = scope_path(by)
    if prefix is None or not organisation.path.startswith(prefix):
        raise OutOfScope(_("该职工不在您所在组织的管辖范围内，不能办理其个案。"))


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock: checks made on a stale copy are worthless."""
    return Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)


def refresh_caller_copy(case: Case, fresh: Case, fields: Iterable[str]) -> None:
    """The caller's object shows the new state too, as if it had been saved directly."""
    for name in fields:
        setattr(case, name, getattr(fresh, name))


def today() -> datetime.date:
    """The local date, the one officers write on their forms."""
    return timezone.localdate()

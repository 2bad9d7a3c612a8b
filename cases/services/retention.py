"""Retention (档案保存): closed hardship files stay read-only for the federation's retention years
(`HardshipPolicy.retention_years`, 10 by default), then are listed for archiving.

Archiving marks the file (`archived_at`, `archived_by`, with a history row like every change);
it deletes nothing, so the audit chain stays whole and `verify_audit` still passes. An archived
file cannot be reopened. Read-only before that: every casework step refuses a closed file
(visits too, except the follow-ups after 脱困), and reopening is the one way back.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import CaseStateError
from cases.models import Case, CaseCategory, CaseStatus, Organisation
from core.history import attribute_change

from .checks import lock_case, require_casework_role, require_in_scope
from .eligibility import policy_for

__all__ = ["archive_file", "files_due_for_archiving", "kept_until"]


def _shift_years(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def kept_until(case: Case) -> datetime.datetime | None:
    """When a closed file's read-only retention ends (None while it is open)."""
    if case.closed_at is None:
        return None
    years = policy_for(case.organisation).retention_years
    return _shift_years(case.closed_at, years)


def files_due_for_archiving(
    cases: QuerySet[Case], now: datetime.datetime | None = None
) -> QuerySet[Case]:
    """Closed hardship files of `cases` (already scoped) past their federation's retention."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for root in Organisation.objects.filter(parent__isnull=True):
        cutoff = _shift_years(now, -policy_for(root).retention_years)
        due |= Q(organisation__path__startswith=root.path, closed_at__lt=cutoff)
    return (
        cases.filter(category=CaseCategory.HARDSHIP, status=CaseStatus.CLOSED)
        .filter(archived_at__isnull=True)
        .filter(due)
        .select_related("person", "organisation")
        .order_by("closed_at", "id")
    )


def archive_file(case: Case, *, by, note: str = "") -> Case:
    """Archive a closed file whose retention has ended; nothing is deleted."""
    require_casework_role(by, "cases.change_case")
    with transaction.atomic():
        locked = lock_case(case)
        require_in_scope(by, locked.organisation)
        if locked.category != CaseCategory.HARDSHIP or locked.status != CaseStatus.CLOSED:
            raise CaseStateError(_("只有已结案的困难职工档案才能归档。"))
        if locked.archived_at is not None:
            raise CaseStateError(_("档案已于 %(d)s 归档。") % {"d": locked.archived_at.date()})
        until = kept_until(locked)
        now = timezone.now()
        if until is None or until > now:
            raise CaseStateError(
                _("结案档案须只读保存至 %(d)s，期满后才能归档。")
                % {"d": until.date() if until else "—"}
            )
        locked.archived_at = now
        locked.archived_by = by
        attribute_change(locked, by=by, reason=(note or "").strip() or _("保存期满归档"))
        locked.save(update_fields=["archived_at", "archived_by"])
    case.archived_at, case.archived_by = locked.archived_at, by
    return locked

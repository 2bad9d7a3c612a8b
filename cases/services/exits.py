"""Leaving the register: 脱困 (out of hardship) and 退档 (taken off), follow-ups, and 返困.

A file leaves by `exit_file` (or by a yearly review's 脱困/退档 outcome, or by closing the case)
with an `ExitReason`. After 脱困 two follow-up visits fall due, 6 and 12 months later
(`ExitFollowUp`); a visit recorded on the exited file is the next due follow-up. A household
that falls back (返困) has the same file reopened by `reopen_case`: it starts again as an
application, and `return_count` counts the returns apart from new files.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import CaseStateError, InvalidCaseData, ReasonRequired
from cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    ExitFollowUp,
    ExitReason,
    FileStage,
    Visit,
)
from core.history import attribute_change

from .checks import lock_case, refresh_caller_copy, require_casework_role, require_in_scope, today
from .file_tallies import file_facts, save_file

__all__ = ["FOLLOW_UP_MONTHS", "exit_file", "follow_ups_due"]

FOLLOW_UP_MONTHS = (6, 12)

# The case's closing reason that goes with a file's exit reason.
_CLOSING: dict[str, str] = {
    ExitReason.DECEASED: ClosingReason.DECEASED,
    ExitReason.MOVED: ClosingReason.MOVED,
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def leave_file(
    locked: Case, *, by, exit_: bool, reason: str, note: str, day: datetime.date
) -> list[str]:
    """Put the exit on a locked file (the caller closes the case); schedule the follow-ups after
    脱困. Returns the fields changed."""
    locked.file_stage = FileStage.EXITED if exit_ else FileStage.WITHDRAWN
    locked.exit_reason = reason
    locked.exited_on = day
    locked.exit_note = note
    if exit_:
        for months in FOLLOW_UP_MONTHS:
            follow_up = ExitFollowUp(
                case=locked, exited_on=day, months=months, due_on=add_months(day, months)
            )
            attribute_change(follow_up, by=by, reason=_("脱困后回访"))
            follow_up.save()
    return ["file_stage", "exit_reason", "exited_on", "exit_note"]


def exit_file(case: Case, *, by, exit_: bool, reason: str, note: str = "") -> Case:
    """脱困 (`exit_=True`) or 退档 of a file in file, with a reason; closes the case."""
    require_casework_role(by, "cases.change_case")
    note = (note or "").strip()
    if reason not in ExitReason.values:
        raise ReasonRequired(_("请选择脱困或退档的原因。"), field="reason")
    if reason == ExitReason.OTHER and not note:
        raise ReasonRequired(_("原因为“其他”时请填写说明。"), field="note")
    with transaction.atomic():
        locked = lock_case(case)
        before = file_facts(locked)
        require_in_scope(by, locked.organisation)
        if locked.category != CaseCategory.HARDSHIP or locked.file_stage != FileStage.IN_FILE:
            raise CaseStateError(_("只有在档的困难职工档案才能脱困或退档。"))
        if locked.status == CaseStatus.CLOSED:
            raise CaseStateError(_("个案已经结案。"))
        day = today()
        if exit_ and reason in (ExitReason.DECEASED, ExitReason.FALSE_CLAIM, ExitReason.MOVED):
            raise InvalidCaseData(
                _("“%(r)s”应办理退档，不是脱困。") % {"r": ExitReason(reason).label},
                field="reason",
            )
        fields = leave_file(locked, by=by, exit_=exit_, reason=reason, note=note, day=day)
        locked.status = CaseStatus.CLOSED
        default = ClosingReason.RESOLVED if exit_ else ClosingReason.INELIGIBLE
        locked.closing_reason = _CLOSING.get(reason, default)
        locked.closing_note = note
        locked.closed_at = timezone.now()
        fields += ["status", "closing_reason", "closing_note", "closed_at"]
        label = _("脱困") if exit_ else _("退档")
        text = f"{label}：{ExitReason(reason).label}"
        attribute_change(locked, by=by, reason=f"{text}（{note}）" if note else text)
        save_file(locked, before, fields)
    refresh_caller_copy(case, locked, fields)
    return locked


def pending_follow_up(case: Case) -> ExitFollowUp | None:
    """The earliest follow-up of an exited file that no visit has answered yet."""
    if case.file_stage != FileStage.EXITED or case.exited_on is None or case.archived_at:
        return None
    return (
        ExitFollowUp.objects.filter(case=case, visit__isnull=True, exited_on=case.exited_on)
        .order_by("due_on", "id")
        .first()
    )


def answer_follow_up(follow_up: ExitFollowUp, visit: Visit, *, by) -> None:
    """A visit recorded on an exited file answers its next due follow-up."""
    if visit.visit_date < follow_up.exited_on:
        raise CaseStateError(_("回访日期不能早于脱困日期。"), field="visit_date")
    follow_up.visit = visit
    attribute_change(follow_up, by=by, reason=_("脱困后 %(m)s 个月回访") % {"m": follow_up.months})
    follow_up.save(update_fields=["visit"])


def follow_ups_due(cases: QuerySet[Case], until: datetime.date) -> QuerySet[ExitFollowUp]:
    """Unanswered follow-ups of the given (scoped) files due by `until`, current exits only."""
    return (
        ExitFollowUp.objects.filter(case__in=cases, visit__isnull=True, due_on__lte=until)
        .filter(case__file_stage=FileStage.EXITED, exited_on=F("case__exited_on"))
        .select_related("case__person")
        .order_by("due_on", "id")
    )

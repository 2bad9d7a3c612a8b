"""The life of a case after opening: verify (needs a visit), close with a reason, reopen."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import CaseStateError, ReasonRequired, VerificationNeedsVisit
from cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    ExitReason,
    FileStage,
    Visit,
)
from core.history import attribute_change

from .checks import lock_case, refresh_caller_copy, require_casework_role, require_in_scope, today
from .exits import leave_file
from .file_tallies import file_facts, save_file
from .households import refuse_if_in_another_file
from .opening import duplicate_case_error, live_case_of

__all__ = ["close_case", "reopen_case", "verify_case"]

_EXIT_FOR_CLOSING: dict[str, str] = {
    ClosingReason.DECEASED: ExitReason.DECEASED,
    ClosingReason.MOVED: ExitReason.MOVED,
}


def verify_case(case: Case, *, by, note: str = "") -> Case:
    """Confirm the case after a visit; again every year for hardship cases (动态管理).

    The first verification needs at least one visit; a re-verification needs a visit on or after
    the previous verification date, so the yearly review rests on a fresh look at the household.
    """
    require_casework_role(by, "cases.change_case")
    with transaction.atomic():
        locked = lock_case(case)
        require_in_scope(by, locked.organisation)
        if locked.status == CaseStatus.CLOSED:
            raise CaseStateError(_("个案已结案，不能核实；如需继续办理请先重新开启。"))
        visits = Visit.objects.filter(case=locked)
        if not visits.exists():
            raise VerificationNeedsVisit(_("该个案还没有走访记录，须至少走访一次后才能核实。"))
        if (
            locked.last_verified_on is not None
            and not visits.filter(visit_date__gte=locked.last_verified_on).exists()
        ):
            raise VerificationNeedsVisit(
                _("上次核实（%(d)s）以来没有新的走访记录，请先走访再复核。")
                % {"d": locked.last_verified_on}
            )
        locked.status = CaseStatus.VERIFIED
        locked.last_verified_on = today()
        attribute_change(locked, by=by, reason=(note or "").strip())
        locked.save(update_fields=["status", "last_verified_on"])
    refresh_caller_copy(case, locked, ["status", "last_verified_on"])
    return locked


def close_case(case: Case, *, by, reason: str, note: str = "") -> Case:
    """Close with one of the closing reasons (resolved, ineligible, deceased, moved away)."""
    require_casework_role(by, "cases.change_case")
    with transaction.atomic():
        locked = lock_case(case)
        before = file_facts(locked)
        require_in_scope(by, locked.organisation)
        if locked.status == CaseStatus.CLOSED:
            raise CaseStateError(_("个案已经结案。"))
        if not reason:
            raise ReasonRequired(_("请选择结案原因。"), field="reason")
        if reason not in ClosingReason.values:
            raise ReasonRequired(_("结案原因无效，请从列表中选择。"), field="reason")
        note = (note or "").strip()
        locked.status = CaseStatus.CLOSED
        locked.closing_reason = reason
        locked.closing_note = note
        locked.closed_at = timezone.now()
        fields = ["status", "closing_reason", "closing_note", "closed_at"]
        if locked.category == CaseCategory.HARDSHIP:
            fields += leave_file(
                locked,
                by=by,
                exit_=reason == ClosingReason.RESOLVED,
                reason=_EXIT_FOR_CLOSING.get(reason, ExitReason.OTHER),
                note=note,
                day=today(),
            )
        label = ClosingReason(reason).label
        attribute_change(locked, by=by, reason=f"{label}：{note}" if note else str(label))
        save_file(locked, before, fields)
    refresh_caller_copy(case, locked, fields)
    return locked


def reopen_case(case: Case, *, by, reason: str) -> Case:
    """Reopen a closed case; it returns to "open" and must be verified again."""
    require_casework_role(by, "cases.change_case")
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = lock_case(case)
        before = file_facts(locked)
        require_in_scope(by, locked.organisation)
        if locked.status != CaseStatus.CLOSED:
            raise CaseStateError(_("只有已结案的个案才能重新开启。"))
        if not reason:
            raise ReasonRequired(_("请填写重新开启的理由。"), field="reason")
        existing = live_case_of(locked.person, locked.category)
        if existing is not None:
            raise duplicate_case_error(existing)
        if locked.category == CaseCategory.HARDSHIP:
            for number in [locked.person.id_number, *_member_numbers(locked)]:
                refuse_if_in_another_file(number, case_id=locked.pk, field="reason")
        if locked.archived_at is not None:
            raise CaseStateError(_("档案已归档，只读保存，不能重新开启。"))
        fields = ["status", "closing_reason", "closing_note", "closed_at"]
        if locked.file_stage == FileStage.EXITED:
            # 返困: the household fell back; the same file, counted apart from new files.
            locked.return_count += 1
            locked.returned_on = today()
            fields += ["return_count", "returned_on"]
            reason = _("返困：%(r)s") % {"r": reason}
        locked.status = CaseStatus.OPEN
        locked.closing_reason = ""
        locked.closing_note = ""
        locked.closed_at = None
        attribute_change(locked, by=by, reason=reason)
        if locked.category == CaseCategory.HARDSHIP:
            # Back to an application: a new home visit, 公示 and approval put it in file again.
            locked.file_stage = FileStage.APPLIED
            locked.applied_on = today()
            locked.publicity_starts_on = locked.publicity_ends_on = None
            locked.publicity_objections = ""
            fields += ["file_stage", "applied_on", "publicity_starts_on", "publicity_ends_on"]
            fields += ["publicity_objections"]
        try:
            with transaction.atomic():
                save_file(locked, before, fields)
        except IntegrityError:
            existing = live_case_of(locked.person, locked.category)
            if existing is None:
                raise
            raise duplicate_case_error(existing) from None
    refresh_caller_copy(case, locked, fields)
    return locked


def _member_numbers(case: Case) -> list[str]:
    return list(case.household_members.values_list("id_number", flat=True))

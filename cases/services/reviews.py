"""The yearly review (年度复核) of hardship files: recorded by the union, approved from above.

A review rests on a home visit in the review window (`RELIEF_REVIEW_WINDOW_DAYS` before the
review, and after the file's previous approval or review): a phone call does not count. It
stores the household figures and the suggested tier of the day. The upper-level union's
approval applies the outcome: 保留 and 调级 make the file current for the review's year
(`reviewed_for_year`), 脱困 and 退档 close it. Until then the file is not current for that year,
so next year's hardship payments wait for the review.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import CaseStateError, FileNeedsHomeVisit, InvalidCaseData, ReasonRequired
from cases.models import (
    Case,
    CaseCategory,
    CaseReview,
    CaseStatus,
    ClosingReason,
    ExitReason,
    FileStage,
    HardshipLevel,
    ReviewOutcome,
    Visit,
    VisitKind,
)
from cases.signals import case_tier_changed
from core.history import attribute_change

from .checks import lock_case, require_casework_role, require_in_scope, today
from .eligibility import file_figures
from .exits import leave_file
from .file_tallies import file_facts, save_file
from .hardship_file import require_upper_level_approver

__all__ = ["approve_review", "record_review", "review_window_days"]

DEFAULT_REVIEW_WINDOW_DAYS = 120


def review_window_days() -> int:
    return int(getattr(settings, "RELIEF_REVIEW_WINDOW_DAYS", DEFAULT_REVIEW_WINDOW_DAYS))


def _review_visit(case: Case, day: datetime.date) -> Visit | None:
    """The latest home visit in the window, after the file's previous approval or review."""
    since = day - datetime.timedelta(days=review_window_days())
    if case.last_verified_on is not None:
        since = max(since, case.last_verified_on)
    return (
        Visit.objects.filter(case=case, kind=VisitKind.HOME, visit_date__gte=since)
        .filter(visit_date__lte=day)
        .order_by("-visit_date", "-id")
        .first()
    )


def record_review(
    case: Case,
    *,
    by,
    year: int,
    outcome: str,
    decided_level: str = "",
    note: str = "",
    exit_reason: str = "",
) -> CaseReview:
    """The union's review of a file for `year`; refused without a home visit in the window."""
    require_casework_role(by, "cases.change_case")
    note = (note or "").strip()
    if outcome not in ReviewOutcome.values:
        raise InvalidCaseData(_("请选择复核结果。"), field="outcome")
    with transaction.atomic():
        locked = lock_case(case)
        require_in_scope(by, locked.organisation)
        if locked.category != CaseCategory.HARDSHIP or locked.file_stage != FileStage.IN_FILE:
            raise CaseStateError(_("只有在档的困难职工档案才进行年度复核。"))
        if locked.status == CaseStatus.CLOSED:
            raise CaseStateError(_("个案已结案，不能复核。"))
        day = today()
        if year not in (day.year, day.year + 1) or (locked.reviewed_for_year or 0) >= year:
            raise InvalidCaseData(
                _("该档案已复核至 %(done)s 年；复核年度只能是今年或明年。")
                % {"done": locked.reviewed_for_year},
                field="year",
            )
        if CaseReview.objects.filter(case=locked, year=year).exists():
            raise CaseStateError(
                _("%(year)s 年度的复核已经登记，等待上级工会审批。") % {"year": year}
            )
        visit = _review_visit(locked, day)
        if visit is None:
            raise FileNeedsHomeVisit(
                _(
                    "复核前 %(days)s 天内（且在上次核实之后）没有入户走访记录，"
                    "电话走访不算；请先入户走访。"
                )
                % {"days": review_window_days()}
            )
        level = locked.hardship_level
        if outcome == ReviewOutcome.REGRADE:
            if decided_level not in HardshipLevel.values or decided_level == level:
                raise InvalidCaseData(_("调级须选择新的困难类别。"), field="decided_level")
            if not note:
                raise ReasonRequired(_("调级须填写复核意见说明理由。"), field="note")
        elif outcome == ReviewOutcome.KEEP:
            decided_level = level
        else:
            decided_level = ""
            if not note:
                raise ReasonRequired(_("脱困或退档须填写复核意见说明理由。"), field="note")
            exit_reason = exit_reason or ExitReason.OTHER
            if exit_reason not in ExitReason.values:
                raise InvalidCaseData(_("请选择脱困或退档的原因。"), field="exit_reason")
        figures = file_figures(locked, day)
        review = CaseReview(
            case=locked,
            year=year,
            visit=visit,
            household_size=figures.household_size,
            household_monthly_income=figures.household_monthly_income,
            rigid_expenses=figures.rigid_expenses,
            line=figures.line,
            suggested_level=figures.suggested_level,
            tier_basis=figures.as_basis(),
            previous_level=level,
            decided_level=decided_level,
            outcome=outcome,
            exit_reason=exit_reason
            if outcome in (ReviewOutcome.EXIT, ReviewOutcome.WITHDRAW)
            else "",
            note=note,
            reviewed_by=by,
            reviewed_on=day,
        )
        attribute_change(review, by=by, reason=note)
        review.save()
    return review


def approve_review(review: CaseReview, *, by, opinion: str = "") -> CaseReview:
    """The upper-level union's approval: the outcome takes effect on the file."""
    opinion = (opinion or "").strip()
    with transaction.atomic():
        locked = lock_case(review.case)
        before = file_facts(locked)
        require_upper_level_approver(by, locked)
        review = CaseReview.objects.select_for_update().get(pk=review.pk)
        if review.is_approved:
            raise CaseStateError(_("该复核已经审批。"))
        if by.pk == review.reviewed_by_id:
            raise CaseStateError(_("复核人不能审批自己的复核。"))
        if locked.status == CaseStatus.CLOSED or locked.file_stage != FileStage.IN_FILE:
            raise CaseStateError(_("档案已不在档，复核不能再审批。"))
        day = today()
        review.approved_by = by
        review.approved_on = day
        attribute_change(review, by=by, reason=opinion)
        review.save(update_fields=["approved_by", "approved_on"])
        reason = _("%(year)s 年度复核：%(outcome)s") % {
            "year": review.year,
            "outcome": review.get_outcome_display(),
        }
        if review.note:
            reason = f"{reason}（{review.note}）"
        fields = ["status", "last_verified_on"]
        locked.last_verified_on = day
        if review.outcome in (ReviewOutcome.KEEP, ReviewOutcome.REGRADE):
            locked.status = CaseStatus.VERIFIED
            locked.reviewed_for_year = review.year
            old_level, locked.hardship_level = locked.hardship_level, review.decided_level
            fields += ["reviewed_for_year", "hardship_level"]
        else:
            exit_ = review.outcome == ReviewOutcome.EXIT
            locked.status = CaseStatus.CLOSED
            locked.closing_reason = ClosingReason.RESOLVED if exit_ else ClosingReason.INELIGIBLE
            locked.closing_note = review.note
            locked.closed_at = timezone.now()
            fields += ["closing_reason", "closing_note", "closed_at"]
            fields += leave_file(
                locked,
                by=by,
                exit_=exit_,
                reason=review.exit_reason or ExitReason.OTHER,
                note=review.note,
                day=day,
            )
        attribute_change(locked, by=by, reason=reason)
        save_file(locked, before, fields)
        if "hardship_level" in fields:
            case_tier_changed.send(
                Case, case_id=locked.pk, old=old_level, new=locked.hardship_level
            )
    return review

"""The hardship file (困难职工档案): application → home visit → 公示 → approval → in file.

A hardship case is the file. Opening it is the application (`open_case`); these steps take it
further. Each step locks the case row, checks role, scope and stage, then the rule of the step:
a home visit (入户) since the application before 公示 — a phone call does not count; an
approver from a union above the file's union, never its opener, after the 公示 period ended;
objections answered in the approval opinion. Tier and causes change only through
`change_file_tier`, with a reason that goes into the history like every other change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from cases.exceptions import (
    CaseStateError,
    FileApprovalNotAllowed,
    FileNeedsHomeVisit,
    InvalidCaseData,
    ReasonRequired,
)
from cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    FileStage,
    HardshipCause,
    HardshipLevel,
    Visit,
    VisitKind,
)
from cases.selectors import scope_path
from cases.signals import case_tier_changed
from core.history import attribute_change

from .checks import lock_case, refresh_caller_copy, require_casework_role, require_in_scope, today
from .eligibility import file_figures
from .file_tallies import file_facts, save_file

__all__ = [
    "approve_file",
    "change_file_tier",
    "publicity_min_days",
    "record_publicity_objection",
    "start_publicity",
]

DEFAULT_PUBLICITY_MIN_DAYS = 5


def publicity_min_days() -> int:
    """The shortest 公示 in calendar days, both ends included (`RELIEF_PUBLICITY_MIN_DAYS`)."""
    return int(getattr(settings, "RELIEF_PUBLICITY_MIN_DAYS", DEFAULT_PUBLICITY_MIN_DAYS))


def _locked_file(case: Case, by, *, stage: str | None = None) -> Case:
    locked = lock_case(case)
    require_in_scope(by, locked.organisation)
    _check_file(locked, stage=stage)
    return locked


def _check_file(locked: Case, *, stage: str | None) -> None:
    if locked.category != CaseCategory.HARDSHIP:
        raise CaseStateError(_("只有困难职工帮扶个案才建立困难职工档案。"))
    if locked.status == CaseStatus.CLOSED:
        raise CaseStateError(_("个案已结案，档案不能再办理；如需继续办理请先重新开启。"))
    if stage is not None and locked.file_stage != stage:
        raise CaseStateError(
            _("档案当前状态为“%(now)s”，此步骤只适用于“%(wanted)s”的档案。")
            % {"now": locked.get_file_stage_display(), "wanted": FileStage(stage).label}
        )


def _home_visit_since(case: Case, day: datetime.date | None) -> bool:
    visits = Visit.objects.filter(case=case, kind=VisitKind.HOME)
    if day is not None:
        visits = visits.filter(visit_date__gte=day)
    return visits.exists()


def start_publicity(case: Case, *, by, starts_on: datetime.date, ends_on: datetime.date) -> Case:
    """Put an application on 公示 for its dates; refused without a home visit since applying."""
    require_casework_role(by, "cases.change_case")
    fields = ["file_stage", "publicity_starts_on", "publicity_ends_on", "publicity_objections"]
    with transaction.atomic():
        locked = _locked_file(case, by, stage=FileStage.APPLIED)
        before = file_facts(locked)
        if not _home_visit_since(locked, locked.applied_on):
            raise FileNeedsHomeVisit(
                _("申请以来还没有入户走访记录（电话走访不算），须入户走访后才能公示。")
            )
        if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
            raise InvalidCaseData(_("请填写公示开始和结束日期。"), field="starts_on")
        days = (ends_on - starts_on).days + 1
        if days < publicity_min_days():
            raise InvalidCaseData(
                _("公示期为 %(days)s 天，不少于 %(min)s 天（含首尾两天）。")
                % {"days": max(days, 0), "min": publicity_min_days()},
                field="ends_on",
            )
        if locked.applied_on is not None and starts_on < locked.applied_on:
            raise InvalidCaseData(
                _("公示开始日期 %(d)s 早于申请日期 %(a)s。")
                % {"d": starts_on, "a": locked.applied_on},
                field="starts_on",
            )
        locked.file_stage = FileStage.PUBLICISED
        locked.publicity_starts_on = starts_on
        locked.publicity_ends_on = ends_on
        locked.publicity_objections = ""
        attribute_change(
            locked, by=by, reason=_("公示 %(s)s 至 %(e)s") % {"s": starts_on, "e": ends_on}
        )
        save_file(locked, before, fields)
    refresh_caller_copy(case, locked, fields)
    return locked


def record_publicity_objection(case: Case, *, by, objection: str) -> Case:
    """Note an objection raised during 公示; the approver must answer it in the opinion."""
    require_casework_role(by, "cases.change_case")
    objection = (objection or "").strip()
    if not objection:
        raise ReasonRequired(_("请填写异议内容。"), field="objection")
    with transaction.atomic():
        locked = _locked_file(case, by, stage=FileStage.PUBLICISED)
        line = f"{today()}：{objection}"
        locked.publicity_objections = (
            f"{locked.publicity_objections}\n{line}" if locked.publicity_objections else line
        )
        attribute_change(locked, by=by, reason=_("公示异议：%(o)s") % {"o": objection})
        locked.save(update_fields=["publicity_objections"])
    refresh_caller_copy(case, locked, ["publicity_objections"])
    return locked


def require_upper_level_approver(by, case: Case) -> None:
    if by is None or not by.has_perm("cases.approve_hardship_file") or has_role(by, Role.AUDITOR):
        raise FileApprovalNotAllowed(_("您没有审批困难职工建档的权限。"))
    prefix = scope_path(by)
    if prefix is None or not case.organisation.path.startswith(prefix):
        raise FileApprovalNotAllowed(_("该档案不在您所在组织的管辖范围内。"))
    if by.is_superuser:
        return
    if by.organisation_id == case.organisation_id:
        raise FileApprovalNotAllowed(
            _("建档须由上级工会审批，%(org)s 不能审批本单位的档案。")
            % {"org": case.organisation.name}
        )
    if by.pk == case.opened_by_id:
        raise FileApprovalNotAllowed(_("提出建档申请的人不能审批同一份档案。"))


def approve_file(case: Case, *, by, opinion: str = "") -> Case:
    """The upper-level union's approval after 公示: the file is in file for this year."""
    opinion = (opinion or "").strip()
    fields = [
        "file_stage",
        "file_approved_by",
        "file_approved_on",
        "file_opinion",
        "reviewed_for_year",
        "status",
        "last_verified_on",
        "suggested_level",
        "tier_basis",
    ]
    with transaction.atomic():
        locked = lock_case(case)
        before = file_facts(locked)
        require_upper_level_approver(by, locked)
        _check_file(locked, stage=FileStage.PUBLICISED)
        day = today()
        if locked.publicity_ends_on is None or day <= locked.publicity_ends_on:
            raise CaseStateError(
                _("公示期至 %(e)s 结束，公示期满后才能审批。") % {"e": locked.publicity_ends_on}
            )
        if locked.publicity_objections and not opinion:
            raise ReasonRequired(
                _("公示期间有异议，请在上级工会意见中说明核查结果。"), field="opinion"
            )
        locked.file_stage = FileStage.IN_FILE
        locked.file_approved_by = by
        locked.file_approved_on = day
        locked.file_opinion = opinion
        locked.reviewed_for_year = day.year
        locked.status = CaseStatus.VERIFIED
        locked.last_verified_on = day
        figures = file_figures(locked, day)
        locked.suggested_level = figures.suggested_level
        locked.tier_basis = figures.as_basis()
        attribute_change(locked, by=by, reason=opinion or _("上级工会审批建档"))
        save_file(locked, before, fields)
    refresh_caller_copy(case, locked, fields)
    return locked


def change_file_tier(
    case: Case,
    *,
    by,
    hardship_level: str,
    causes: Iterable[str] = (),
    reason: str,
    accident_loss: Decimal | None = None,
) -> Case:
    """Change the tier (困难类别), causes and loss of a file; the reason is kept in its history,
    the suggestion of the day and its inputs in `tier_basis`."""
    require_casework_role(by, "cases.change_case")
    reason = (reason or "").strip()
    causes = list(dict.fromkeys(causes))
    if not reason:
        raise ReasonRequired(_("请填写调整困难类别或致困原因的理由。"), field="reason")
    if hardship_level not in HardshipLevel.values:
        raise InvalidCaseData(_("请选择有效的困难类别。"), field="hardship_level")
    unknown = [c for c in causes if c not in HardshipCause.values]
    if unknown:
        raise InvalidCaseData(
            _("致困原因无效：%(c)s。") % {"c": "、".join(unknown)}, field="causes"
        )
    if hardship_level == HardshipLevel.ACCIDENT and not causes:
        raise InvalidCaseData(_("意外致困须选择致困原因。"), field="causes")
    if accident_loss is not None and accident_loss < 0:
        raise InvalidCaseData(_("意外损失金额不能为负数。"), field="accident_loss")
    fields = ["hardship_level", "causes", "accident_loss", "suggested_level", "tier_basis"]
    with transaction.atomic():
        locked = _locked_file(case, by)
        before = file_facts(locked)
        loss = locked.accident_loss if accident_loss is None else accident_loss
        if (locked.hardship_level, locked.causes, locked.accident_loss) == (
            hardship_level,
            causes,
            loss,
        ):
            raise InvalidCaseData(_("困难类别和致困原因没有变化。"), field="hardship_level")
        old_level = locked.hardship_level
        locked.hardship_level = hardship_level
        locked.causes = causes
        locked.accident_loss = loss
        figures = file_figures(locked, today())
        locked.suggested_level = figures.suggested_level
        locked.tier_basis = figures.as_basis()
        attribute_change(locked, by=by, reason=reason)
        save_file(locked, before, fields)
        case_tier_changed.send(Case, case_id=locked.pk, old=old_level, new=hardship_level)
    refresh_caller_copy(case, locked, fields)
    return locked

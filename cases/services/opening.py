"""Opening a case: one open case per person and category; the hardship level and its override.

The partial unique constraint on `Case` backs the duplicate check up when two officers race.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import DuplicateOpenCase, InvalidCaseData
from cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    FileStage,
    HardshipCause,
    HardshipLevel,
    Person,
)
from cases.models.cases import Occasion
from core.history import attribute_change

from .checks import require_casework_role, require_in_scope, today
from .eligibility import eligibility_of
from .file_tallies import record_new_file
from .households import refuse_if_in_another_file

__all__ = ["open_case"]


def _validate_case_fields(
    *,
    category: str,
    hardship_level: str,
    causes: list[str],
    occasion: str,
    suggested: str,
    line_known: bool,
    level_override_reason: str,
) -> str:
    """Check the category-specific fields; return the hardship level to store."""
    if category not in CaseCategory.values:
        raise InvalidCaseData(_("请选择有效的个案类别。"), field="category")
    unknown = [c for c in causes if c not in HardshipCause.values]
    if unknown:
        raise InvalidCaseData(
            _("致困原因无效：%(c)s。") % {"c": "、".join(unknown)}, field="causes"
        )
    if category != CaseCategory.HARDSHIP:
        if hardship_level or causes:
            raise InvalidCaseData(
                _("只有困难职工帮扶个案才填写困难类别和致困原因。"), field="hardship_level"
            )
        if category == CaseCategory.OCCASION and occasion not in Occasion.values:
            raise InvalidCaseData(_("节日/特殊日慰问个案请选择慰问节日。"), field="occasion")
        if category != CaseCategory.OCCASION and occasion:
            raise InvalidCaseData(_("只有节日/特殊日慰问个案才选择慰问节日。"), field="occasion")
        return ""
    if occasion:
        raise InvalidCaseData(_("只有节日/特殊日慰问个案才选择慰问节日。"), field="occasion")
    level = hardship_level or suggested
    if not level and not line_known:
        raise InvalidCaseData(
            _("今天没有执行中的低保标准，系统无法建议困难类别，请选择困难类别。"),
            field="hardship_level",
        )
    if not level:
        raise InvalidCaseData(
            _("按收入测算该职工不低于相对困难线，系统无建议类别；请选择困难类别并说明理由。"),
            field="hardship_level",
        )
    if level not in HardshipLevel.values:
        raise InvalidCaseData(_("请选择有效的困难类别。"), field="hardship_level")
    if level == HardshipLevel.ACCIDENT:
        if not causes:
            raise InvalidCaseData(_("意外致困须选择致困原因。"), field="causes")
        return level
    if line_known and level != suggested and not level_override_reason.strip():
        raise InvalidCaseData(
            _("所选困难类别与系统按低保标准测算的建议类别不一致，请填写调整理由。"),
            field="level_override_reason",
        )
    return level


def open_case(
    person: Person,
    *,
    category: str,
    by,
    hardship_level: str = "",
    causes: Iterable[str] = (),
    occasion: str = "",
    summary: str = "",
    level_override_reason: str = "",
    accident_loss: Decimal | None = None,
) -> Case:
    """Open a case for a person; refused when the person already has an open case of the category.

    For hardship cases the level defaults to the suggestion from the poverty line of the current
    year; a different level (other than accident-induced) needs `level_override_reason`.
    """
    require_casework_role(by, "cases.add_case")
    causes = list(dict.fromkeys(causes))
    level_override_reason = (level_override_reason or "").strip()
    with transaction.atomic():
        # Lock the person: two officers opening the same case at once queue up here.
        person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
        require_in_scope(by, person.organisation)
        hardship = category == CaseCategory.HARDSHIP
        if accident_loss is not None and (not hardship or accident_loss < 0):
            raise InvalidCaseData(
                _("意外损失金额只用于困难职工帮扶个案，且不能为负数。"), field="accident_loss"
            )
        eligibility = eligibility_of(person, today(), causes=causes, loss=accident_loss)
        suggested = eligibility.suggested_level if hardship else ""
        level = _validate_case_fields(
            category=category,
            hardship_level=hardship_level,
            causes=causes,
            occasion=occasion,
            suggested=suggested,
            line_known=eligibility.line_known,
            level_override_reason=level_override_reason,
        )
        existing = live_case_of(person, category)
        if existing is not None:
            raise duplicate_case_error(existing)
        if category == CaseCategory.HARDSHIP:
            refuse_if_in_another_file(
                person.id_number, case_id=None, field="person", members_only=True
            )
        overridden = bool(level) and level not in (suggested, HardshipLevel.ACCIDENT)
        case = Case(
            person=person,
            category=category,
            hardship_level=level,
            suggested_level=suggested,
            level_override_reason=level_override_reason if overridden else "",
            causes=causes,
            occasion=occasion,
            organisation=person.organisation,
            summary=(summary or "").strip(),
            status=CaseStatus.OPEN,
            file_stage=FileStage.APPLIED if category == CaseCategory.HARDSHIP else "",
            applied_on=today() if hardship else None,
            accident_loss=accident_loss,
            tier_basis=eligibility.as_basis() if hardship else {},
            opened_by=by,
            opened_at=timezone.now(),
        )
        attribute_change(case, by=by, reason=level_override_reason if overridden else "")
        try:
            with transaction.atomic():  # a savepoint, so the outer block survives the error
                case.save()
        except IntegrityError:
            existing = live_case_of(person, category)
            if existing is None:
                raise
            raise duplicate_case_error(existing) from None
        record_new_file(case)
    return case


def live_case_of(person: Person, category: str) -> Case | None:
    return (
        Case.objects.filter(person=person, category=category)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )


def duplicate_case_error(existing: Case) -> DuplicateOpenCase:
    return DuplicateOpenCase(
        _("该职工已有同类别的未结案个案（编号 %(id)s，%(status)s），请在原个案中继续办理。")
        % {"id": existing.pk, "status": existing.get_status_display()},
        field="category",
    )

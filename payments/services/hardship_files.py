"""Hardship payments only on a current hardship file: approved by the upper level, reviewed.

What "current" means belongs to the file and lives in `cases.selectors.current_files`; this
module reads it for a set of cases in one query (so the bulk approval asks once for all its
payments) and says why a payment is refused.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from cases.models import Case, CaseCategory, FileStage
from cases.selectors import current_files

from ..exceptions import HardshipFileNotCurrent
from ..models import AssistanceStandard


@dataclass(frozen=True)
class FileState:
    """What an approval needs to know about a payment's case and its person's file."""

    category: str
    stage: str
    reviewed_for_year: int | None
    current: bool
    # Whether the federation has a household standard for the item asked about (so the
    # household cap needs checking); read in the same query to keep an approval's statements.
    item_has_standard: bool = False


def file_states(case_ids, on_date: datetime.date, *, item: str = "") -> dict[int, FileState]:
    """The file state of each case on `on_date`, in one query whatever the number of cases."""
    rows = (
        Case.objects.filter(pk__in=set(case_ids))
        .annotate(
            current=Exists(current_files(on_date).filter(person_id=OuterRef("person_id"))),
            item_has_standard=Exists(AssistanceStandard.objects.filter(item=item)),
        )
        .values_list(
            "pk", "category", "file_stage", "reviewed_for_year", "current", "item_has_standard"
        )
    )
    return {
        pk: FileState(category, stage, reviewed, current, has_standard)
        for pk, category, stage, reviewed, current, has_standard in rows
    }


def raise_unless_current(state: FileState, on_date: datetime.date) -> None:
    """Refuse a hardship payment whose person has no current file on `on_date`."""
    if state.category != CaseCategory.HARDSHIP or state.current:
        return
    if state.stage == FileStage.IN_FILE:
        raise HardshipFileNotCurrent(
            _(
                "该职工的困难职工档案尚未完成 %(year)s 年度复核（最近复核年度：%(done)s），"
                "不能审批困难帮扶金。"
            )
            % {"year": on_date.year, "done": state.reviewed_for_year or "—"}
        )
    label = FileStage(state.stage).label if state.stage in FileStage.values else _("未建档")
    raise HardshipFileNotCurrent(
        _("该职工的困难职工档案状态为“%(stage)s”，须经公示和上级工会审批建档后才能审批困难帮扶金。")
        % {"stage": label}
    )

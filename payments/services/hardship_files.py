"""Hardship payments only on a current hardship file: approved by the upper level, reviewed.

The rule itself (what "current" means) belongs to the file and lives in `cases.selectors`;
this module asks it once per approval, in one query, and says why a payment is refused.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from cases.models import Case, CaseCategory, FileStage
from cases.selectors import current_files

from ..exceptions import HardshipFileNotCurrent
from ..models import Payment


def check_hardship_file(payment: Payment, on_date: datetime.date) -> None:
    """Refuse a hardship payment whose person has no current file on `on_date`."""
    category, stage, reviewed, current = (
        Case.objects.filter(pk=payment.case_id)
        .annotate(current=Exists(current_files(on_date).filter(person_id=OuterRef("person_id"))))
        .values_list("category", "file_stage", "reviewed_for_year", "current")
        .get()
    )
    if category != CaseCategory.HARDSHIP or current:
        return
    if stage == FileStage.IN_FILE:
        raise HardshipFileNotCurrent(
            _(
                "该职工的困难职工档案尚未完成 %(year)s 年度复核（最近复核年度：%(done)s），"
                "不能审批困难帮扶金。"
            )
            % {"year": on_date.year, "done": reviewed or "—"}
        )
    label = FileStage(stage).label if stage in FileStage.values else _("未建档")
    raise HardshipFileNotCurrent(
        _("该职工的困难职工档案状态为“%(stage)s”，须经公示和上级工会审批建档后才能审批困难帮扶金。")
        % {"stage": label}
    )

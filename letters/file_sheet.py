"""The printed hardship file (困难职工档案表): one A4 document per file, for the paper archive.

Person, household members, income and rigid expenses, tier and the figures it rests on, the
assistance the household received by year and item, the visits, the 公示 dates, and the two
opinion boxes (基层工会意见, 上级工会意见) with room for the seals. ID numbers are masked like
everywhere else; the print is recorded in the print log like every letter.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case, CaseCategory, HardshipCause, HardshipLevel, Visit
from cases.services.eligibility import file_figures
from core import fonts, pdf_stylesheets
from core.chinese import date_in_chinese
from letters.models import PrintChannel, PrintKind
from letters.services import LetterRefused, PrintOut, record_print
from payments.models import AssistanceItem, Payment
from payments.selectors import COMMITTED
from payments.services.household_caps import household_person_ids

from .permissions import can_print

CSS = Path(__file__).resolve().parent / "pdfcss" / "file_sheet.css"


@dataclass(frozen=True)
class YearRow:
    year: int
    items: list[tuple[str, Decimal]]
    total: Decimal


def assistance_by_year(case: Case) -> list[YearRow]:
    """Committed money (approved to paid, less nothing reversed) of the household, per year."""
    rows = (
        Payment.objects.filter(person_id__in=household_person_ids(case), status__in=COMMITTED)
        .values_list("year", "assistance_item", "amount")
        .order_by("year")
    )
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for year, item, amount in rows:
        sums[year][item] += amount
    labels = dict(AssistanceItem.choices)
    return [
        YearRow(
            year,
            [(str(labels.get(item, _("未分类"))), total) for item, total in items.items()],
            sum(items.values(), Decimal("0.00")),
        )
        for year, items in sorted(sums.items())
    ]


def _names(case: Case) -> list[str]:
    return [case.person.name, *(m.name for m in case.household_members.all())]


def print_file_sheet(case: Case, *, by, request=None, on: datetime.date | None = None) -> PrintOut:
    """The file's 档案表 as an A4 PDF, recorded in the print log."""
    if not can_print(by):
        raise LetterRefused(_("您没有打印困难职工档案表的权限。"))
    if case.category != CaseCategory.HARDSHIP:
        raise LetterRefused(_("只有困难职工帮扶个案才有档案表。"))
    missing = [n for n in _names(case) if fonts.uncovered_characters(n)]
    if missing:
        raise LetterRefused(
            _("已安装的字体都无法显示下列姓名中的生僻字，打印会出现方框：%(list)s。")
            % {"list": "；".join(missing)}
        )
    on = on or timezone.localdate()
    figures = file_figures(case, on)
    visits = Visit.objects.filter(case=case).order_by("visit_date", "id")
    causes = dict(HardshipCause.choices)
    with translation.override("zh-hans"):
        html = render_to_string(
            "letters/pdf/file_sheet.html",
            {
                "case": case,
                "person": case.person,
                "members": case.household_members.all(),
                "expenses": case.rigid_expenses.all(),
                "figures": figures,
                "level": HardshipLevel(case.hardship_level).label if case.hardship_level else "—",
                "causes": "、".join(str(causes[c]) for c in case.causes if c in causes) or "—",
                "years": assistance_by_year(case),
                "visits": visits,
                "follow_ups": case.exit_follow_ups.all(),
                "issued_on": date_in_chinese(on),
            },
        )
    document = pdf_stylesheets.render(html, CSS)
    content = document.write_pdf()
    filename = f"困难职工档案表-{case.person.name}-{case.pk}.pdf"
    record = record_print(
        kind=PrintKind.FILE_SHEET,
        channel=PrintChannel.WEB,
        by=by,
        payment_ids=[],
        pages=len(document.pages),
        filename=filename,
        subject=case,
        case=case,
        request=request,
    )
    return PrintOut(filename, content, len(document.pages), record)

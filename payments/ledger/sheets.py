"""The 台账 and the 发放花名册 as XLSX laid out for print: a title, the unit and period, a header
row repeated on every page, A4 fitted to the page width, page numbers, and the signature lines.

Amounts are real numbers and every total is a SUM over the cells above it, so a reader who
corrects a cell in the spreadsheet sees the totals follow; the total in Chinese capitals is
written from the same figures. Text typed as a formula (`=…`) stays text.
"""

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.chinese import amount_in_capitals, amount_in_figures, date_in_chinese
from core.formatting import mask, neutralise

from .selectors import LedgerLine, RosterGroup

MONEY = "#,##0.00"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

LEDGER_HEADERS = (
    ("序号", 6),
    ("日期", 11),
    ("凭证号", 14),
    ("活动", 22),
    ("姓名", 10),
    ("类别", 24),
    ("方式", 10),
    ("金额/物品（元）", 13),
    ("经费来源", 16),
    ("经办人", 10),
    ("审批人", 14),
    ("备注", 22),
)
LEDGER_AMOUNT_COLUMN = 8

ROSTER_HEADERS = (
    ("序号", 6),
    ("单位", 24),
    ("姓名", 10),
    ("身份证号", 21),
    ("类别及困难类别", 20),
    ("金额（元）", 12),
    ("签名", 16),
)
ROSTER_AMOUNT_COLUMN = 6


def _last_row(sheet: Worksheet) -> int:
    """The row `append` wrote last. (`Worksheet.max_row` scans every cell: quadratic in a loop.)"""
    return sheet._current_row


def _text(value):
    return neutralise(value) if isinstance(value, str) else value


def _title_rows(sheet: Worksheet, width: int, title: str, meta: str) -> None:
    sheet.append([_text(title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = CENTRE
    sheet.row_dimensions[1].height = 30
    sheet.append([_text(meta)])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].alignment = LEFT


def _header_row(sheet: Worksheet, headers: Sequence[tuple[str, int]]) -> int:
    sheet.append([name for name, _width in headers])
    row = sheet.max_row
    for index, (_name, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=index)
        cell.font = Font(bold=True)
        cell.alignment = CENTRE
        cell.border = BOX
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = f"{row}:{row}"
    return row


def _add_styles(workbook: Workbook) -> None:
    """Boxed cell styles, registered once: a named style is applied to a cell in one step,
    where setting border, alignment and format one by one costs a style lookup each (10,000
    rows took a minute that way)."""
    for bold in (False, True):
        suffix = "_bold" if bold else ""
        font = Font(bold=bold)
        for name, alignment, number_format in (
            ("text", LEFT, "General"),
            ("centre", CENTRE, "General"),
            ("money", RIGHT, MONEY),
            ("date", CENTRE, "yyyy-mm-dd"),
        ):
            workbook.add_named_style(
                NamedStyle(
                    name=f"{name}{suffix}",
                    font=font,
                    border=BOX,
                    alignment=alignment,
                    number_format=number_format,
                )
            )


def _box(
    sheet: Worksheet,
    row: int,
    width: int,
    amount_column: int,
    *,
    bold: bool = False,
    date_column: int | None = None,
) -> None:
    suffix = "_bold" if bold else ""
    for column in range(1, width + 1):
        if column == amount_column:
            name = "money"
        elif column == date_column:
            name = "date"
        elif column == 1:
            name = "centre"
        else:
            name = "text"
        sheet.cell(row=row, column=column).style = name + suffix


def _page_setup(sheet: Worksheet, *, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"


def _closing_lines(sheet: Worksheet, total: Decimal, signers: str) -> None:
    sheet.append([])
    sheet.append([f"合计金额（小写）：¥{amount_in_figures(total)}"])
    sheet.append([f"合计金额（大写）：{amount_in_capitals(total)}"])
    sheet.append([])
    sheet.append([signers])


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_xlsx(
    lines: Sequence[LedgerLine], *, union: str, year: int, issued_on: datetime.date
) -> bytes:
    """The 台账 of one union and year."""
    workbook = Workbook()
    _add_styles(workbook)
    sheet = workbook.active
    sheet.title = f"{year}年台账"
    width = len(LEDGER_HEADERS)
    _title_rows(
        sheet,
        width,
        f"{union}{year}年度帮扶慰问台账",
        f"单位：{union}　　期间：{year}年1月1日至{year}年12月31日　　金额单位：元　　"
        f"制表日期：{date_in_chinese(issued_on)}",
    )
    header = _header_row(sheet, LEDGER_HEADERS)
    for number, line in enumerate(lines, start=1):
        sheet.append(
            [
                number,
                line.day,
                _text(line.voucher),
                _text(line.campaign),
                _text(line.name),
                _text(line.category),
                _text(line.method),
                line.amount,
                _text(line.funding_source),
                _text(line.handler),
                _text(line.approvers),
                _text(line.note),
            ]
        )
        row = _last_row(sheet)
        _box(sheet, row, width, LEDGER_AMOUNT_COLUMN, date_column=2)
        sheet.row_dimensions[row].height = 30  # two lines of a wrapped category or note
    column = get_column_letter(LEDGER_AMOUNT_COLUMN)
    first, last = header + 1, _last_row(sheet)
    total = sum((line.amount for line in lines), Decimal("0.00"))
    sheet.append(
        [None, "合计", f"{len(lines)}笔"]
        + [None] * (LEDGER_AMOUNT_COLUMN - 4)
        + [f"=SUM({column}{first}:{column}{last})" if lines else 0]
        + [None] * (width - LEDGER_AMOUNT_COLUMN)
    )
    _box(sheet, _last_row(sheet), width, LEDGER_AMOUNT_COLUMN, bold=True)
    _closing_lines(sheet, total, "负责人：　　　　　　　　审核人：　　　　　　　　制表人：")
    _page_setup(sheet, landscape=True)
    return _save(workbook)


def roster_xlsx(
    groups: Sequence[RosterGroup],
    *,
    title: str,
    issuer: str,
    subject: str,
    issued_on: datetime.date,
) -> bytes:
    """The 发放花名册: one block per union with its subtotal, then the total. Both are
    SUBTOTAL(9, …), which skips the other SUBTOTAL cells in its range, so no line counts twice."""
    workbook = Workbook()
    _add_styles(workbook)
    sheet = workbook.active
    sheet.title = "发放花名册"
    width = len(ROSTER_HEADERS)
    _title_rows(
        sheet,
        width,
        title,
        f"发放单位：{issuer}　　{subject}　　金额单位：元　　"
        f"制表日期：{date_in_chinese(issued_on)}",
    )
    header = _header_row(sheet, ROSTER_HEADERS)
    column = get_column_letter(ROSTER_AMOUNT_COLUMN)
    number = 0
    for group in groups:
        first = _last_row(sheet) + 1
        for line in group.lines:
            number += 1
            sheet.append(
                [
                    number,
                    _text(line.organisation),
                    _text(line.name),
                    mask(line.id_number),
                    _text(line.category),
                    line.amount,
                    None,
                ]
            )
            _box(sheet, _last_row(sheet), width, ROSTER_AMOUNT_COLUMN)
            sheet.row_dimensions[_last_row(sheet)].height = 28
        last = _last_row(sheet)
        sheet.append(
            [
                None,
                _text(group.organisation),
                "小计",
                f"{len(group.lines)}人",
                None,
                f"=SUBTOTAL(9,{column}{first}:{column}{last})",
                None,
            ]
        )
        _box(sheet, _last_row(sheet), width, ROSTER_AMOUNT_COLUMN, bold=True)
    first, last = header + 1, _last_row(sheet)
    total = sum((group.subtotal for group in groups), Decimal("0.00"))
    sheet.append(
        [
            None,
            None,
            "合计",
            f"{number}人",
            None,
            f"=SUBTOTAL(9,{column}{first}:{column}{last})" if groups else 0,
            None,
        ]
    )
    _box(sheet, _last_row(sheet), width, ROSTER_AMOUNT_COLUMN, bold=True)
    _closing_lines(
        sheet, total, "发放人：　　　　　　监督人：　　　　　　审核人：　　　　　　日期："
    )
    _page_setup(sheet, landscape=False)
    return _save(workbook)

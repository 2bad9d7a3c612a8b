"""The return as an XLSX laid out for print: A4 landscape, one page wide, title rows repeated,
real numbers (a spreadsheet sums them), the signature lines at the foot."""

import io
from decimal import Decimal

from core.formatting import neutralise

from .sheet import ReturnSheet

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"


def render_return_xlsx(sheet: ReturnSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="EEEEEE")
    workbook = Workbook()
    ws = workbook.active
    ws.title = "年度帮扶统计表"
    width = sheet.width
    last = get_column_letter(width)

    ws.append([neutralise(sheet.title)])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([neutralise(f"填报单位：{sheet.issuer}"), None, None, sheet.period])
    ws.append([sheet.unit, None, None, neutralise(sheet.filters)])
    for section in sheet.sections:
        ws.append([])
        ws.append([section.title])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        ws.append(["项目", *section.headers])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.border = box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for line in section.lines:
            values = [float(v) if isinstance(v, Decimal) else v for v in line.values]
            ws.append([neutralise(line.label), *values])
            for column, cell in enumerate(ws[ws.max_row], start=1):
                cell.border = box
                if line.total:
                    cell.font = Font(bold=True)
                if column > 1 and column - 2 < len(line.values):
                    raw = line.values[column - 2]
                    cell.number_format = MONEY_FORMAT if isinstance(raw, Decimal) else COUNT_FORMAT
    ws.append([])
    ws.append(
        ["单位负责人：", None, "填表人：", None, "联系电话：", None, f"填报日期：{sheet.filled_on}"]
    )

    ws.column_dimensions["A"].width = 40
    for column in range(2, width + 1):
        ws.column_dimensions[get_column_letter(column)].width = 14
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:3"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

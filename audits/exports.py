"""CSV (streamed) and XLSX exports of any audit view; cells that a spreadsheet would run as a
formula are neutralised."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from core.formatting import neutralise as _neutralise_text

XLSX_MAX_ROWS = 200_000


def neutralise(value) -> str:
    """Any cell as text, neutralised the one way every written file is (`core.formatting`)."""
    return _neutralise_text("" if value is None else str(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # BOM: Excel opens UTF-8 Chinese text correctly
        yield writer.writerow([neutralise(h) for h in header])
        for row in rows:
            yield writer.writerow([neutralise(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([neutralise(h) for h in header])
    for count, row in enumerate(rows):
        if count >= XLSX_MAX_ROWS:
            sheet.append([f"… 超过 {XLSX_MAX_ROWS} 行，请导出 CSV"])
            break
        sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(fmt: str, name: str, header: list[str], rows: Iterable[list]):
    filename = f"{name}-{timezone.localtime():%Y%m%d-%H%M}"
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows)
    return csv_response(filename, header, rows)

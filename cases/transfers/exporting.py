"""Writing lists out as CSV or XLSX: the machinery every export shares.

Rows are read with `values_list(...).iterator(chunk_size=2000)`, so memory stays flat however
long the list; CSV streams to the browser, large XLSX files are written (openpyxl write-only)
to a temporary file by a background job. Every cell a spreadsheet could run as a formula is
neutralised, sensitive columns are masked (a full-number export is the separate, explicit action
of `cases.transfers.full_export`), and every export is written to the access log with its
filters, its row count and whether it held full numbers.
"""

import csv
import datetime
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.access import AccessAction, log_access
from core.formatting import mask, neutralise
from core.search import is_full_id, search_params

CHUNK = 2_000
# Above this many rows an XLSX export is written by a background job.
SYNC_XLSX_ROWS = 5_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def mask_id(value: str) -> str:
    return mask(value)


def mask_account(value: str) -> str:
    return mask(value, keep_start=4, keep_end=4)


@dataclass
class Column:
    header: str  # a lazy Chinese string
    lookup: str  # a values_list() path
    choices: dict | None = None  # stored value -> label
    masker: Callable[[str], str] | None = None  # set for sensitive columns


@dataclass
class ExportSpec:
    kind: str
    title: str  # file name stem, lazy
    object_type: str  # "cases.person", for the access log
    columns: list[Column]
    queryset: Callable  # (user, params: QueryDict) -> QuerySet, scoped and filtered
    filter_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_sensitive(self) -> bool:
        return any(c.masker for c in self.columns)


def _cell(value, column: Column, reveal: bool):
    if value is None or value == "":
        return None  # an empty cell: CSV writes nothing, XLSX skips it
    if column.choices is not None:
        return str(column.choices.get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal | int):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    text = str(value)
    if column.masker and not reveal:
        text = column.masker(text)
    return neutralise(text)


def export_rows(spec: ExportSpec, qs: QuerySet, *, reveal: bool) -> Iterator[list]:
    """The header, then one list of cells per record, read in chunks."""
    columns = spec.columns
    yield [str(c.header) for c in columns]
    lookups = [c.lookup for c in columns]
    for values in qs.values_list(*lookups).iterator(chunk_size=CHUNK):
        yield [_cell(v, c, reveal) for v, c in zip(values, columns, strict=True)]


class _Echo:
    def write(self, value):
        return value


def stream_csv(rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so Chinese Excel opens it without garbling."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    buffer = []
    for row in rows:
        buffer.append(writer.writerow(row))
        if len(buffer) >= 500:
            yield "".join(buffer).encode()
            buffer = []
    if buffer:
        yield "".join(buffer).encode()


def write_xlsx(rows: Iterable[list], target, *, sheet_title: str = "", progress=None, total=0):
    """Write rows to `target` (a path or a binary file) in openpyxl's write-only mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(sheet_title or "Sheet1")[:31])
    for done, row in enumerate(rows):
        sheet.append(row)
        if progress and done and done % 1000 == 0:
            progress(done, total)
    workbook.save(target)


def write_template(target, columns, *, text_columns=(), rows: int = 2000) -> None:
    """An empty sheet with a header whose text columns are formatted as text, so Excel keeps
    18-digit ID numbers and bank accounts intact instead of turning them into numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for index, name in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 22 if name in text_columns else 14
        if name in text_columns:
            for row in range(2, rows + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    workbook.save(target)


def filename_for(spec: ExportSpec, fmt: str) -> str:
    return f"{spec.title}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def export_filters(spec: ExportSpec, params) -> dict[str, str]:
    """The filters an export ran with, as the access log records them (a full ID masked)."""
    return {
        k: ",".join(mask(v) if is_full_id(v) else v for v in values)
        for k in spec.filter_names
        if (values := [v for v in params.getlist(k) if v])
    }


def log_export(
    *, user, spec: ExportSpec, fmt: str, rows: int, reveal: bool, params, request, reason=""
):
    detail = {
        "export": spec.kind,
        "format": fmt,
        "rows": rows,
        "sensitive": bool(reveal and spec.has_sensitive),
        "filters": export_filters(spec, params),
    }
    if reason:
        detail["reason"] = reason
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        object_type=spec.object_type,
        detail=detail,
        request=request,
    )


def may_reveal(user) -> bool:
    return user.has_perm("cases.reveal_sensitive")


def export_response(
    request, spec: ExportSpec, fmt: str, *, job_kind: str, reveal: bool = False, reason: str = ""
):
    """Answer an export request: CSV streams; small XLSX at once; large XLSX as a job.

    Masked unless `reveal`, which only the full-number export (permission, reason and
    confirmation checked there) passes."""
    from django.shortcuts import redirect

    from jobs.services import start_job

    user = request.user
    reveal = reveal and may_reveal(user)
    params = search_params(request)
    qs = spec.queryset(user, params)
    count = qs.count()
    log_export(
        user=user,
        spec=spec,
        fmt=fmt,
        rows=count,
        reveal=reveal,
        params=params,
        request=request,
        reason=reason,
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            stream_csv(export_rows(spec, qs, reveal=reveal)), content_type="text/csv; charset=utf-8"
        )
        return attachment(response, filename_for(spec, "csv"))
    if count > SYNC_XLSX_ROWS:
        job = start_job(
            kind=job_kind,
            title=_("导出%(title)s（%(n)d行）") % {"title": spec.title, "n": count},
            by=user,
            params={
                "kind": spec.kind,
                "query": params.urlencode(),
                "reveal": reveal,
                "language": get_language(),
            },
        )
        return redirect(job.get_absolute_url())
    buffer = io.BytesIO()
    write_xlsx(export_rows(spec, qs, reveal=reveal), buffer, sheet_title=str(spec.title))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return attachment(response, filename_for(spec, "xlsx"))


def run_export_job(job, progress, spec: ExportSpec):
    """The background half of a large XLSX export: a temporary file handed to the job."""
    from django.contrib.auth import get_user_model
    from django.http import QueryDict

    from jobs.registry import JobResult

    user = get_user_model().objects.get(pk=job.owner_id)
    qs = spec.queryset(user, QueryDict(job.params.get("query", "")))
    total = qs.count()
    progress(0, total)
    descriptor, path = tempfile.mkstemp(prefix="relief-export-", suffix=".xlsx")
    os.close(descriptor)
    # The reveal decision was made (and logged) when the export was asked for.
    reveal = bool(job.params.get("reveal")) and may_reveal(user)
    rows = export_rows(spec, qs, reveal=reveal)
    write_xlsx(rows, path, sheet_title=str(spec.title), progress=progress, total=total)
    progress(total, total)
    return JobResult(
        filename=filename_for(spec, "xlsx"),
        path=path,
        message=_("已导出%(n)d行。") % {"n": total},
    )

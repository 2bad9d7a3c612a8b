"""Reading uploaded tables (XLSX or CSV).

The format and the CSV encoding are detected from the bytes, never asked: Chinese Excel saves CSV
in GB18030/GBK, other tools in UTF-8 with or without a byte-order mark.
"""

import codecs
import csv
import datetime
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import RuleViolation

# Anything larger is refused before it is parsed; 20 MB holds about 200,000 roster rows as CSV.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Up to this many data rows the web answers at once; above it the work goes to a background job.
SYNC_ROW_LIMIT = 5_000
# A number this large lost digits when a spreadsheet stored it as a floating-point number.
_FLOAT_EXACT_LIMIT = 10**15

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRefused(RuleViolation):
    """The file as a whole cannot be read as the expected table; nothing was imported."""

    code = "file_refused"


@dataclass
class Row:
    number: int  # the spreadsheet's row number: the header is row 1
    cells: dict[str, str]
    numeric: frozenset[str] = field(default_factory=frozenset)  # columns typed as numbers

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    encoding: str
    header: list[str]
    rows: Iterator[Row]
    row_count: int  # data rows, an upper bound counted cheaply before parsing


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise FileRefused(
            _("文件大小为 %(size).1f MB，超过上限 %(limit)d MB，请拆分后分批导入。")
            % {"size": size / 1024 / 1024, "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )


def read_table(data: bytes, *, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> Table:
    """Parse `data` as XLSX or CSV whose header row holds exactly `columns` (in any order),
    and any of the `optional` ones."""
    check_size(len(data))
    if not data.strip():
        raise FileRefused(_("文件是空的。"))
    if data.startswith(_OLE_MAGIC):
        raise FileRefused(
            _("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入。")
        )
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, columns, optional)
    return _read_csv(data, columns, optional)


def _check_header(raw: list, columns: tuple[str, ...], optional: tuple[str, ...]) -> list[str]:
    header = [str(c).strip().lstrip("\ufeff").strip() if c is not None else "" for c in raw]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileRefused(_("第1行应为表头，但它是空的。"))
    present = [h for h in header if h]
    missing = [c for c in columns if c not in present]
    unknown = [h for h in present if h not in columns and h not in optional]
    duplicated = sorted({h for h in present if present.count(h) > 1})
    problems = []
    if missing:
        problems.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
    if duplicated:
        problems.append(_("重复的列：%(cols)s") % {"cols": "、".join(duplicated)})
    if problems:
        raise FileRefused(
            _("表头不符合模板（应为：%(expected)s）。%(problems)s。")
            % {
                "expected": "，".join(columns + tuple(f"[{c}]" for c in optional)),
                "problems": "；".join(problems),
            }
        )
    return header


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise FileRefused(_("文件不是电子表格（应为 .xlsx 或 .csv）。"))
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    raise FileRefused(_("无法识别文件的文字编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。"))


def _read_csv(data: bytes, columns: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    text, encoding = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader)
    except (StopIteration, csv.Error):
        raise FileRefused(_("文件不是电子表格（应为 .xlsx 或 .csv）。")) from None
    header = _check_header(raw_header, columns, optional)
    count = max(text.count("\n") - 1, 0) + (0 if text.endswith("\n") else 1)

    def rows() -> Iterator[Row]:
        try:
            for number, raw in enumerate(reader, start=2):
                cells = {h: raw[i].strip() for i, h in enumerate(header) if h and i < len(raw)}
                yield Row(number, cells)
        except csv.Error as error:
            raise FileRefused(
                _("第%(row)d行无法按 CSV 解析：%(error)s")
                % {"row": reader.line_num, "error": error}
            ) from None

    return Table("csv", encoding, header, rows(), count)


def _cell_text(value) -> tuple[str, bool]:
    """The cell as text, and whether it was a number too long to be exact."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("1" if value else "0"), False
    if isinstance(value, int):
        return str(value), abs(value) >= _FLOAT_EXACT_LIMIT
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:.0f}", abs(value) >= _FLOAT_EXACT_LIMIT
        return format(Decimal(str(value)), "f"), False
    if isinstance(value, datetime.datetime):
        # A date typed into a text column arrives as midnight: it is a date, not a timestamp.
        if value.time() == datetime.time(0):
            return value.date().isoformat(), False
        return value.isoformat(" "), False
    if isinstance(value, datetime.date):
        return value.isoformat(), False
    return str(value).strip(), False


def _read_xlsx(data: bytes, columns: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:
        raise FileRefused(_("文件不是有效的 .xlsx 电子表格，无法打开。")) from None
    # The sheet's declared dimension; some writers leave it out, then a size-based guess (a
    # roster row takes roughly 60 compressed bytes) keeps a large file off the request path.
    count = sheet.max_row - 1 if sheet.max_row else len(data) // 60
    # Then read every row, not just those inside the declared <dimension>: writers that declare
    # it too small would otherwise have their last rows dropped without a word.
    sheet.reset_dimensions()
    values = sheet.iter_rows(values_only=True)
    raw_header = next(values, None)
    if raw_header is None:
        raise FileRefused(_("文件是空的。"))
    header = _check_header(list(raw_header), columns, optional)

    def rows() -> Iterator[Row]:
        for number, raw in enumerate(values, start=2):
            cells, numeric = {}, set()
            for i, h in enumerate(header):
                if h and i < len(raw):
                    text, inexact = _cell_text(raw[i])
                    cells[h] = text
                    if inexact or isinstance(raw[i], float):
                        numeric.add(h)
            yield Row(number, cells, frozenset(numeric))
        workbook.close()

    return Table("xlsx", "", header, rows(), count)

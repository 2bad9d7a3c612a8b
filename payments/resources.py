"""Bank files through django-import-export: the transfer file out, the bank's result file in."""

import io
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from import_export import fields, resources

from core.formatting import neutralise

from .models import BatchLine

BANK_FILE_COLUMNS = ("序号", "户名", "账号", "开户行", "金额", "用途", "付款编号")


class BankFileResource(resources.ModelResource):
    """One row per batch line, columns as the bank expects them (full account numbers)."""

    seq = fields.Field(column_name="序号")
    # The payee as approved (`Payment.payee_*`), never the person's current details.
    holder = fields.Field(attribute="payment__payee_name", column_name="户名")
    account = fields.Field(attribute="payment__payee_account", column_name="账号")
    bank = fields.Field(attribute="payment__payee_bank", column_name="开户行")
    amount_text = fields.Field(column_name="金额")
    purpose = fields.Field(attribute="payment__purpose", column_name="用途")
    reference = fields.Field(attribute="payment__reference", column_name="付款编号")

    class Meta:
        model = BatchLine
        fields = ("seq", "holder", "account", "bank", "amount_text", "purpose", "reference")
        export_order = fields

    def before_export(self, queryset, **kwargs):
        self._seq = 0

    def dehydrate_seq(self, line):
        self._seq = getattr(self, "_seq", 0) + 1
        return self._seq

    def dehydrate_amount_text(self, line):
        # A number, not text: in the XLSX the bank's and the office's SUM() must add it up; the
        # CSV still reads 500.00 (a Decimal of two places prints so).
        return line.amount.quantize(Decimal("0.01"))

    def export_field(self, field, instance, **kwargs):
        """A name, bank or purpose typed as `=…` must reach the bank as text, not as a live
        formula next to the full account number (in the XLSX and in the CSV)."""
        value = super().export_field(field, instance, **kwargs)
        return neutralise(value) if isinstance(value, str) else value


BANK_SHEET_TITLE = "发放明细"


def export_bank_file(lines, file_format: str) -> bytes:
    dataset = BankFileResource().export(queryset=lines)
    if file_format == "csv":
        # With a BOM so that spreadsheet programs read the Chinese headers right.
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    dataset.title = BANK_SHEET_TITLE  # not "Tablib Dataset"
    return _amounts_as_money(dataset.export("xlsx"))


def _amounts_as_money(content: bytes) -> bytes:
    """Show the 金额 column's numbers with two decimals (tablib writes no number formats)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    column = BANK_FILE_COLUMNS.index("金额") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.number_format = "0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class BankFileUnreadable(Exception):
    pass


def read_result_file(name: str, content: bytes) -> tuple[list[str], list[dict]]:
    """Headers and rows (dicts by header) of an XLSX or CSV result file."""
    lower = name.lower()
    dataset = tablib.Dataset()
    try:
        if lower.endswith(".xlsx"):
            dataset.load(io.BytesIO(content), format="xlsx")
        elif lower.endswith(".csv"):
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = content.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise BankFileUnreadable(_("CSV 文件的编码无法识别（应为 UTF-8 或 GBK）。"))
            dataset.load(text, format="csv")
        else:
            raise BankFileUnreadable(_("请上传 XLSX 或 CSV 文件。"))
    except BankFileUnreadable:
        raise
    except Exception as exc:
        raise BankFileUnreadable(_("文件无法读取：%(err)s") % {"err": exc}) from exc
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    rows = [dict(zip(headers, row, strict=False)) for row in dataset]
    return headers, rows

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from payments import services
from payments.exceptions import BankResultInvalid, InvalidTransition, NotPermitted
from payments.models import BatchLineResult, PaymentStatus
from payments.resources import BANK_FILE_COLUMNS, export_bank_file, read_result_file
from payments.selectors import batch_lines, campaign_budget
from tests.audit_helpers import assert_audit_intact

from .factories import payment_in_state

pytestmark = pytest.mark.django_db

HEADERS = ["付款编号", "状态", "失败原因", "银行流水号", "金额"]


@pytest.fixture
def sent_batch(campaign, officer, finance):
    payments = [
        payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
        for _ in range(3)
    ]
    batch = services.create_batch(campaign, [p.pk for p in payments], by=finance)
    services.mark_batch_sent(batch, by=finance)
    return batch, payments


def rows_for(payments, **changes):
    rows = [
        {
            "付款编号": p.reference,
            "状态": "成功",
            "失败原因": "",
            "银行流水号": f"S{p.pk}",
            "金额": "500.00",
        }
        for p in payments
    ]
    return rows


def _state(batch, payments):
    return (
        [
            (p.status, p.history.count())
            for p in type(payments[0])
            .objects.filter(pk__in=[p.pk for p in payments])
            .order_by("pk")
        ],
        list(batch.lines.order_by("pk").values_list("result", flat=True)),
    )


def test_a_clean_result_file_marks_paid_and_failed(sent_batch, finance, campaign):
    batch, payments = sent_batch
    rows = rows_for(payments)
    rows[1].update({"状态": "失败", "失败原因": "户名与账号不符"})
    summary = services.import_bank_result(batch, HEADERS, rows, by=finance)
    assert (summary.paid, summary.failed) == (2, 1)
    assert summary.paid_total == Decimal("1000.00")
    batch.refresh_from_db()
    assert batch.status == "reconciled"
    statuses = [type(p).objects.get(pk=p.pk).status for p in payments]
    assert statuses == [PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.PAID]
    budget = campaign_budget(campaign)
    assert budget.paid == Decimal("1000.00") and budget.approved == Decimal("500.00")
    assert_audit_intact()


@pytest.mark.parametrize(
    "spoil, row, column, fragment",
    [
        (lambda rows: rows[0].update({"付款编号": "P2026-777777"}), 2, "付款编号", "未知"),
        (lambda rows: rows[1].update({"金额": "499.99"}), 3, "金额", "不符"),
        (lambda rows: rows[1].update({"金额": "五百"}), 3, "金额", "不是数字"),
        (lambda rows: rows.append(dict(rows[0])), 5, "付款编号", "重复"),
        (lambda rows: rows[2].update({"状态": "处理中"}), 4, "状态", "成功"),
        (lambda rows: rows[2].update({"状态": "失败"}), 4, "失败原因", "失败原因"),
        (lambda rows: rows.pop(), "—", "付款编号", "未出现"),
    ],
)
def test_any_bad_line_stops_the_whole_import(sent_batch, finance, spoil, row, column, fragment):
    batch, payments = sent_batch
    rows = rows_for(payments)
    spoil(rows)
    before = _state(batch, payments)
    with pytest.raises(BankResultInvalid) as info:
        services.import_bank_result(batch, HEADERS, rows, by=finance)
    assert any(
        r == row and c == column and fragment in reason for r, c, reason in info.value.problems
    ), info.value.problems
    assert _state(batch, payments) == before


def test_a_payment_of_another_batch_is_reported(sent_batch, campaign, officer, finance):
    batch, payments = sent_batch
    other = payment_in_state("in_batch", campaign=campaign, officer=officer, finance=finance)
    rows = rows_for(payments) + [{"付款编号": other.reference, "状态": "成功", "金额": "500.00"}]
    with pytest.raises(BankResultInvalid) as info:
        services.import_bank_result(batch, HEADERS, rows, by=finance)
    assert (5, "付款编号", f"{other.reference} 不在本批次中。") in info.value.problems


def test_totals_that_do_not_reconcile_are_reported_with_every_problem(sent_batch, finance):
    batch, payments = sent_batch
    rows = rows_for(payments)
    rows[0]["金额"] = "600.00"
    rows[1]["付款编号"] = "NOPE"
    with pytest.raises(BankResultInvalid) as info:
        services.import_bank_result(batch, HEADERS, rows, by=finance)
    columns = [(r, c) for r, c, _ in info.value.problems]
    assert (2, "金额") in columns and (3, "付款编号") in columns and ("合计", "金额") in columns
    assert ("—", "付款编号") in columns


def test_missing_columns_are_reported(sent_batch, finance):
    batch, payments = sent_batch
    with pytest.raises(BankResultInvalid) as info:
        services.import_bank_result(batch, ["编号"], [{"编号": "x"}], by=finance)
    assert {c for _, c, _ in info.value.problems} == {"付款编号", "状态"}


def test_result_file_without_an_amount_column_is_accepted(sent_batch, finance):
    batch, payments = sent_batch
    rows = [{"付款编号": p.reference, "状态": "成功"} for p in payments]
    summary = services.import_bank_result(batch, ["付款编号", "状态"], rows, by=finance)
    assert summary.paid == 3


def test_a_reconciled_batch_cannot_be_imported_again(sent_batch, finance):
    batch, payments = sent_batch
    services.import_bank_result(batch, HEADERS, rows_for(payments), by=finance)
    with pytest.raises(InvalidTransition):
        services.import_bank_result(batch, HEADERS, rows_for(payments), by=finance)


def test_an_open_batch_cannot_take_results(campaign, officer, finance):
    payment = payment_in_state("in_batch", campaign=campaign, officer=officer, finance=finance)
    with pytest.raises(InvalidTransition):
        services.import_bank_result(payment.batch, HEADERS, rows_for([payment]), by=finance)


def test_leader_cannot_import_results(sent_batch, leader):
    batch, payments = sent_batch
    with pytest.raises(NotPermitted):
        services.import_bank_result(batch, HEADERS, rows_for(payments), by=leader)


def test_bank_file_has_the_brief_columns_in_xlsx_and_csv(sent_batch):
    batch, payments = sent_batch
    content = export_bank_file(batch_lines(batch), "csv").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(content)))
    assert tuple(table[0]) == BANK_FILE_COLUMNS
    first = payments[0]
    assert table[1] == [
        "1",
        first.person.name,
        first.person.bank_account,
        first.person.bank_name,
        "500.00",
        first.purpose,
        first.reference,
    ]
    assert [r[0] for r in table[1:]] == ["1", "2", "3"]
    sheet = openpyxl.load_workbook(io.BytesIO(export_bank_file(batch_lines(batch), "xlsx"))).active
    assert tuple(c.value for c in sheet[1]) == BANK_FILE_COLUMNS
    assert sheet.cell(2, 3).value == first.person.bank_account


def test_result_files_are_read_from_xlsx_and_gbk_csv(sent_batch):
    workbook = openpyxl.Workbook()
    workbook.active.append(["付款编号", "状态"])
    workbook.active.append(["P2026-000001", "成功"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    headers, rows = read_result_file("r.xlsx", buffer.getvalue())
    assert headers == ["付款编号", "状态"] and rows[0]["状态"] == "成功"
    headers, rows = read_result_file("r.csv", "付款编号,状态\nP1,失败\n".encode("gb18030"))
    assert rows == [{"付款编号": "P1", "状态": "失败"}]


def test_a_payment_is_never_in_two_open_batches(campaign, officer, finance):
    from payments.exceptions import BatchRefused

    payment = payment_in_state("in_batch", campaign=campaign, officer=officer, finance=finance)
    with pytest.raises(BatchRefused):
        services.create_batch(campaign, [payment.pk], by=finance)
    assert payment.batch_lines.filter(result=BatchLineResult.PENDING).count() == 1


def test_cash_payments_stay_out_of_bank_batches(campaign, officer, finance):
    from payments.exceptions import BatchRefused

    payment = payment_in_state(
        "approved", campaign=campaign, officer=officer, finance=finance, method="cash"
    )
    with pytest.raises(BatchRefused, match="现金"):
        services.create_batch(campaign, [payment.pk], by=finance)


def test_only_an_open_batch_is_marked_sent_and_only_by_finance(sent_batch, finance, leader):
    batch, _payments = sent_batch
    with pytest.raises(InvalidTransition):
        services.mark_batch_sent(batch, by=finance)
    with pytest.raises(NotPermitted):
        services.mark_batch_sent(batch, by=leader)


def test_officers_cannot_build_batches(campaign, officer, finance):
    payment = payment_in_state("approved", campaign=campaign, officer=officer, finance=finance)
    with pytest.raises(NotPermitted):
        services.create_batch(campaign, [payment.pk], by=officer)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and payment.batch is None

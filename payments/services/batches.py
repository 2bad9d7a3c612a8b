"""Disbursement batches: build from approved bank transfers, mark sent, import the bank's result.

The result import is all or nothing: the file is checked whole first (every problem listed by
row, column and reason), then every line is applied through `mark_paid`/`mark_failed` inside one
transaction, so a refusal of any line leaves the batch as it was.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from cases.selectors import scope_path
from core.access import AccessAction, log_access
from core.errors import RuleViolation

from .. import notices, permissions
from ..exceptions import BankResultInvalid, BatchRefused, InvalidTransition, NotPermitted
from ..models import (
    BatchLine,
    BatchLineResult,
    BatchStatus,
    Campaign,
    DisbursementBatch,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from .common import lock_campaign, next_number, require_scope, save_changed, save_new
from .payments import mark_failed, mark_paid, ready_for_payout


def create_batch(campaign: Campaign, payment_ids, *, by) -> DisbursementBatch:
    """A batch of one campaign's bank transfers that are ready for payout; all or none."""
    if not permissions.can_manage_batches(by):
        raise NotPermitted(_("您没有管理发放批次的权限。"))
    ids = sorted({int(pk) for pk in payment_ids})
    if not ids:
        raise BatchRefused(_("请至少选择一笔慰问金。"))
    with transaction.atomic():
        campaign = lock_campaign(campaign.pk)
        payments = list(
            Payment.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        prefix = scope_path(by)
        problems = []
        if len(payments) != len(ids):
            problems.append(_("部分所选慰问金不存在。"))
        for p in payments:
            if p.campaign_id != campaign.pk:
                problems.append(_("%(ref)s 不属于本活动。") % {"ref": p.reference})
            elif prefix is None or not p.organisation.path.startswith(prefix):
                problems.append(_("%(ref)s 不在您的管理范围内。") % {"ref": p.reference})
            elif p.method != PaymentMethod.BANK:
                problems.append(_("%(ref)s 是现金发放，不能进入银行批次。") % {"ref": p.reference})
            elif not ready_for_payout(p, campaign):
                problems.append(
                    _("%(ref)s 当前状态为“%(status)s”，尚不能发放。")
                    % {"ref": p.reference, "status": p.get_status_display()}
                )
        if problems:
            raise BatchRefused(" ".join(str(m) for m in problems))
        year = timezone.localdate().year
        number = next_number(f"B{year}")
        batch = DisbursementBatch(
            reference=f"B{year}-{number:04d}",
            campaign=campaign,
            organisation=by.organisation or campaign.organisation,
            created_by=by,
        )
        save_new(batch, by=by, reason=gettext_noop("建立发放批次"))
        lines = [BatchLine(batch=batch, payment=p, amount=p.amount) for p in payments]
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    lines,
                    BatchLine,
                    default_user=by,
                    default_change_reason=gettext_noop("加入批次"),
                )
        except IntegrityError:
            raise BatchRefused(_("所选慰问金中有已在其他未完成批次中的款项。")) from None
        for p in payments:
            p.status = PaymentStatus.IN_BATCH
            p.batch = batch
            save_changed(
                p,
                ["status", "batch"],
                by=by,
                reason=gettext_noop("加入批次 %(ref)s") % {"ref": batch},
            )
    return batch


def mark_batch_sent(batch: DisbursementBatch, *, by) -> DisbursementBatch:
    if not permissions.can_manage_batches(by):
        raise NotPermitted(_("您没有管理发放批次的权限。"))
    with transaction.atomic():
        lock_campaign(batch.campaign_id)
        b = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
        require_scope(by, b.organisation_id, _("该批次不在您的管理范围内。"))
        if b.status != BatchStatus.OPEN:
            raise InvalidTransition(_("只有待发送的批次可以标记为已发送。"))
        b.status = BatchStatus.SENT
        b.sent_by = by
        b.sent_at = timezone.now()
        save_changed(b, ["status", "sent_by", "sent_at"], by=by, reason=gettext_noop("已发送银行"))
    batch.status, batch.sent_by, batch.sent_at = b.status, b.sent_by, b.sent_at
    return batch


def log_bank_file_export(
    batch: DisbursementBatch, *, by, file_format: str, lines: int, request=None
):
    """Bank files carry full account numbers: finance only, and every export is logged."""
    if not permissions.can_export_bank_file(by):
        raise NotPermitted(_("只有财务人员可以导出含完整账号的银行文件。"))
    log_access(
        user=by,
        action=AccessAction.EXPORT,
        obj=batch,
        field="bank_account",
        detail={"format": file_format, "lines": lines, "reference": batch.reference},
        request=request,
    )


SUCCESS_WORDS = {"成功", "success", "paid", "ok"}
FAILURE_WORDS = {"失败", "failed", "failure", "fail"}
REQUIRED_COLUMNS = ("付款编号", "状态")


@dataclass
class BankResultSummary:
    paid: int = 0
    failed: int = 0
    paid_total: Decimal = Decimal("0.00")
    failed_total: Decimal = Decimal("0.00")
    problems: list = field(default_factory=list)


def _cell(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_bank_result(batch: DisbursementBatch, headers: list[str], rows: list[dict]):
    """Every problem of a result file as (row, column, reason); row numbers count the header."""
    problems: list[tuple[int | str, str, str]] = []
    headers = [str(h or "").strip() for h in headers]
    for column in REQUIRED_COLUMNS:
        if column not in headers:
            problems.append((1, column, _("缺少必需的列“%(col)s”。") % {"col": column}))
    if problems:
        return problems, []
    has_amount = "金额" in headers
    lines = {
        line.payment.reference: line
        for line in batch.lines.select_related("payment").filter(result=BatchLineResult.PENDING)
    }
    known = set(
        Payment.objects.filter(
            reference__in=[_cell(r, "付款编号") for r in rows if _cell(r, "付款编号")]
        ).values_list("reference", flat=True)
    )
    done_in_batch = set(
        batch.lines.exclude(result=BatchLineResult.PENDING).values_list(
            "payment__reference", flat=True
        )
    )
    seen: dict[str, int] = {}
    plan = []
    file_total = Decimal("0.00")
    reconciled_total = Decimal("0.00")  # the batch amounts of the lines that gave an amount
    for index, row in enumerate(rows, start=2):
        if not any(_cell(row, h) for h in headers):
            continue
        ref = _cell(row, "付款编号")
        status = _cell(row, "状态")
        reason = _cell(row, "失败原因")
        serial = _cell(row, "银行流水号")
        row_ok = True
        if not ref:
            problems.append((index, "付款编号", _("付款编号为空。")))
            continue
        if ref in seen:
            problems.append(
                (
                    index,
                    "付款编号",
                    _("重复的行：付款编号与第 %(row)s 行相同。") % {"row": seen[ref]},
                )
            )
            continue
        seen[ref] = index
        if ref not in known:
            problems.append((index, "付款编号", _("未知的付款编号 %(ref)s。") % {"ref": ref}))
            continue
        if ref in done_in_batch:
            problems.append((index, "付款编号", _("%(ref)s 已登记过回盘结果。") % {"ref": ref}))
            continue
        if ref not in lines:
            problems.append((index, "付款编号", _("%(ref)s 不在本批次中。") % {"ref": ref}))
            continue
        line = lines[ref]
        raw = _cell(row, "金额").replace(",", "") if has_amount else ""
        if has_amount and not raw and status.lower() in FAILURE_WORDS:
            # Banks leave the amount of a transfer that did not happen empty: the column is
            # optional, and a failed line moves no money, so there is nothing to reconcile.
            pass
        elif has_amount and not raw:
            problems.append((index, "金额", _("发放成功的行须填写金额（仅失败的行可以留空）。")))
            row_ok = False
        elif has_amount:
            try:
                amount = Decimal(raw).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                problems.append((index, "金额", _("金额“%(v)s”不是数字。") % {"v": raw}))
                row_ok = False
            else:
                file_total += amount
                reconciled_total += line.amount
                if amount != line.amount:
                    problems.append(
                        (
                            index,
                            "金额",
                            _("金额 %(file)s 与批次中的 %(batch)s 不符。")
                            % {"file": amount, "batch": line.amount},
                        )
                    )
                    row_ok = False
        if status.lower() in SUCCESS_WORDS:
            outcome = "paid"
        elif status.lower() in FAILURE_WORDS:
            outcome = "failed"
            if not reason:
                problems.append((index, "失败原因", _("状态为失败时必须填写失败原因。")))
                row_ok = False
        else:
            problems.append((index, "状态", _("状态“%(v)s”应为“成功”或“失败”。") % {"v": status}))
            row_ok = False
            outcome = ""
        if row_ok:
            plan.append((line, outcome, serial, reason))
    for ref in lines:
        if ref not in seen:
            problems.append(
                ("—", "付款编号", _("批次中的 %(ref)s 未出现在回盘文件中。") % {"ref": ref})
            )
    if has_amount:
        batch_total = reconciled_total
        if file_total != batch_total:
            problems.append(
                (
                    _("合计"),
                    "金额",
                    _("回盘金额合计 %(file)s 元与批次待回盘合计 %(batch)s 元不符。")
                    % {"file": file_total, "batch": batch_total},
                )
            )
    return problems, plan


def import_bank_result(
    batch: DisbursementBatch, headers: list[str], rows: list[dict], *, by
) -> BankResultSummary:
    """Apply a bank result file to a sent batch: every line or none."""
    if not permissions.can_mark_results(by):
        raise NotPermitted(_("您没有登记发放结果的权限。"))
    require_scope(by, batch.organisation_id, _("该批次不在您的管理范围内。"))
    with transaction.atomic():
        lock_campaign(batch.campaign_id)
        b = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
        if b.status != BatchStatus.SENT:
            raise InvalidTransition(_("只有已发送银行的批次可以导入回盘结果。"))
        problems, plan = check_bank_result(b, headers, rows)
        if problems:
            raise BankResultInvalid(
                _("回盘文件有 %(n)s 处问题，未做任何更改。") % {"n": len(problems)}, problems
            )
        summary = BankResultSummary()
        for line, outcome, serial, reason in plan:
            try:
                if outcome == "paid":
                    mark_paid(line.payment, by=by, bank_serial=serial)
                    summary.paid += 1
                    summary.paid_total += line.amount
                else:
                    mark_failed(line.payment, by=by, reason=reason)
                    summary.failed += 1
                    summary.failed_total += line.amount
            except RuleViolation as exc:
                raise BankResultInvalid(
                    _("回盘文件有问题，未做任何更改。"),
                    [(line.payment.reference, "付款编号", exc.message)],
                ) from exc
        transaction.on_commit(lambda: notices.bank_result_imported(b))
    batch.refresh_from_db()
    return summary


__all__ = [
    "BankResultSummary",
    "check_bank_result",
    "create_batch",
    "import_bank_result",
    "log_bank_file_export",
    "mark_batch_sent",
]

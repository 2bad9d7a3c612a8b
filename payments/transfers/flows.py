"""The campaign list import and the bank result import as upload → preview → confirm flows
(the machinery is `uploads`; each flow supplies its reading, checking and applying)."""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role, has_role
from cases.transfers.files import read_table
from core.errors import RuleViolation
from uploads.flow import Checked, ImportFlow, Problem

from .. import permissions
from ..exceptions import BankResultInvalid
from ..models import BatchStatus
from ..resources import read_result_file
from ..selectors import batches_visible_to, campaigns_managed_by
from ..services import check_bank_result, import_bank_result
from .allocations import COLUMNS as ALLOCATION_COLUMNS
from .allocations import check_allocation_file, import_allocations
from .campaign_list import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    campaigns_open_to,
    import_campaign_list,
)


class CampaignListImport(ImportFlow):
    purpose = "campaign_list"
    title = gettext_lazy("导入慰问活动名单")
    result_note = gettext_lazy("慰问金为草稿状态，请提交审批。")
    url_names = {
        "upload": "payments:campaign_list_upload",
        "preview": "payments:campaign_list_preview",
        "confirm": "payments:campaign_list_confirm",
        "errors": "payments:campaign_list_errors",
    }
    format_template = "payments/transfers/_list_format.html"
    summary_template = "payments/transfers/_summary.html"
    # Each row runs two services; above this many rows the list is handled in the background.
    sync_rows = 1_000
    preview_kind = "payments.preview_campaign_list"
    apply_kind = "payments.import_campaign_list"

    def allowed(self, user) -> bool:
        return (
            user.has_perm("payments.add_payment")
            and user.has_perm("cases.add_case")
            and not has_role(user, Role.AUDITOR)
        )

    def target_for(self, request, *, pk):
        return get_object_or_404(campaigns_open_to(request.user), pk=pk)

    def target_in_job(self, key, user):
        campaign = campaigns_open_to(user).filter(pk=key).first()
        if campaign is None:
            raise RuleViolation(_("慰问活动已结束或不在您的范围内。"))
        return campaign

    def page_context(self, target):
        return {
            "campaign": target,
            "subtitle": f"{target.name} · {target.organisation}",
            "required": REQUIRED_COLUMNS,
            "optional": OPTIONAL_COLUMNS,
        }

    def count_rows(self, data):
        return read_table(data, columns=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS).row_count

    def _run(self, data, filename, user, target, progress, dry_run) -> Checked:
        result = import_campaign_list(
            data, campaign=target, by=user, filename=filename, dry_run=dry_run, progress=progress
        )
        return Checked(summary=result.summary(), errors=result.errors, committed=result.committed)

    def check(self, data, *, filename, user, target, progress=None):
        return self._run(data, filename, user, target, progress, dry_run=True)

    def apply(self, data, *, filename, user, target, progress=None):
        return self._run(data, filename, user, target, progress, dry_run=False)

    def confirm_text(self, summary):
        return (
            _(
                "确认后将起草 %(payments)s 笔慰问金，合计 %(total_amount)s 元，"
                "均为草稿状态，需提交审批。"
            )
            % summary
        )

    def done_message(self, summary):
        return (
            _(
                "导入完成：新立个案%(cases_opened)d个，起草慰问金%(payments)d笔，合计%(total_amount)s元。"
            )
            % summary
        )

    def links(self, target):
        return [(_("返回慰问活动"), target.get_absolute_url())]


def _bank_summary(plan, rows: int) -> dict:
    paid = [line for line, outcome, _s, _r in plan if outcome == "paid"]
    failed = [line for line, outcome, _s, _r in plan if outcome == "failed"]
    return {
        "rows": rows,
        "paid": len(paid),
        "paid_total": str(sum((line.amount for line in paid), Decimal("0.00"))),
        "failed": len(failed),
        "failed_total": str(sum((line.amount for line in failed), Decimal("0.00"))),
    }


BANK_RESULT_EXTRA_ROWS = 1_000


class BankResultImport(ImportFlow):
    purpose = "bank_result"
    title = gettext_lazy("导入银行回盘")
    url_names = {
        "upload": "payments:batch_import_result",
        "preview": "payments:batch_result_preview",
        "confirm": "payments:batch_result_confirm",
        "errors": "payments:batch_result_errors",
    }
    format_template = "payments/transfers/_bank_result_format.html"
    summary_template = "payments/transfers/_bank_result_summary.html"
    offer_again = False
    preview_kind = "payments.preview_bank_result"
    apply_kind = "payments.import_bank_result"

    def allowed(self, user) -> bool:
        return permissions.can_mark_results(user)

    def target_for(self, request, *, pk):
        from core.scope import get_in_scope_or_404

        return get_in_scope_or_404(batches_visible_to(request.user), request, pk=pk)

    def target_in_job(self, key, user):
        batch = batches_visible_to(user).filter(pk=key).first()
        if batch is None:
            raise RuleViolation(_("该批次不在您的管理范围内。"))
        return batch

    def page_context(self, target):
        return {"batch": target, "subtitle": f"{target.reference} · {target.campaign}"}

    def max_bytes(self, target) -> int:
        """A result file is one short line per payment: 5 MB holds about 50,000 lines (setting
        `RELIEF_BANK_RESULT_MAX_BYTES`); reading more would tie a worker up for minutes. The
        general upload limit still applies when it is lower."""
        own = int(getattr(settings, "RELIEF_BANK_RESULT_MAX_BYTES", 5 * 1024 * 1024))
        return min(own, super().max_bytes(target))

    def max_rows(self, target) -> int:
        """Twice the batch's lines plus room for the bank's own summary or blank rows: beyond
        that the file cannot be this batch's result."""
        return 2 * target.lines.count() + BANK_RESULT_EXTRA_ROWS

    def too_many_rows(self, rows, limit, target) -> str:
        return _(
            "回盘文件有 %(rows)d 行，而批次 %(batch)s 只有 %(lines)d 笔款项；"
            "请确认上传的是本批次的回盘文件。"
        ) % {"rows": rows, "batch": target.reference, "lines": target.lines.count()}

    def count_rows(self, data):
        return len(read_result_file(_kind_of(data), data)[1])

    def check(self, data, *, filename, user, target, progress=None):
        if target.status != BatchStatus.SENT:
            raise RuleViolation(_("只有已发送银行的批次可以导入回盘结果。"))
        headers, rows = read_result_file(_kind_of(data), data)
        problems, plan = check_bank_result(target, headers, rows)
        return Checked(
            summary=_bank_summary(plan, len(rows)),
            errors=[Problem(row, column, message) for row, column, message in problems],
        )

    def apply(self, data, *, filename, user, target, progress=None):
        headers, rows = read_result_file(_kind_of(data), data)
        try:
            summary = import_bank_result(target, headers, rows, by=user)
        except BankResultInvalid as invalid:
            problems = [Problem(row, column, message) for row, column, message in invalid.problems]
            return Checked(summary={"rows": len(rows)}, errors=problems)
        return Checked(
            summary={
                "rows": len(rows),
                "paid": summary.paid,
                "paid_total": str(summary.paid_total),
                "failed": summary.failed,
                "failed_total": str(summary.failed_total),
            },
            committed=True,
        )

    def confirm_text(self, summary):
        return (
            _(
                "确认后将 %(paid)s 笔（%(paid_total)s 元）登记为发放成功，"
                "%(failed)s 笔（%(failed_total)s 元）登记为发放失败。"
            )
            % summary
        )

    def done_message(self, summary):
        return (
            _(
                "回盘已导入：成功 %(paid)s 笔 %(paid_total)s 元，"
                "失败 %(failed)s 笔 %(failed_total)s 元。"
            )
            % summary
        )

    def links(self, target):
        return [(_("返回批次"), target.get_absolute_url())]


def _kind_of(data: bytes) -> str:
    """A file name the reader understands, from the bytes (the stored name is not trusted)."""
    return "result.xlsx" if data.startswith(b"PK\x03\x04") else "result.csv"


CAMPAIGN_LIST_IMPORT = CampaignListImport()
BANK_RESULT_IMPORT = BankResultImport()


class AllocationImport(ImportFlow):
    """The administrator's allocation table (下拨表) for one campaign."""

    purpose = "allocations"
    title = gettext_lazy("导入下拨表")
    url_names = {
        "upload": "payments:allocation_upload",
        "preview": "payments:allocation_preview",
        "confirm": "payments:allocation_confirm",
        "errors": "payments:allocation_errors",
    }
    format_template = "payments/transfers/_allocation_format.html"
    summary_template = "payments/transfers/_allocation_summary.html"
    offer_again = False
    preview_kind = "payments.preview_allocations"
    apply_kind = "payments.import_allocations"

    def allowed(self, user) -> bool:
        return permissions.can_manage_campaigns(user)

    def target_for(self, request, *, pk):
        from core.scope import get_in_scope_or_404

        return get_in_scope_or_404(campaigns_managed_by(request.user), request, pk=pk)

    def target_in_job(self, key, user):
        campaign = campaigns_managed_by(user).filter(pk=key).first()
        if campaign is None:
            raise RuleViolation(_("该活动不在您的管理范围内。"))
        return campaign

    def page_context(self, target):
        return {
            "campaign": target,
            "subtitle": f"{target.name} · {target.organisation}",
            "required": ALLOCATION_COLUMNS,
        }

    def count_rows(self, data):
        return read_table(data, columns=ALLOCATION_COLUMNS).row_count

    def check(self, data, *, filename, user, target, progress=None):
        result = check_allocation_file(data, target)
        return Checked(summary=result.summary(), errors=result.errors)

    def apply(self, data, *, filename, user, target, progress=None):
        result = import_allocations(data, target, by=user)
        return Checked(summary=result.summary(), errors=result.errors, committed=not result.errors)

    def confirm_text(self, summary):
        return (
            _("确认后将向 %(unions)s 个单位下拨合计 %(total_amount)s 元、%(total_places)s 个名额。")
            % summary
        )

    def done_message(self, summary):
        return (
            _(
                "下拨表已导入：%(unions)s 个单位，"
                "合计 %(total_amount)s 元、%(total_places)s 个名额。"
            )
            % summary
        )

    def links(self, target):
        return [(_("返回下拨"), reverse("payments:campaign_allocations", args=[target.pk]))]


ALLOCATION_IMPORT = AllocationImport()

"""Exception reports: each is a generator of rows (cells + a link), shown as a page and exported.

Every report reads through the auditor's scope. Definitions that needed a decision:
- above standard: a live payment whose amount exceeds its recorded standard amount or, when none
  was recorded, the campaign's standard for the case's category and hardship level (falling back
  to the category's standard without a level);
- shared bank account: one account number on two or more people in scope;
- no visit: a live payment whose case has no visit at all;
- changed after approval: a history row of a payment whose previous row was already approved
  (approved or any later state) and that changes anything other than the lifecycle columns
  (state, who/when of each step, reasons, bank results, batch) — e.g. the amount;
- self-approval attempts: access-log entries of refused four-eyes steps;
- two organisations: payments of the same person (same ID number) in one campaign booked for
  different organisations, whatever their state (rejected and cancelled ones included), for
  people with at least one payment in scope;
- overdue and paid: open or verified hardship cases whose last verification is more than 12
  months old (`Case.is_review_overdue`; never-verified cases are not overdue) and that have a
  payment paid in the last 12 months.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseCategory, CaseStatus, Organisation, Person, Visit
from core.access import AccessAction
from core.formatting import mask
from payments.models import LIVE_STATUSES, CampaignStandard, Payment, PaymentStatus

from .diffs import _format, timeline_url
from .selectors import access_visible_to, audit_scope, scoped

POST_APPROVAL = (
    PaymentStatus.APPROVED,
    PaymentStatus.SECOND_APPROVED,
    PaymentStatus.IN_BATCH,
    PaymentStatus.PAID,
    PaymentStatus.FAILED,
    PaymentStatus.REVERSED,
)
LIFECYCLE_FIELDS = {
    "status",
    "submitted_by_id",
    "submitted_at",
    "approved_by_id",
    "approved_at",
    "second_approved_by_id",
    "second_approved_at",
    "rejected_by_id",
    "rejected_at",
    "rejection_reason",
    "cancelled_by_id",
    "cancelled_at",
    "paid_at",
    "bank_serial",
    "failure_reason",
    "reversed_by_id",
    "reversed_at",
    "reversal_reason",
    "batch_id",
}
REVIEW_WINDOW = datetime.timedelta(days=365)


@dataclass
class Row:
    cells: list
    link: str | None = None


@dataclass
class Report:
    slug: str
    title: str
    description: str
    header: list
    rows: Callable[[object], Iterator[Row]]


def _money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def _when(value) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def payments_in_scope(user):
    return scoped(Payment.objects.all(), user, "organisation__path")


def _payment_cells(p: Payment) -> list:
    return [
        p.reference,
        p.person.name,
        mask(p.person.id_number),
        p.organisation.name,
        p.campaign.name,
        _money(p.amount),
        p.get_status_display(),
    ]


PAYMENT_HEADER = [
    _("付款编号"),
    _("职工"),
    _("身份证号"),
    _("单位"),
    _("慰问活动"),
    _("金额（元）"),
    _("状态"),
]


def above_standard(user) -> Iterator[Row]:
    standard = CampaignStandard.objects.filter(
        campaign=OuterRef("campaign_id"), category=OuterRef("case__category")
    )
    exact = standard.filter(hardship_level=OuterRef("case__hardship_level")).values("amount")[:1]
    any_level = standard.filter(hardship_level="").values("amount")[:1]
    qs = (
        payments_in_scope(user)
        .filter(status__in=LIVE_STATUSES)
        .annotate(std=Coalesce("standard_amount", Subquery(exact), Subquery(any_level)))
        .filter(amount__gt=F("std"))
        .select_related("person", "organisation", "campaign")
        .order_by("-created_at", "-id")
    )
    for p in qs.iterator(chunk_size=500):
        yield Row(
            [*_payment_cells(p), _money(p.std), _money(p.amount - p.std), p.justification],
            timeline_url("payments.payment", p.pk),
        )


def shared_bank_account(user) -> Iterator[Row]:
    people = scoped(Person.objects.all(), user, "organisation__path").exclude(bank_account="")
    accounts = (
        people.values("bank_account")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("bank_account")
        .values_list("bank_account", flat=True)
    )
    batch: list[str] = []

    def flush(batch):
        holders: dict[str, list[Person]] = {}
        for person in people.filter(bank_account__in=batch).select_related("organisation"):
            holders.setdefault(person.bank_account, []).append(person)
        for account in batch:
            group = sorted(holders.get(account, []), key=lambda p: p.pk)
            yield Row(
                [
                    mask(account, keep_start=4, keep_end=4),
                    len(group),
                    "、".join(f"{p.name}（{mask(p.id_number)}）" for p in group),
                    "、".join(sorted({p.organisation.name for p in group})),
                ],
                timeline_url("cases.person", group[0].pk) if group else None,
            )

    for account in accounts.iterator(chunk_size=500):
        batch.append(account)
        if len(batch) >= 200:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


def no_visit(user) -> Iterator[Row]:
    qs = (
        payments_in_scope(user)
        .filter(status__in=LIVE_STATUSES)
        .filter(~Exists(Visit.objects.filter(case_id=OuterRef("case_id"))))
        .select_related("person", "organisation", "campaign")
        .order_by("-created_at", "-id")
    )
    for p in qs.iterator(chunk_size=500):
        yield Row([*_payment_cells(p), p.case_id], timeline_url("payments.payment", p.pk))


def changed_after_approval(user) -> Iterator[Row]:
    from .models import ChangeEntry
    from .registry import tracked_models

    tracked = tracked_models()["payments.payment"]
    history = tracked.history_model.objects
    fields = {f.attname: f for f in tracked.history_model._meta.concrete_fields}
    content = [c for c in tracked.tracked_columns if c not in LIFECYCLE_FIELDS and c != "id"]
    prefix = audit_scope(user)
    candidates = history.filter(history_type="~", status__in=POST_APPROVAL)
    if prefix is None:
        return
    if prefix:
        candidates = candidates.filter(
            organisation_id__in=Organisation.objects.filter(path__startswith=prefix).values("pk")
        )
    candidates = candidates.order_by("-history_date", "-history_id")
    last = None
    from django.contrib.auth import get_user_model

    from .diffs import labels_of

    while True:
        qs = candidates
        if last is not None:
            qs = qs.filter(
                Q(history_date__lte=last[0])
                & (Q(history_date__lt=last[0]) | Q(history_date=last[0], history_id__lt=last[1]))
            )
        chunk = list(qs.values(*tracked.columns)[:500])
        if not chunk:
            return
        last = (chunk[-1]["history_date"], chunk[-1]["history_id"])
        prev_ids = dict(
            ChangeEntry.objects.filter(
                model="payments.payment", history_id__in=[r["history_id"] for r in chunk]
            ).values_list("history_id", "prev_history_id")
        )
        prev_rows = {
            r["history_id"]: r
            for r in history.filter(history_id__in=[i for i in prev_ids.values() if i]).values(
                *tracked.columns
            )
        }
        flagged = []
        for row in chunk:
            prev = prev_rows.get(prev_ids.get(row["history_id"]))
            if prev is None or prev["status"] not in POST_APPROVAL:
                continue
            changed = [c for c in content if row[c] != prev[c]]
            if changed:
                flagged.append((row, prev, changed))
        fk_labels = {}
        wanted: dict = {}
        for row, prev, changed in flagged:
            for c in changed:
                if fields[c].is_relation:
                    wanted.setdefault(fields[c].related_model, set()).update({row[c], prev[c]})
        for model, ids in wanted.items():
            fk_labels.update({(model, k): v for k, v in labels_of(model, ids).items()})
        users = labels_of(get_user_model(), {r["history_user_id"] for r, _p, _c in flagged})
        for row, prev, changed in flagged:
            diff = "；".join(
                f"{fields[c].verbose_name}: {_format(prev[c], fields[c], fk_labels)} → "
                f"{_format(row[c], fields[c], fk_labels)}"
                for c in changed
            )
            yield Row(
                [
                    row["reference"],
                    _when(row["history_date"]),
                    users.get(row["history_user_id"], ""),
                    str(PaymentStatus(row["status"]).label),
                    diff,
                    row["history_change_reason"] or "",
                ],
                timeline_url("payments.payment", row["id"]),
            )


def self_approval(user) -> Iterator[Row]:
    qs = access_visible_to(user).filter(action=AccessAction.FOUR_EYES).order_by("-at", "-id")
    for log in qs.iterator(chunk_size=500):
        link = None
        if log.object_type and log.object_id:
            link = timeline_url(log.object_type, log.object_id)
        detail = log.detail or {}
        yield Row(
            [
                _when(log.at),
                log.username,
                f"{log.object_type} #{log.object_id}" if log.object_id else "",
                detail.get("message") or detail.get("reason") or str(detail or ""),
                log.ip_address or "",
            ],
            link,
        )


def two_organisations(user) -> Iterator[Row]:
    people = payments_in_scope(user).values("person_id")
    base = (
        Payment.objects.all()
        if audit_scope(user) == ""
        else Payment.objects.filter(person_id__in=people)
    )
    groups = (
        base.values("campaign_id", "person__id_number")
        .annotate(n=Count("organisation_id", distinct=True))
        .filter(n__gt=1)
        .order_by("campaign_id", "person__id_number")
    )
    for group in groups.iterator(chunk_size=500):
        payments = list(
            Payment.objects.filter(
                campaign_id=group["campaign_id"], person__id_number=group["person__id_number"]
            )
            .select_related("person", "organisation", "campaign")
            .order_by("id")
        )
        first = payments[0]
        yield Row(
            [
                first.campaign.name,
                first.person.name,
                mask(first.person.id_number),
                "、".join(sorted({p.organisation.name for p in payments})),
                "、".join(
                    f"{p.reference}（{p.organisation.name}，{p.get_status_display()}）"
                    for p in payments
                ),
            ],
            timeline_url("cases.person", first.person_id),
        )


def overdue_and_paid(user) -> Iterator[Row]:
    now = timezone.now()
    cutoff = timezone.localdate() - REVIEW_WINDOW
    paid = Payment.objects.filter(
        case_id=OuterRef("pk"), status=PaymentStatus.PAID, paid_at__gte=now - REVIEW_WINDOW
    )
    qs = (
        scoped(Case.objects.all(), user, "organisation__path")
        .filter(category=CaseCategory.HARDSHIP)
        .exclude(status=CaseStatus.CLOSED)
        .filter(last_verified_on__lt=cutoff)
        .filter(Exists(paid))
        .annotate(
            last_paid=Max("payments__paid_at", filter=Q(payments__status=PaymentStatus.PAID)),
            total_paid=Sum(
                "payments__amount",
                filter=Q(
                    payments__status=PaymentStatus.PAID, payments__paid_at__gte=now - REVIEW_WINDOW
                ),
            ),
        )
        .select_related("person", "organisation")
        .order_by("last_verified_on", "id")
    )
    for case in qs.iterator(chunk_size=500):
        yield Row(
            [
                case.person.name,
                mask(case.person.id_number),
                case.organisation.name,
                case.get_hardship_level_display(),
                case.last_verified_on.isoformat(),
                _when(case.last_paid),
                _money(case.total_paid or Decimal("0")),
            ],
            timeline_url("cases.case", case.pk),
        )


REPORTS: dict[str, Report] = {
    r.slug: r
    for r in [
        Report(
            "above-standard",
            _("超标准发放"),
            _("金额高于活动标准（或登记的标准金额）的有效慰问金。"),
            [*PAYMENT_HEADER, _("标准（元）"), _("超出（元）"), _("说明")],
            above_standard,
        ),
        Report(
            "shared-bank-account",
            _("多人共用银行账号"),
            _("同一银行账号登记在两名及以上职工名下。"),
            [_("银行账号"), _("人数"), _("职工"), _("单位")],
            shared_bank_account,
        ),
        Report(
            "no-visit",
            _("无走访记录的发放"),
            _("所属个案没有任何走访记录的有效慰问金。"),
            [*PAYMENT_HEADER, _("个案编号")],
            no_visit,
        ),
        Report(
            "changed-after-approval",
            _("审批后被修改的慰问金"),
            _(
                "审批通过后，除流程字段（状态、各环节经办人与时间、理由、银行结果、批次）以外仍被修改的记录，例如金额。"
            ),
            [_("付款编号"), _("修改时间"), _("修改人"), _("当时状态"), _("修改内容"), _("原因")],
            changed_after_approval,
        ),
        Report(
            "self-approval",
            _("自审自批尝试"),
            _("因违反双人审批规则而被拒绝的操作。"),
            [_("时间"), _("用户"), _("对象"), _("详情"), _("来源地址")],
            self_approval,
        ),
        Report(
            "two-organisations",
            _("同一活动由两个单位发放"),
            _("同一身份证号的职工在同一活动中由不同单位申请的慰问金（含已驳回、已取消的）。"),
            [_("慰问活动"), _("职工"), _("身份证号"), _("单位"), _("慰问金")],
            two_organisations,
        ),
        Report(
            "overdue-and-paid",
            _("逾期未复核却获发放"),
            _("困难职工个案最近核实已超过12个月，但近12个月内有已发放的款项。"),
            [
                _("职工"),
                _("身份证号"),
                _("单位"),
                _("困难类别"),
                _("最近核实日期"),
                _("最近发放时间"),
                _("近12个月发放（元）"),
            ],
            overdue_and_paid,
        ),
    ]
}

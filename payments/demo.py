"""Demo seeder (order 30): campaigns with standards, payments in every state, batches.

Every payment is walked through `payments.services`, so its history reads as real work did.
Uses the foundation's users (`officer`, `finance`, `leader`, `admin`) and people; where the
casework seeder left no case for a chosen person, a case is opened here (with history).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseCategory, CaseStatus, FileStage, Person
from cases.notices import notify_due_casework
from cases.selectors import person_has_current_file
from core.demo import DemoContext, register
from core.history import attribute_change

from . import permissions, services
from .models import (
    AssistanceStandard,
    Campaign,
    CampaignStandard,
    CampaignStatus,
    Payment,
    PaymentMethod,
)

WARMTH_STANDARDS = [
    ("hardship", "deep", "1500.00"),
    ("hardship", "relative", "800.00"),
    ("hardship", "accident", "1000.00"),
    ("hardship", "", "600.00"),
    ("condolence", "", "500.00"),
    ("frontline", "", "500.00"),
]

# state, category, amount (None: the standard), method
PLAN = [
    ("draft", None, "bank"),
    ("submitted", None, "bank"),
    ("submitted", "650.00", "bank"),
    ("approved", None, "bank"),
    ("approved", "1800.00", "bank"),  # above the threshold: awaits the leader
    ("second_approved", "1800.00", "bank"),
    ("in_batch", None, "bank"),
    ("paid", None, "bank"),
    ("paid", None, "bank"),
    ("paid", None, "cash"),
    ("failed", None, "bank"),
    ("rejected", None, "bank"),
    ("cancelled", None, "bank"),
    ("reversed", None, "bank"),
]


def _campaign(name, *, year, kind, organisation, by, budget, standards, status="open", **extra):
    campaign = Campaign(
        name=name,
        year=year,
        kind=kind,
        organisation=organisation,
        starts_on=extra.pop("starts_on", datetime.date(year, 1, 1)),
        ends_on=extra.pop("ends_on", datetime.date(year, 12, 31)),
        budget=Decimal(budget),
        funding_source=extra.pop("funding_source", "federation"),
        annual_cap=Decimal(extra.pop("annual_cap", "3000.00")),
        second_approval_threshold=Decimal(extra.pop("threshold", "1500.00")),
        status=status,
        created_by=by,
    )
    attribute_change(campaign, by=by, reason="演示数据")
    campaign.save()
    for category, level, amount in standards:
        standard = CampaignStandard(
            campaign=campaign, category=category, hardship_level=level, amount=Decimal(amount)
        )
        attribute_change(standard, by=by)
        standard.save()
    return campaign


def _case_for(person: Person, category: str, officer) -> Case:
    case = (
        Case.objects.filter(person=person, category=category)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )
    if case is None:
        case = Case(
            person=person,
            category=category,
            hardship_level="relative" if category == CaseCategory.HARDSHIP else "",
            organisation_id=person.organisation_id,
            opened_by=officer,
            summary="演示个案",
        )
        attribute_change(case, by=officer, reason="演示数据")
        case.save()
    if category == CaseCategory.HARDSHIP:
        _put_in_file(case, officer)
    return case


def _put_in_file(case: Case, officer) -> None:
    """Hardship payments need a current file: the demo files this one (公示 and approval done)."""
    today = timezone.localdate()
    if person_has_current_file(case.person_id, today):
        return
    case.file_stage = FileStage.IN_FILE
    case.applied_on = case.applied_on or timezone.localdate(case.opened_at)
    case.file_approved_on = case.file_approved_on or today
    case.reviewed_for_year = today.year
    case.status = CaseStatus.VERIFIED
    case.last_verified_on = case.last_verified_on or today
    attribute_change(case, by=officer, reason="演示数据：已公示并经上级工会审批建档")
    case.save()


def _walk(state, case, campaign, *, amount, method, users):
    officer, finance, leader = users["officer"], users["finance"], users["leader"]
    payment = services.draft_payment(
        case,
        campaign,
        by=officer,
        amount=amount,
        method=method,
        justification="" if amount is None else "按家庭实际困难核定",
    )
    if state == "draft":
        return payment
    if state == "cancelled":
        return services.cancel_payment(payment, by=officer, reason="重复录入，已另行起草")
    services.submit_payment(payment, by=officer)
    if state == "submitted":
        return payment
    if state == "rejected":
        return services.reject_payment(payment, by=finance, reason="缺少走访记录，请补充后重报")
    services.approve_payment(payment, by=finance)
    if state == "approved":
        return payment
    if payment.amount > campaign.second_approval_threshold:
        services.approve_payment(payment, by=leader)
    if state == "second_approved":
        return payment
    if method == PaymentMethod.CASH:
        return services.mark_paid(payment, by=finance)
    return payment  # batched together below


# The federation's household standards (救助标准): tier, item, basis, value.
ASSISTANCE_STANDARDS = [
    ("deep", "living", "line_months", "3"),
    ("relative", "living", "line_months", "2"),
    ("accident", "living", "fixed", "5000.00"),
    ("deep", "medical", "self_paid_share", "0.70"),
    ("relative", "medical", "self_paid_share", "0.50"),
    ("accident", "medical", "self_paid_share", "0.80"),
    ("deep", "education", "per_student", "2000.00"),
    ("relative", "education", "per_student", "1500.00"),
]


def _seed_assistance_standards(by) -> None:
    if AssistanceStandard.objects.exists() or not permissions.can_manage_campaigns(by):
        return
    for level, item, basis, value in ASSISTANCE_STANDARDS:
        standard = AssistanceStandard(
            hardship_level=level, item=item, basis=basis, value=Decimal(value), note="演示标准"
        )
        services.save_assistance_standard(standard, by=by, reason="演示数据")


@register(order=30)
def seed_payments(ctx: DemoContext) -> None:
    users_by_name = ctx.data.get("users") or {}
    User = get_user_model()
    users = {}
    for name in ("officer", "finance", "leader", "admin"):
        users[name] = users_by_name.get(name) or User.objects.filter(username=name).first()
    if not all(users[n] for n in ("officer", "finance", "leader")):
        ctx.say("payments: users officer/finance/leader missing; skipped")
        return
    this_year = ctx.today.year
    if Campaign.objects.filter(name=f"{this_year}年春节送温暖").exists():
        ctx.say("payments: demo campaigns exist; skipped")
        return
    officer, finance = users["officer"], users["finance"]
    federation = finance.organisation
    scope = officer.organisation.path
    person_ids = sorted(
        Person.objects.filter(
            pk__in=ctx.data.get("person_ids") or Person.objects.values("pk"),
            organisation__path__startswith=scope,
        )
        .exclude(bank_account="")
        .values_list("pk", flat=True)
    )
    needed = len(PLAN) + 6
    if len(person_ids) < needed:
        ctx.say(f"payments: fewer than {needed} people in the officer's scope; skipped")
        return
    chosen = ctx.rng.sample(person_ids, needed)
    people = Person.objects.in_bulk(chosen)
    admin = users["admin"] or finance
    _seed_assistance_standards(admin)

    with transaction.atomic():
        spring_2020 = _campaign(
            "2020年春节送温暖",
            year=2020,
            kind="warmth",
            organisation=federation,
            by=admin,
            budget="200000.00",
            standards=WARMTH_STANDARDS,
            starts_on=datetime.date(2020, 1, 6),
            ends_on=datetime.date(2020, 1, 24),
        )
        hubei = _campaign(
            "援鄂医疗队慰问",
            year=2020,
            kind="hubei_team",
            organisation=federation,
            by=admin,
            budget="100000.00",
            standards=[("hubei_team", "", "2000.00")],
            starts_on=datetime.date(2020, 4, 1),
            ends_on=datetime.date(2020, 6, 30),
            threshold="3000.00",
            annual_cap="5000.00",
        )
        childrens_day = _campaign(
            f"{this_year}年六一儿童节慰问",
            year=this_year,
            kind="occasion",
            organisation=officer.organisation,
            by=admin,
            budget="20000.00",
            standards=[("occasion", "", "300.00"), ("hardship", "", "300.00")],
            funding_source="own",
            starts_on=datetime.date(this_year, 5, 20),
            ends_on=datetime.date(this_year, 6, 10),
            annual_cap="3000.00",
            threshold="1000.00",
        )
        last_year = _campaign(
            f"{this_year - 1}年春节送温暖",
            year=this_year - 1,
            kind="warmth",
            organisation=federation,
            by=admin,
            budget="300000.00",
            standards=WARMTH_STANDARDS,
            starts_on=datetime.date(this_year - 1, 1, 10),
            ends_on=datetime.date(this_year - 1, 2, 10),
        )
        if permissions.can_manage_campaigns(admin):
            current = services.copy_campaign(
                last_year,
                by=admin,
                name=f"{this_year}年春节送温暖",
                year=this_year,
                starts_on=datetime.date(this_year, 1, 10),
                ends_on=datetime.date(this_year, 12, 31),
                budget=Decimal("320000.00"),
            )
            current.status = CampaignStatus.OPEN
            services.save_campaign(current, by=admin, reason="开始发放")
            last_year.status = CampaignStatus.CLOSED
            services.save_campaign(last_year, by=admin, reason="活动结束")
        else:
            current = _campaign(
                f"{this_year}年春节送温暖",
                year=this_year,
                kind="warmth",
                organisation=federation,
                by=finance,
                budget="320000.00",
                standards=WARMTH_STANDARDS,
            )

        person_iter = iter(chosen)
        # Past campaigns: paid in cash (2020) and through a reconciled batch (last year).
        for _ in range(2):
            case = _case_for(people[next(person_iter)], CaseCategory.HUBEI_TEAM, officer)
            _walk("paid", case, hubei, amount=None, method="cash", users=users)
        for _ in range(2):
            case = _case_for(people[next(person_iter)], CaseCategory.HARDSHIP, officer)
            _walk("paid", case, spring_2020, amount=None, method="cash", users=users)
        case = _case_for(people[next(person_iter)], CaseCategory.HARDSHIP, officer)
        _walk("submitted", case, childrens_day, amount=None, method="cash", users=users)
        case = _case_for(people[next(person_iter)], CaseCategory.HARDSHIP, officer)
        _walk("approved", case, childrens_day, amount=None, method="cash", users=users)
        for campaign in (hubei, spring_2020):
            campaign.status = CampaignStatus.CLOSED
            services.save_campaign(campaign, by=admin, reason="活动结束")

        # This year's warmth campaign: a payment in every state.
        walked = []
        for state, amount, method in PLAN:
            case = _case_for(people[next(person_iter)], CaseCategory.HARDSHIP, officer)
            amount = Decimal(amount) if amount else None
            payment = _walk(state, case, current, amount=amount, method=method, users=users)
            walked.append((state, method, payment))
        to_pay = [
            p
            for s, m, p in walked
            if m == "bank" and s in ("paid", "failed", "reversed", "in_batch")
        ]
        sent = services.create_batch(
            current, [p.pk for s, m, p in walked if p in to_pay and s != "in_batch"], by=finance
        )
        services.mark_batch_sent(sent, by=finance)
        rows = []
        for state, _method, payment in walked:
            if payment not in to_pay or state == "in_batch":
                continue
            if state == "failed":
                rows.append(
                    {"付款编号": payment.reference, "状态": "失败", "失败原因": "账户已冻结"}
                )
            else:
                rows.append(
                    {
                        "付款编号": payment.reference,
                        "状态": "成功",
                        "银行流水号": f"95588{payment.pk:08d}",
                    }
                )
        services.import_bank_result(
            sent, ["付款编号", "状态", "失败原因", "银行流水号"], rows, by=finance
        )
        services.create_batch(current, [p.pk for s, m, p in walked if s == "in_batch"], by=finance)
        for state, _method, payment in walked:
            if state == "reversed":
                services.reverse_payment(
                    payment, by=users["leader"], reason="职工已由单位另行发放，款项退回"
                )
    ctx.data["campaign_ids"] = [
        spring_2020.pk,
        hubei.pk,
        childrens_day.pk,
        last_year.pk,
        current.pk,
    ]
    ctx.say(f"payments: 5 campaigns, {len(walked) + 6} payments, 2 batches")


@register(order=31)
def seed_season(ctx: DemoContext) -> None:
    """Next year's 元旦春节 warmth campaign, allocated to the federation's unions (下拨), with
    the officer's union part-way through its allocation."""
    User = get_user_model()
    given = ctx.data.get("users") or {}
    users = {
        n: given.get(n) or User.objects.filter(username=n).first()
        for n in ("officer", "finance", "admin")
    }
    admin, officer, finance = users["admin"], users["officer"], users["finance"]
    if not (admin and officer and finance) or not permissions.can_manage_campaigns(admin):
        ctx.say("payments: users admin/officer/finance missing; season skipped")
        return
    year = ctx.today.year + 1
    name = f"{year}年元旦春节送温暖"
    if Campaign.objects.filter(name=name).exists():
        ctx.say("payments: season campaign exists; skipped")
        return
    federation = finance.organisation
    unions = list(federation.children.order_by("code"))
    if officer.organisation not in unions or not unions:
        ctx.say("payments: the officer's union is not below the federation; season skipped")
        return
    with transaction.atomic():
        campaign = _campaign(
            name,
            year=year,
            kind="warmth",
            organisation=federation,
            by=admin,
            budget="600000.00",
            standards=WARMTH_STANDARDS,
            starts_on=datetime.date(year - 1, 12, 15),
            ends_on=datetime.date(year, 2, 28),
        )
        share = (Decimal("540000") / len(unions)).quantize(Decimal("100"))
        for union in unions:
            amount = share if union != officer.organisation else Decimal("5000.00")
            services.allocate_campaign(
                campaign,
                union,
                by=admin,
                amount=amount,
                places=int(amount // 800),
                reason="年度下拨",
            )
        scope = officer.organisation.path
        taken = set(Payment.objects.filter(campaign=campaign).values_list("person_id", flat=True))
        people = list(
            Person.objects.filter(organisation__path__startswith=scope)
            .exclude(bank_account="")
            .exclude(pk__in=taken)
            .order_by("pk")[:6]
        )
        for index, person in enumerate(people):
            case = _case_for(person, CaseCategory.HARDSHIP, officer)
            payment = services.draft_payment(case, campaign, by=officer)
            if index < 5:
                services.submit_payment(payment, by=officer)
            if index < 3:
                services.approve_payment(payment, by=finance)
    ctx.data.setdefault("campaign_ids", []).append(campaign.pk)
    reminders = sum(notify_due_casework(ctx.today))
    ctx.say(f"payments: {name} allocated to {len(unions)} unions; {reminders} casework reminders")

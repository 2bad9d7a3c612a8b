"""Demo seeder: poverty lines, cases of every category and status, visits (order 20).

Runs after the foundation seeder and uses what it left in `ctx.data`: `person_ids` and
`users["officer"]`. Cases are bulk-inserted with their history, then moved through their
lifecycle in bulk rounds (verify, yearly review, close, reopen) so every case page shows a real
timeline; some hardship cases are left review-overdue and some visits have follow-ups due this
week. Everything comes from `ctx.rng` and `ctx.today`: a seed always gives the same data.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    ExitReason,
    FileStage,
    HardshipCause,
    HardshipLevel,
    Person,
    PovertyLine,
    Visit,
    VisitKind,
)
from cases.models.cases import Occasion
from core.demo import DemoContext, register
from core.history import attribute_change

DEMO_REASON = "演示数据"
# Urban minimum-living-standard line per person per month, by years before this one.
POVERTY_LINES = [Decimal("900.00"), Decimal("870.00"), Decimal("840.00"), Decimal("800.00")]
POVERTY_LINES += [Decimal("760.00"), Decimal("720.00")]

FINDINGS = {
    CaseCategory.HARDSHIP: [
        "配偶长期患病，常年服药，家庭收入主要依靠本人工资。",
        "子女在读大学，学费和生活费负担较重，家中还有老人需赡养。",
        "本人因病手术后恢复中，暂时无法全职工作，收入明显下降。",
        "家庭成员下岗待业，住房为租住的老旧小区，条件简陋。",
        "家中遭受水灾，部分家具电器受损，正在修缮。",
    ],
    CaseCategory.FRONTLINE: [
        "在发热门诊连续工作，家中孩子由老人照看，身体疲惫。",
        "参与隔离病区救治工作三个月，家属希望加强心理疏导。",
    ],
    CaseCategory.HUBEI_TEAM: [
        "援鄂归来后身体状况良好，家属对组织关怀表示感谢。",
        "援鄂期间家中老人生病，现已康复，希望安排疗休养。",
    ],
    CaseCategory.RECUPERATION: ["已安排疗休养名额，本人身体状况良好，同意参加。"],
    CaseCategory.OCCASION: [
        "节日走访，送去慰问品，了解家庭近况。",
        "家中孩子身体健康，学习情况良好。",
    ],
    CaseCategory.CONDOLENCE: [
        "本人住院治疗中，病情稳定，家属陪护。",
        "家属因病去世，已协助办理后事，家属情绪基本平稳。",
    ],
}
NEEDS = ["医疗费用", "子女助学", "生活物资", "心理疏导", "就业帮扶", "住房修缮", ""]
GOODS = [("米、油、牛奶", Decimal("300.00")), ("慰问品", Decimal("200.00")), ("", None)]
PLACES = {
    VisitKind.HOME: ["家中", "幸福小区", "建设路家属院", "文化路老旧小区"],
    VisitKind.HOSPITAL: ["市第一人民医院", "市中心医院住院部", "市中医院"],
    VisitKind.WORKPLACE: ["单位会议室", "科室办公室"],
    VisitKind.PHONE: [""],
}
CLOSING_NOTES = {
    ClosingReason.RESOLVED: "家庭收入恢复，已脱困。",
    ClosingReason.INELIGIBLE: "复核时人均收入已高于低保标准2倍。",
    ClosingReason.DECEASED: "本人因病去世，慰问已送达家属。",
    ClosingReason.MOVED: "随子女迁居外地。",
}
REOPEN_REASONS = ["病情复发，家庭再次陷入困难。", "配偶失业，收入骤降。", "复核发现情况有变。"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of `day`; for today, never later than now (history is not written ahead).

    Today's steps are pulled back to just before now, keeping their order of the day.
    """
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    now = timezone.now()
    if moment > now:
        moment = now - datetime.timedelta(minutes=(24 - hour) * 60 - minute)
    return moment


EXIT_REASONS = {
    ClosingReason.RESOLVED: ExitReason.INCOME_ABOVE_LINE,
    ClosingReason.INELIGIBLE: ExitReason.INCOME_ABOVE_LINE,
    ClosingReason.DECEASED: ExitReason.DECEASED,
    ClosingReason.MOVED: ExitReason.MOVED,
}


def _seed_poverty_lines(ctx: DemoContext) -> dict[int, Decimal]:
    lines = {ctx.today.year - i: amount for i, amount in enumerate(POVERTY_LINES)}
    existing = set(PovertyLine.objects.values_list("year", flat=True))
    new = [
        PovertyLine(year=year, monthly_amount=amount, note="市民政局公布的城市低保标准（演示）")
        for year, amount in sorted(lines.items())
        if year not in existing
    ]
    bulk_create_with_history(new, PovertyLine, default_change_reason=DEMO_REASON)
    return dict(PovertyLine.objects.values_list("year", "monthly_amount"))


def _hardship_level(person: Person, line: Decimal | None) -> tuple[str, str]:
    """(level, suggestion) the way `open_case` would set them."""
    from cases.services.eligibility import _suggest

    suggested = _suggest(person.household_monthly_income, person.household_size, line)
    return suggested or HardshipLevel.RELATIVE, suggested


def _categories_for(ctx: DemoContext, person: Person, line: Decimal | None) -> list[str]:
    rng = ctx.rng
    chosen = []
    low_income = line is not None and person.household_monthly_income < line * 2 * max(
        person.household_size, 1
    )
    if low_income or rng.random() < 0.06:
        chosen.append(CaseCategory.HARDSHIP)
    if person.is_hubei_team:
        chosen.append(CaseCategory.HUBEI_TEAM)
    if person.is_frontline_medical and rng.random() < 0.7:
        chosen.append(CaseCategory.FRONTLINE)
    roll = rng.random()
    if roll < 0.08:
        chosen.append(CaseCategory.CONDOLENCE)
    elif roll < 0.14:
        chosen.append(CaseCategory.OCCASION)
    elif roll < 0.17:
        chosen.append(CaseCategory.RECUPERATION)
    return chosen


class _Plan:
    """One case's story: the dates of each step, decided before anything is written."""

    def __init__(self, case: Case, opened_on: datetime.date):
        self.case = case
        self.opened_on = opened_on
        self.visits: list[Visit] = []
        self.verified_on: datetime.date | None = None
        self.reviewed_on: datetime.date | None = None
        self.closed_on: datetime.date | None = None
        self.closing_reason = ""
        self.reopened_on: datetime.date | None = None


def _visit(ctx: DemoContext, plan: _Plan, day: datetime.date, officer, follow_up=None) -> Visit:
    rng = ctx.rng
    category = plan.case.category
    kind = rng.choice(
        [VisitKind.HOSPITAL, VisitKind.HOME]
        if category == CaseCategory.CONDOLENCE
        else [VisitKind.HOME, VisitKind.HOME, VisitKind.WORKPLACE, VisitKind.PHONE]
    )
    goods, value = rng.choice(GOODS) if kind != VisitKind.PHONE else ("", None)
    visit = Visit(
        case=plan.case,
        visit_date=day,
        kind=kind,
        recorded_by=officer,
        place=rng.choice(PLACES[kind]),
        findings=rng.choice(FINDINGS[category]),
        needs=rng.choice(NEEDS),
        goods_handed_over=goods,
        goods_value=value,
        follow_up_on=follow_up,
        companions_note=rng.choice(["", "", "社区主任", "工会副主席"]),
        created_at=_at(day, 17, rng.randrange(60)),
    )
    visit._history_date = visit.created_at
    attribute_change(visit, by=officer)
    plan.visits.append(visit)
    return visit


def _plan_case(ctx: DemoContext, case: Case, officer) -> _Plan:
    """Decide the case's story. Some stories end early on purpose (open, overdue, closed)."""
    rng, today = ctx.rng, ctx.today
    opened_days_ago = rng.choice([rng.randrange(3, 60), rng.randrange(60, 400)])
    opened_days_ago = rng.choice([opened_days_ago, rng.randrange(400, 900)])
    opened_on = today - datetime.timedelta(days=opened_days_ago)
    case.opened_at = _at(opened_on, 9, rng.randrange(60))
    plan = _Plan(case, opened_on)
    outcome = rng.random()
    if outcome < 0.25:  # still open: half of them visited, not yet verified
        if rng.random() < 0.5:
            day = opened_on + datetime.timedelta(days=min(rng.randrange(0, 10), opened_days_ago))
            _visit(ctx, plan, day, officer, follow_up=_follow_up(ctx, day))
        return plan
    first = opened_on + datetime.timedelta(days=min(rng.randrange(0, 10), opened_days_ago))
    _visit(ctx, plan, first, officer)
    plan.verified_on = min(first + datetime.timedelta(days=rng.randrange(0, 4)), today)
    age = (today - plan.verified_on).days
    hardship = case.category == CaseCategory.HARDSHIP
    if hardship and age > 365 and rng.random() < 0.6:  # the yearly review was done
        review = today - datetime.timedelta(days=rng.randrange(5, 200))
        _visit(ctx, plan, review, officer)
        plan.reviewed_on = review
    if outcome < 0.80:  # verified and live; some get a recent visit with a follow-up due
        if rng.random() < 0.35:
            recent = today - datetime.timedelta(days=rng.randrange(0, 25))
            if recent >= (plan.reviewed_on or plan.verified_on):
                _visit(ctx, plan, recent, officer, follow_up=_follow_up(ctx, recent))
        return plan
    last = plan.reviewed_on or plan.verified_on
    plan.closed_on = min(last + datetime.timedelta(days=rng.randrange(1, 120)), today)
    plan.closing_reason = rng.choice(ClosingReason.values)
    if outcome > 0.95 and plan.closing_reason != ClosingReason.DECEASED:
        reopened = plan.closed_on + datetime.timedelta(days=rng.randrange(1, 60))
        plan.reopened_on = min(reopened, today)
    return plan


def _follow_up(ctx: DemoContext, day: datetime.date) -> datetime.date | None:
    if ctx.rng.random() < 0.6:
        return day + datetime.timedelta(days=ctx.rng.randrange(5, 31))
    return None


def _step(plans, attribute, apply, fields, officer, reason, hour=18) -> None:
    """One bulk round of a lifecycle step, with one history row per case."""
    moved = []
    for plan in plans:
        day = getattr(plan, attribute)
        if day is None:
            continue
        case = plan.case
        apply(plan, case)
        case._history_date = _at(day, hour, 30)
        attribute_change(case, by=officer, reason=reason(plan) if callable(reason) else reason)
        moved.append(case)
    if moved:
        bulk_update_with_history(moved, Case, fields=fields, default_user=officer)


def _verify(plan, case):
    case.status = CaseStatus.VERIFIED
    case.last_verified_on = plan.verified_on
    if case.category == CaseCategory.HARDSHIP:  # 公示 and the upper level's approval done
        case.file_stage = FileStage.IN_FILE
        case.file_approved_on = plan.verified_on
        case.reviewed_for_year = plan.verified_on.year


def _review(plan, case):
    case.last_verified_on = plan.reviewed_on
    if case.category == CaseCategory.HARDSHIP:
        case.reviewed_for_year = plan.reviewed_on.year


def _close(plan, case):
    case.status = CaseStatus.CLOSED
    case.closing_reason = plan.closing_reason
    case.closing_note = CLOSING_NOTES[plan.closing_reason]
    case.closed_at = _at(plan.closed_on, 19, 30)
    if case.category == CaseCategory.HARDSHIP:
        resolved = plan.closing_reason == ClosingReason.RESOLVED
        case.file_stage = FileStage.EXITED if resolved else FileStage.WITHDRAWN
        case.exit_reason = EXIT_REASONS[plan.closing_reason]
        case.exited_on = plan.closed_on
        case.exit_note = CLOSING_NOTES[plan.closing_reason]


def _reopen(plan, case):
    case.status = CaseStatus.OPEN
    case.closing_reason = ""
    case.closing_note = ""
    case.closed_at = None
    if case.category == CaseCategory.HARDSHIP:
        if case.file_stage == FileStage.EXITED:  # 返困, counted apart
            case.return_count += 1
            case.returned_on = plan.reopened_on
        case.file_stage = FileStage.APPLIED
        case.applied_on = plan.reopened_on


@register(order=20)
def seed_casework(ctx: DemoContext) -> None:
    lines = _seed_poverty_lines(ctx)
    person_ids = ctx.data.get("person_ids") or []
    officer = ctx.data["users"]["officer"]
    if not person_ids or Case.objects.filter(person_id__in=person_ids).exists():
        ctx.data["case_ids"] = list(
            Case.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
        )
        return
    people = Person.objects.filter(pk__in=person_ids).order_by("pk")
    in_scope = officer.organisation.path if officer.organisation_id else "/"
    plans: list[_Plan] = []
    for person in people.select_related("organisation").iterator(chunk_size=2000):
        line = lines.get(ctx.today.year)
        categories = _categories_for(ctx, person, line)
        if person.organisation.path.startswith(in_scope) and not categories:
            categories = [ctx.rng.choice([CaseCategory.HARDSHIP, CaseCategory.OCCASION])]
        for category in categories:
            case = Case(
                person=person,
                category=category,
                organisation_id=person.organisation_id,
                opened_by=officer,
                status=CaseStatus.OPEN,
            )
            if category == CaseCategory.HARDSHIP:
                case.file_stage = FileStage.APPLIED
                level, suggested = _hardship_level(person, line)
                if ctx.rng.random() < 0.08:
                    level, suggested = HardshipLevel.ACCIDENT, suggested
                case.hardship_level, case.suggested_level = level, suggested
                if level not in (suggested, HardshipLevel.ACCIDENT):
                    case.level_override_reason = "家庭医疗支出大，实际生活困难。"
                causes = ctx.rng.sample(HardshipCause.values, k=ctx.rng.randrange(1, 3))
                if level == HardshipLevel.ACCIDENT and HardshipCause.ACCIDENT not in causes:
                    causes.append(HardshipCause.ACCIDENT)
                case.causes = causes
                case.summary = "家庭人均收入低，" + "、".join(
                    str(HardshipCause(c).label) for c in causes
                )
            elif category == CaseCategory.OCCASION:
                case.occasion = ctx.rng.choice(Occasion.values)
            plan = _plan_case(ctx, case, officer)
            if category == CaseCategory.HARDSHIP:
                case.applied_on = plan.opened_on
            case._history_date = case.opened_at
            attribute_change(case, by=officer, reason=case.level_override_reason)
            plans.append(plan)

    bulk_create_with_history([p.case for p in plans], Case, batch_size=1000, default_user=officer)
    visits = [v for p in plans for v in p.visits]
    bulk_create_with_history(visits, Visit, batch_size=1000, default_user=officer)
    verify = ["status", "last_verified_on", "file_stage", "file_approved_on", "reviewed_for_year"]
    _step(
        plans, "verified_on", _verify, verify, officer, "入户核实属实，公示无异议，上级工会审批建档"
    )
    _step(
        plans,
        "reviewed_on",
        _review,
        ["last_verified_on", "reviewed_for_year"],
        officer,
        "年度复核",
    )
    closing = ["status", "closing_reason", "closing_note", "closed_at", "file_stage"]
    closing += ["exit_reason", "exited_on", "exit_note"]
    _step(
        plans, "closed_on", _close, closing, officer, lambda p: CLOSING_NOTES[p.closing_reason], 19
    )
    reopen_reason = lambda p: ctx.rng.choice(REOPEN_REASONS)  # noqa: E731
    reopening = [*closing, "applied_on", "return_count", "returned_on"]
    _step(plans, "reopened_on", _reopen, reopening, officer, reopen_reason, hour=20)

    statuses = Counter(p.case.status for p in plans)
    ctx.data["case_ids"] = [p.case.pk for p in plans]
    ctx.say(
        f"Casework: {len(plans)} cases ({dict(statuses)}), {len(visits)} visits, "
        f"{len(lines)} poverty lines."
    )

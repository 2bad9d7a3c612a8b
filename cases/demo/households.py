"""Demo seeder (order 25): households of hardship files, rigid expenses, reviews awaiting approval.

Runs after casework (files in file, exits, files overdue for their yearly review) and before
payments. It draws from its own random generator derived from the seed, so the seeders after it
see the same numbers as before it existed; the data stays deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from cases.models import (
    Case,
    CaseCategory,
    CaseReview,
    CaseStatus,
    ExitFollowUp,
    ExpenseKind,
    FileStage,
    HardshipPolicy,
    Health,
    HouseholdMember,
    MedicalInsurance,
    MemberStatus,
    Organisation,
    PovertyLine,
    Relation,
    ReviewOutcome,
    RigidExpense,
    Visit,
    VisitKind,
)
from cases.services.eligibility import file_figures
from cases.services.exits import FOLLOW_UP_MONTHS, add_months
from core.demo import DemoContext, register
from core.history import attribute_change

from .people import GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE, make_id_number

# A county code no demo person is born in, so a member never collides with a registered person.
MEMBER_AREA = "410199"
DEMO_REASON = "演示数据"
MAX_FILES = 60
DEMO_DISTRICT = "金水区"


def _member(rng: random.Random, case: Case, relation: str, today: datetime.date):
    surname = case.person.name[0]
    if relation == Relation.SPOUSE:
        born = case.person.birth_date + datetime.timedelta(days=rng.randrange(-1500, 1500))
        gender = "F" if case.person.gender == "M" else "M"
        status = rng.choice([MemberStatus.WORKING, MemberStatus.UNEMPLOYED, MemberStatus.WORKING])
        income = Decimal(rng.choice([0, 0, 1200, 1800, 2600]))
        school = (
            "" if status != MemberStatus.WORKING else rng.choice(["个体经营", "超市", "物业公司"])
        )
    else:
        born = today - datetime.timedelta(days=rng.randrange(6 * 365, 20 * 365))
        gender = rng.choice(["M", "F"])
        status, income = MemberStatus.STUDENT, Decimal("0")
        school = rng.choice(["市第一中学", "市实验小学", "市职业技术学院", "市第二中学"])
    names = GIVEN_NAMES_MALE if gender == "M" else GIVEN_NAMES_FEMALE
    health = rng.choice([Health.HEALTHY, Health.HEALTHY, Health.CHRONIC, Health.SERIOUS])
    return HouseholdMember(
        case=case,
        relation=relation,
        name=surname + rng.choice(names),
        id_number=make_id_number(rng, born, gender, area=MEMBER_AREA),
        health=health,
        medical_insurance=rng.choice([MedicalInsurance.RESIDENT, MedicalInsurance.EMPLOYEE]),
        monthly_income=income,
        status=status,
        school_or_employer=school,
    )


def _seed_policy_and_district_lines(ctx: DemoContext, officer) -> None:
    """The federation's policy (defaults, said out loud) and one district with its own line."""
    root = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is not None and not HardshipPolicy.objects.filter(organisation=root).exists():
        policy = HardshipPolicy(organisation=root)
        attribute_change(policy, by=officer, reason=DEMO_REASON)
        policy.save()
    city = PovertyLine.objects.filter(district="", year=ctx.today.year).first()
    if city is not None and not PovertyLine.objects.filter(district=DEMO_DISTRICT).exists():
        line = PovertyLine(
            year=ctx.today.year,
            district=DEMO_DISTRICT,
            effective_from=datetime.date(ctx.today.year, 1, 1),
            monthly_amount=(city.monthly_amount * Decimal("1.1")).quantize(Decimal("1")),
            note="区民政局公布的低保标准（演示）",
        )
        attribute_change(line, by=officer, reason=DEMO_REASON)
        line.save()


def _exit_follow_ups(case_ids: list[int], officer, today: datetime.date) -> int:
    """Follow-ups 6 and 12 months after each 脱困; those already due answered by a visit."""
    exited = Case.objects.filter(
        pk__in=case_ids, file_stage=FileStage.EXITED, exited_on__isnull=False
    ).order_by("pk")
    if ExitFollowUp.objects.filter(case__in=exited).exists():
        return 0
    follow_ups, visits = [], []
    for case in exited:
        for months in FOLLOW_UP_MONTHS:
            due = add_months(case.exited_on, months)
            follow_up = ExitFollowUp(case=case, exited_on=case.exited_on, months=months, due_on=due)
            if due < today - datetime.timedelta(days=30):
                visit = Visit(
                    case=case,
                    visit_date=due,
                    kind=VisitKind.HOME if months == 6 else VisitKind.PHONE,
                    recorded_by=officer,
                    findings="脱困后回访：家庭收入稳定，未返贫。",
                )
                visits.append(visit)
                follow_up.visit = visit
            follow_ups.append(follow_up)
    bulk_create_with_history(visits, Visit, default_user=officer, default_change_reason=DEMO_REASON)
    for follow_up in follow_ups:
        follow_up.visit_id = follow_up.visit.pk if follow_up.visit else None
    bulk_create_with_history(
        follow_ups, ExitFollowUp, default_user=officer, default_change_reason=DEMO_REASON
    )
    return len(follow_ups)


@register(order=25)
def seed_households(ctx: DemoContext) -> None:
    case_ids = ctx.data.get("case_ids") or []
    officer = ctx.data.get("users", {}).get("officer")
    if officer is not None:
        _seed_policy_and_district_lines(ctx, officer)
        follow_ups = _exit_follow_ups(case_ids, officer, ctx.today)
        if follow_ups:
            ctx.say(f"Exits: {follow_ups} follow-ups after 脱困 scheduled.")
    files = list(
        Case.objects.filter(
            pk__in=case_ids, category=CaseCategory.HARDSHIP, file_stage=FileStage.IN_FILE
        )
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person", "opened_by")
        .order_by("pk")[:MAX_FILES]
    )
    if not files or HouseholdMember.objects.filter(case__in=files).exists():
        return
    rng = random.Random(ctx.seed * 7919 + 16)
    members: list[HouseholdMember] = []
    expenses: list[RigidExpense] = []
    for case in files:
        relations = [Relation.SPOUSE] + [Relation.CHILD] * rng.randrange(0, 3)
        numbers: set[str] = set()
        for relation in relations:
            member = _member(rng, case, relation, ctx.today)
            if member.id_number not in numbers:
                numbers.add(member.id_number)
                members.append(member)
        for kind in rng.sample([ExpenseKind.MEDICAL, ExpenseKind.EDUCATION, ExpenseKind.RENT], 2):
            amount = Decimal(rng.choice([300, 450, 600, 800, 1200]))
            expenses.append(RigidExpense(case=case, kind=kind, monthly_amount=amount))
    officer = officer or files[0].opened_by
    bulk_create_with_history(
        members, HouseholdMember, default_user=officer, default_change_reason=DEMO_REASON
    )
    bulk_create_with_history(
        expenses, RigidExpense, default_user=officer, default_change_reason=DEMO_REASON
    )
    reviews = _pending_reviews(files, officer, ctx.today)
    ctx.say(
        f"Households: {len(members)} members, {len(expenses)} rigid expenses in "
        f"{len(files)} files; {reviews} yearly reviews awaiting approval."
    )


def _pending_reviews(files: list[Case], officer, today: datetime.date) -> int:
    """Files overdue for this year's review that had a home visit lately: review recorded."""
    due = [f for f in files if (f.reviewed_for_year or 0) < today.year]
    since = today - datetime.timedelta(days=120)
    visits = {
        v.case_id: v
        for v in Visit.objects.filter(
            case__in=due, kind=VisitKind.HOME, visit_date__gte=since
        ).order_by("visit_date", "id")
    }
    reviews = []
    for case in due:
        visit = visits.get(case.pk)
        if visit is None or (case.last_verified_on and visit.visit_date < case.last_verified_on):
            continue
        figures = file_figures(case, today)
        reviews.append(
            CaseReview(
                case=case,
                year=today.year,
                visit=visit,
                household_size=figures.household_size,
                household_monthly_income=figures.household_monthly_income,
                rigid_expenses=figures.rigid_expenses,
                line=figures.line,
                suggested_level=figures.suggested_level,
                tier_basis=figures.as_basis(),
                previous_level=case.hardship_level,
                decided_level=case.hardship_level,
                outcome=ReviewOutcome.KEEP,
                note="入户复核，家庭情况无明显变化",
                reviewed_by=officer,
                reviewed_on=visit.visit_date,
            )
        )
    bulk_create_with_history(
        reviews, CaseReview, default_user=officer, default_change_reason=DEMO_REASON
    )
    return len(reviews)

"""Item 6 of issue 16: household caps per assistance item across campaigns, and the ceiling above
which the upper-level union approves."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.models import HardshipPolicy, HouseholdMember
from cases.services import add_household_member, add_rigid_expense
from payments import services
from payments.exceptions import HouseholdCapExceeded, UpperLevelApprovalRequired
from payments.models import AssistanceStandard, PaymentStatus
from payments.services.household_caps import household_allowance
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import poverty_line
from tests.factories import CaseFactory, PersonFactory, make_id_number, make_user

from .factories import CampaignFactory, case_in
from .helpers import assert_unchanged, snapshot

pytestmark = pytest.mark.django_db

YEAR = 2026


def standard(level="relative", item="living", basis="fixed", value="800.00"):
    return AssistanceStandard.objects.create(
        hardship_level=level, item=item, basis=basis, value=Decimal(value)
    )


@pytest.fixture
def second_campaign(federation, administrator):
    return CampaignFactory(organisation=federation, created_by=administrator, name="医疗专项")


@pytest.fixture
def household(union_a, officer, case):
    """The file's applicant and a spouse who is also an employee on the roster."""
    spouse = PersonFactory(organisation=union_a, gender="F")
    add_household_member(
        case,
        by=officer,
        relation="spouse",
        name=spouse.name,
        id_number=spouse.id_number,
        monthly_income=Decimal("0"),
    )
    spouse_case = CaseFactory(
        person=spouse, opened_by=officer, category="condolence", hardship_level=""
    )
    return case, spouse_case


def test_over_the_household_cap_is_refused_across_campaigns_and_members(
    walk, household, second_campaign, finance
):
    standard(value="800.00")
    file, spouse_case = household
    walk("approved", case=file, amount=Decimal("500.00"), item="living")
    payment = walk(
        "submitted",
        case=spouse_case,
        campaign=second_campaign,
        amount=Decimal("400.00"),
        item="living",
    )
    before = snapshot(payment)

    with pytest.raises(HouseholdCapExceeded) as refused:
        services.approve_payment(payment, by=finance)

    message = str(refused.value)
    assert f"档案 {file.pk}" in message
    assert "已获 500.00 元" in message
    assert "上限 800.00 元" in message
    assert "剩余额度 300.00 元" in message
    assert_unchanged(payment, before)


def test_within_the_household_cap_is_approved(walk, household, second_campaign, finance):
    standard(value="800.00")
    file, spouse_case = household
    walk("approved", case=file, amount=Decimal("500.00"), item="living")
    payment = walk(
        "submitted",
        case=spouse_case,
        campaign=second_campaign,
        amount=Decimal("300.00"),
        item="living",
    )

    services.approve_payment(payment, by=finance)

    assert payment.status == PaymentStatus.APPROVED
    assert_audit_intact()


def test_another_item_has_its_own_cap(walk, household, second_campaign, finance):
    standard(value="800.00")
    file, spouse_case = household
    walk("approved", case=file, amount=Decimal("700.00"), item="living")
    payment = walk(
        "submitted",
        case=spouse_case,
        campaign=second_campaign,
        amount=Decimal("700.00"),
        item="warmth",
    )

    services.approve_payment(payment, by=finance)

    assert payment.status == PaymentStatus.APPROVED


def test_rejected_and_cancelled_payments_do_not_use_the_allowance(walk, case, finance):
    standard(value="800.00")
    walk("rejected", case=case, amount=Decimal("800.00"), item="living")
    allowance = household_allowance(case.person, "living", YEAR, on_date=timezone.localdate())

    assert allowance.used == Decimal("0.00")
    assert allowance.remaining == Decimal("800.00")


def test_months_of_the_line_count_every_member(union_a, officer, case):
    poverty_line(amount="1000.00")
    standard(basis="line_months", value="3")
    add_household_member(
        case,
        by=officer,
        relation="child",
        name="小明",
        id_number=make_id_number(datetime.date(2012, 5, 5), "M", sequence=11),
    )

    allowance = household_allowance(case.person, "living", YEAR, on_date=timezone.localdate())

    assert allowance.cap == Decimal("6000.00")  # 1000 × 3 months × 2 people
    assert "× 3 个月 × 2 人" in allowance.basis


def test_medical_aid_is_a_share_of_the_self_paid_costs(officer, case):
    standard(item="medical", basis="self_paid_share", value="0.70")
    add_rigid_expense(case, by=officer, kind="medical", monthly_amount=Decimal("500.00"))

    allowance = household_allowance(case.person, "medical", YEAR, on_date=timezone.localdate())

    assert allowance.cap == Decimal("4200.00")  # 500 × 12 × 0.70


def test_school_aid_is_per_member_in_school(officer, case):
    standard(item="education", basis="per_student", value="1000.00")
    for n in (1, 2):
        add_household_member(
            case,
            by=officer,
            relation="child",
            name=f"孩子{n}",
            id_number=make_id_number(datetime.date(2010, 1, n), "F", sequence=20 + n),
            status="student",
        )
    add_household_member(
        case,
        by=officer,
        relation="parent",
        name="老人",
        id_number=make_id_number(datetime.date(1950, 1, 1), "M", sequence=30),
        status="retired",
    )

    allowance = household_allowance(case.person, "education", YEAR, on_date=timezone.localdate())

    assert allowance.cap == Decimal("2000.00")
    assert HouseholdMember.objects.filter(case=case).count() == 3


def test_no_standard_for_the_tier_means_no_household_cap(case):
    standard(level="deep")

    assert household_allowance(case.person, "living", YEAR, on_date=timezone.localdate()) is None


def test_the_payment_page_shows_the_remaining_allowance(client, walk, case, finance):
    standard(value="800.00")
    payment = walk("submitted", case=case, amount=Decimal("300.00"), item="living")
    client.force_login(finance)

    page = client.get(payment.get_absolute_url()).content.decode()

    assert "家庭年度剩余额度" in page
    assert "¥800.00" in page


def test_above_the_ceiling_the_unions_own_finance_cannot_approve(
    walk, union_a, federation, case, finance, administrator
):
    HardshipPolicy.objects.create(organisation=federation, upper_approval_ceiling=Decimal("600"))
    own_finance = make_user(Role.FINANCE, union_a)
    payment = walk("submitted", case=case, amount=Decimal("700.00"))
    before = snapshot(payment)

    with pytest.raises(UpperLevelApprovalRequired, match="须由上级工会审批"):
        services.approve_payment(payment, by=own_finance)
    assert_unchanged(payment, before)

    services.approve_payment(payment, by=finance)  # the federation's finance office
    assert payment.status == PaymentStatus.APPROVED


def test_at_the_ceiling_the_unions_own_finance_approves(walk, union_a, federation, case):
    HardshipPolicy.objects.create(organisation=federation, upper_approval_ceiling=Decimal("700"))
    own_finance = make_user(Role.FINANCE, union_a)
    payment = walk("submitted", case=case, amount=Decimal("700.00"))

    services.approve_payment(payment, by=own_finance)

    assert payment.status == PaymentStatus.APPROVED


def test_the_ceiling_concerns_hardship_payments_only(walk, union_a, federation):
    HardshipPolicy.objects.create(organisation=federation, upper_approval_ceiling=Decimal("100"))
    own_finance = make_user(Role.FINANCE, union_a)
    condolence = CaseFactory(
        person=PersonFactory(organisation=union_a), category="condolence", hardship_level=""
    )
    payment = walk("submitted", case=condolence, amount=Decimal("500.00"))

    services.approve_payment(payment, by=own_finance)

    assert payment.status == PaymentStatus.APPROVED


def test_the_bulk_approval_counts_what_it_granted_the_household_earlier_in_the_set(
    walk, household, second_campaign, finance
):
    standard(value="800.00")
    file, spouse_case = household
    first = walk("submitted", case=file, amount=Decimal("500.00"), item="living")
    second = walk(
        "submitted",
        case=spouse_case,
        campaign=second_campaign,
        amount=Decimal("400.00"),
        item="living",
    )
    before = snapshot(second)

    outcomes = services.approve_payments([first, second], by=finance)

    assert outcomes[0].ok
    assert isinstance(outcomes[1].error, HouseholdCapExceeded)
    assert "剩余额度 300.00 元" in str(outcomes[1].error)
    assert_unchanged(second, before)
    assert_audit_intact()


def test_bulk_and_one_by_one_agree_on_household_caps_and_the_bulk_reads_them_set_wise(
    walk, household, second_campaign, finance, union_a, officer, django_assert_max_num_queries
):
    """Two households (one with a member on the roster), two items with different bases, money
    already committed, several payments per household in one set: the bulk approval refuses
    exactly what one-by-one approval refuses, with the same reasons, and reads the households
    in a number of queries that does not grow with the payments."""
    from django.db import transaction

    from core.errors import RuleViolation
    from payments.models import Payment

    standard(value="1000.00")
    standard(item="medical", basis="self_paid_share", value="0.50")  # 500 × 12 × 0.5 = 3,000
    file, spouse_case = household
    add_rigid_expense(file, by=officer, kind="medical", monthly_amount=Decimal("500.00"))
    other = case_in(union_a, officer=officer)
    third = CampaignFactory(
        organisation=second_campaign.organisation,
        created_by=second_campaign.created_by,
        name="医疗二",
    )
    walk("approved", case=file, amount=Decimal("300.00"), item="living")
    asked = [
        walk(
            "submitted",
            case=file,
            campaign=second_campaign,
            amount=Decimal("400.00"),
            item="living",
        ),
        walk("submitted", case=spouse_case, amount=Decimal("400.00"), item="living"),  # over
        walk(
            "submitted",
            case=spouse_case,
            campaign=second_campaign,
            amount=Decimal("200.00"),
            item="living",
        ),
        walk("submitted", case=other, amount=Decimal("900.00"), item="living"),
        walk(
            "submitted",
            case=other,
            campaign=second_campaign,
            amount=Decimal("200.00"),
            item="living",
        ),  # over
        walk(
            "submitted", case=spouse_case, amount=Decimal("2500.00"), item="medical", campaign=third
        ),
    ]

    def observe(run):
        with transaction.atomic():
            fresh = [Payment.objects.get(pk=p.pk) for p in asked]
            errors = run(fresh)
            states = list(
                Payment.objects.filter(pk__in=[p.pk for p in asked])
                .order_by("pk")
                .values_list("status", flat=True)
            )
            transaction.set_rollback(True)
        return [(type(e).__name__, e.message) if e else None for e in errors], states

    def one_by_one(payments):
        errors = []
        for payment in payments:
            try:
                services.approve_payment(payment, by=finance)
            except RuleViolation as exc:
                errors.append(exc)
            else:
                errors.append(None)
        return errors

    def in_bulk(payments):
        with django_assert_max_num_queries(45):
            return [o.error for o in services.approve_payments(payments, by=finance)]

    expected = observe(one_by_one)
    assert [e and e[0] for e in expected[0]] == [
        None,
        "HouseholdCapExceeded",
        None,
        None,
        "HouseholdCapExceeded",
        None,
    ]
    assert observe(in_bulk) == expected

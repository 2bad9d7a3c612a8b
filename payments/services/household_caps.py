"""Household caps per assistance item (救助项目) and year, across every campaign.

A hardship file is one household: its applicant and the members registered with ID numbers.
`AssistanceStandard` says, for the file's tier and the payment's item, how much the household
may receive in a calendar year — a fixed sum, months of the district's 低保 line for each member,
a share of the self-paid medical costs (the file's medical rigid expenses over a year), or a sum
per member in school. The approval checks it under the campaign, payment and person locks and
then locks the file's row, so two approvals for one household in different campaigns queue up.

Payments to people without a live hardship file, and items without a standard for the file's
tier, have no household cap (the campaign's per-person cap still holds).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    ExpenseKind,
    HouseholdMember,
    MemberStatus,
    Person,
)
from cases.services.eligibility import file_figures

from ..exceptions import HouseholdCapExceeded
from ..models import AssistanceItem, AssistanceStandard, Payment, StandardBasis
from ..selectors import COMMITTED

CENT = Decimal("0.01")

__all__ = [
    "Allowance",
    "household_allowance",
    "household_allowances",
    "household_file_of",
    "items_with_standards",
    "lock_household_files",
    "raise_if_over_household_cap",
]


@dataclass(frozen=True)
class Allowance:
    """What a household may still receive for one item in one year."""

    file: Case
    item: str
    year: int
    cap: Decimal
    used: Decimal
    basis: str

    @property
    def remaining(self) -> Decimal:
        return max(self.cap - self.used, Decimal("0.00"))

    @property
    def item_label(self) -> str:
        return str(AssistanceItem(self.item).label)


def items_with_standards() -> set[str]:
    """The items any tier has a household standard for (one query; the bulk approval's filter)."""
    return set(AssistanceStandard.objects.values_list("item", flat=True).distinct())


def household_file_of(person: Person, *, lock: bool = False) -> Case | None:
    """The live hardship file the person heads or belongs to (by ID number)."""
    files = Case.objects.filter(category=CaseCategory.HARDSHIP).exclude(status=CaseStatus.CLOSED)
    files = files.filter(
        Q(person_id=person.pk) | Q(household_members__id_number=person.id_number)
    ).order_by("pk")
    if lock:
        # The ids first: FOR UPDATE does not mix with the OR join's DISTINCT on PostgreSQL.
        ids = list(files.values_list("pk", flat=True)[:1])
        if not ids:
            return None
        # Only the file's row: locking its person too could deadlock with an approval for that
        # person, which holds the person's row and waits for this file.
        return (
            Case.objects.select_for_update(of=("self",))
            .select_related("person__organisation")
            .get(pk=ids[0])
        )
    return files.select_related("person__organisation").first()


def lock_household_files(payments: list[Payment]) -> None:
    """Lock, in id order, every live hardship file the payments' people head or belong to: a
    bulk approval takes them all before its checks lock them one by one in the set's order, so
    two bulk approvals sharing households never wait on each other in a cycle."""
    if not payments:
        return
    people = [p.person for p in payments]
    ids = (
        Case.objects.filter(category=CaseCategory.HARDSHIP)
        .exclude(status=CaseStatus.CLOSED)
        .filter(
            Q(person_id__in=[p.pk for p in people])
            | Q(household_members__id_number__in=[p.id_number for p in people])
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=list(ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def household_person_ids(file: Case) -> list[int]:
    numbers = HouseholdMember.objects.filter(case=file).values("id_number")
    members = Person.objects.filter(id_number__in=numbers).values_list("pk", flat=True)
    return [file.person_id, *members]


def _cap(file: Case, standard: AssistanceStandard, on_date: datetime.date) -> tuple[Decimal, str]:
    """The household's cap for the year under `standard`, and how it was reached."""
    value = standard.value
    if standard.basis == StandardBasis.FIXED:
        return value, _("每户每年 %(v)s 元") % {"v": value}
    if standard.basis == StandardBasis.LINE_MONTHS:
        figures = file_figures(file, on_date)
        if figures.line is None:
            return Decimal("0.00"), _("没有执行中的低保标准，无法计算")
        cap = (value * figures.line * figures.household_size).quantize(CENT)
        return cap, _("低保标准 %(line)s 元 × %(m)s 个月 × %(n)s 人") % {
            "line": figures.line,
            "m": value.normalize(),
            "n": figures.household_size,
        }
    if standard.basis == StandardBasis.SELF_PAID_SHARE:
        monthly = file.rigid_expenses.filter(kind=ExpenseKind.MEDICAL).aggregate(
            total=Sum("monthly_amount")
        )["total"] or Decimal("0.00")
        cap = (monthly * 12 * value).quantize(CENT)
        return cap, _("医疗自付 %(m)s 元/月 × 12 × %(share)s") % {"m": monthly, "share": value}
    students = file.household_members.filter(status=MemberStatus.STUDENT).count()
    return (value * students).quantize(CENT), _("每名在学成员 %(v)s 元 × %(n)s 人") % {
        "v": value,
        "n": students,
    }


def household_allowance(
    person: Person,
    item: str,
    year: int,
    *,
    on_date: datetime.date,
    exclude_pk: int | None = None,
    lock: bool = False,
) -> Allowance | None:
    """The household's allowance for `item` in `year`, or None when no household cap applies."""
    if not item or not AssistanceStandard.objects.filter(item=item).exists():
        return None
    file = household_file_of(person, lock=lock)
    if file is None or not file.hardship_level:
        return None
    standard = AssistanceStandard.objects.filter(
        item=item, hardship_level=file.hardship_level
    ).first()
    if standard is None:
        return None
    cap, basis = _cap(file, standard, on_date)
    used = Payment.objects.filter(
        person_id__in=household_person_ids(file),
        year=year,
        assistance_item=item,
        status__in=COMMITTED,
    )
    if exclude_pk is not None:
        used = used.exclude(pk=exclude_pk)
    total = (used.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")).quantize(CENT)
    return Allowance(file=file, item=item, year=year, cap=cap, used=total, basis=basis)


def household_allowances(payments: list[Payment], on_date: datetime.date) -> dict[int, Allowance]:
    """`household_allowance` of many payments at once (the bulk approval), by payment pk, for
    those a household cap applies to; the files must already be locked (`lock_household_files`).

    Per payment, the single path reads the standard, the file, its members and the household's
    committed sum (six or seven queries: 3,000 for a bulk of 500 hardship payments). Here each is
    one query for the whole set; only the cap of a basis that reads the file (months of the 低保
    line, self-paid medical costs, members in school) is still read per file and item."""
    items = {p.assistance_item for p in payments if p.assistance_item}
    standards = {
        (s.item, s.hardship_level): s for s in AssistanceStandard.objects.filter(item__in=items)
    }
    standard_items = {item for item, _level in standards}
    wanted = [p for p in payments if p.assistance_item in standard_items]
    if not wanted:
        return {}
    people = {p.person.pk: p.person for p in wanted}
    live = Case.objects.filter(category=CaseCategory.HARDSHIP).exclude(status=CaseStatus.CLOSED)
    file_of: dict[int, int] = {}  # person → the lowest live file they head or belong to
    for pk, person_id in live.filter(person_id__in=people).values_list("pk", "person_id"):
        file_of[person_id] = min(pk, file_of.get(person_id, pk))
    person_of_number = {person.id_number: pk for pk, person in people.items()}
    for case_id, number in HouseholdMember.objects.filter(
        id_number__in=person_of_number, case__in=live
    ).values_list("case_id", "id_number"):
        person_id = person_of_number[number]
        file_of[person_id] = min(case_id, file_of.get(person_id, case_id))
    files = Case.objects.select_related("person__organisation").in_bulk(set(file_of.values()))
    households = _households(files)
    committed = _committed_by_person(households, {p.year for p in wanted}, standard_items)
    caps: dict[tuple[int, str], tuple[Decimal, str]] = {}
    allowances: dict[int, Allowance] = {}
    for p in wanted:
        file = files.get(file_of.get(p.person.pk, 0))
        standard = standards.get((p.assistance_item, file.hardship_level)) if file else None
        if file is None or standard is None:
            continue
        key = (file.pk, p.assistance_item)
        if key not in caps:
            caps[key] = _cap(file, standard, on_date)
        cap, basis = caps[key]
        used = sum(
            (
                committed.get((pk, p.year, p.assistance_item), Decimal("0.00"))
                for pk in households[file.pk]
            ),
            Decimal("0.00"),
        )
        if p.status in COMMITTED:  # as `exclude_pk`: the payment decided is not its own use
            used -= p.amount
        allowances[p.pk] = Allowance(
            file=file,
            item=p.assistance_item,
            year=p.year,
            cap=cap,
            used=used.quantize(CENT),
            basis=basis,
        )
    return allowances


def _households(files: dict[int, Case]) -> dict[int, set[int]]:
    """File pk → the person ids of its household (`household_person_ids`), in two queries."""
    numbers: dict[int, list[str]] = {}
    for case_id, number in HouseholdMember.objects.filter(case_id__in=files).values_list(
        "case_id", "id_number"
    ):
        numbers.setdefault(case_id, []).append(number)
    wanted = {n for found in numbers.values() for n in found}
    person_of = dict(Person.objects.filter(id_number__in=wanted).values_list("id_number", "pk"))
    return {
        pk: {file.person_id, *(person_of[n] for n in numbers.get(pk, []) if n in person_of)}
        for pk, file in files.items()
    }


def _committed_by_person(
    households: dict[int, set[int]], years: set[int], items: set[str]
) -> dict[tuple[int, int, str], Decimal]:
    """(person, year, item) → committed money, for every person of those households."""
    people = {pk for members in households.values() for pk in members}
    rows = (
        Payment.objects.filter(
            person_id__in=people, year__in=years, assistance_item__in=items, status__in=COMMITTED
        )
        .order_by()
        .values("person_id", "year", "assistance_item")
        .annotate(total=Sum("amount"))
        .values_list("person_id", "year", "assistance_item", "total")
    )
    return {(person, year, item): total for person, year, item, total in rows}


def raise_if_over_household_cap(payment: Payment, allowance: Allowance | None) -> None:
    if allowance is None or allowance.used + payment.amount <= allowance.cap:
        return
    raise HouseholdCapExceeded(
        _(
            "该户（档案 %(file)s）%(year)s 年“%(item)s”已获 %(used)s 元，加上本笔 %(amount)s 元"
            "将超过家庭年度上限 %(cap)s 元（%(basis)s），剩余额度 %(left)s 元。"
        )
        % {
            "file": allowance.file.pk,
            "year": allowance.year,
            "item": allowance.item_label,
            "used": allowance.used,
            "amount": payment.amount,
            "cap": allowance.cap,
            "basis": allowance.basis,
            "left": allowance.remaining,
        }
    )

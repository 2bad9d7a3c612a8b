"""The allocation import (下拨表): one row per union with its amount and places.

The file describes the allocations it names as they should be afterwards; unions it does not
name keep theirs. It is checked as a whole (every row, then the resulting plan against the
budget and for overlapping unions) and applied all or nothing through
`payments.services.allocate_campaign`, lowering allocations before raising others so the budget
holds at every step.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Organisation
from cases.transfers.files import read_table
from core.errors import RuleViolation
from uploads.flow import Problem

from ..models import Allocation, Campaign
from ..services.allocations import (
    allocate_campaign,
    check_allocation_plan,
    parse_allocation_amount,
    parse_places,
    raise_if_below_committed,
)

UNIT, AMOUNT, PLACES = "单位", "下拨金额", "名额"
COLUMNS = (UNIT, AMOUNT, PLACES)


@dataclass
class AllocationFile:
    rows: int = 0
    plan: list[tuple[Organisation, Decimal, int]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "unions": len(self.plan),
            "total_amount": str(sum((a for _o, a, _p in self.plan), Decimal("0.00"))),
            "total_places": sum(p for _o, _a, p in self.plan),
        }


def check_allocation_file(data: bytes, campaign: Campaign) -> AllocationFile:
    """Every problem by row and column, and the plan when there is none; nothing is written."""
    table = read_table(data, columns=COLUMNS)
    result = AllocationFile()
    subtree = Organisation.objects.filter(path__startswith=campaign.organisation.path)
    by_code = {o.code: o for o in subtree}
    by_name = {o.name: o for o in by_code.values()}
    seen: dict[int, int] = {}
    for row in table.rows:
        result.rows += 1
        unit = row.get(UNIT).strip()
        organisation = by_code.get(unit) or by_name.get(unit)
        problems = []
        if not unit:
            problems.append(Problem(row.number, UNIT, _("请填写单位代码或名称。")))
        elif organisation is None:
            problems.append(
                Problem(
                    row.number,
                    UNIT,
                    _("“%(unit)s”不是本活动范围（%(org)s）内的单位。")
                    % {"unit": unit, "org": campaign.organisation},
                )
            )
        elif organisation.pk in seen:
            problems.append(
                Problem(
                    row.number,
                    UNIT,
                    _("与第 %(row)s 行重复。") % {"row": seen[organisation.pk]},
                )
            )
        amount = places = None
        try:
            amount = parse_allocation_amount(row.get(AMOUNT))
        except RuleViolation as exc:
            problems.append(Problem(row.number, AMOUNT, exc.message))
        try:
            places = parse_places(row.get(PLACES))
        except RuleViolation as exc:
            problems.append(Problem(row.number, PLACES, exc.message))
        if problems or organisation is None or amount is None or places is None:
            result.errors += problems
            continue
        seen[organisation.pk] = row.number
        result.plan.append((organisation, amount, places))
    if not result.errors:
        result.errors += _check_plan(campaign, result.plan, seen)
    return result


def _check_plan(campaign, plan, rows_of) -> list[Problem]:
    """The allocations as they would be after the import, each checked against all the others."""
    existing = {
        a.organisation_id: a
        for a in Allocation.objects.filter(campaign=campaign).select_related("organisation")
    }
    final = dict(existing)
    for organisation, amount, places in plan:
        final[organisation.pk] = Allocation(
            campaign=campaign, organisation=organisation, amount=amount, places=places
        )
    problems = []
    for organisation, amount, places in plan:
        others = [a for pk, a in final.items() if pk != organisation.pk]
        try:
            check_allocation_plan(campaign, organisation, amount, places, others)
            if organisation.pk in existing:
                raise_if_below_committed(existing[organisation.pk], amount, places)
        except RuleViolation as exc:
            problems.append(Problem(rows_of[organisation.pk], UNIT, exc.message))
    return problems


def import_allocations(data: bytes, campaign: Campaign, *, by) -> AllocationFile:
    """Check the file, then apply every row or none."""
    result = check_allocation_file(data, campaign)
    if result.errors:
        return result
    current = dict(
        Allocation.objects.filter(campaign=campaign).values_list("organisation_id", "amount")
    )
    # Lower first, so the running total never passes the budget on the way.
    ordered = sorted(result.plan, key=lambda item: item[1] - current.get(item[0].pk, Decimal("0")))
    with transaction.atomic():
        for organisation, amount, places in ordered:
            allocate_campaign(
                campaign,
                organisation,
                by=by,
                amount=amount,
                places=places,
                reason=gettext_noop("导入下拨表"),
            )
    return result

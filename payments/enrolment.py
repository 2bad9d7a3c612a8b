"""按条件批量起草: choose the cases of a campaign by category, tier, flags and unit; preview who
would get a payment at the standard amount and who is skipped and why; then draft (and
optionally submit) them in a background job through the same `draft_payment` / `submit_payment`
as single drafting.

The preview reads everything it needs in a fixed number of queries (cases, standards, live
payments, year totals, current hardship files), whatever the number of people. "File not
approved" is the hardship engineer's rule (`cases.selectors.current_files`, the set form of
`person_has_current_file`): a hardship payment needs a file in file and reviewed for the year,
which approval enforces too.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseCategory, CaseStatus, Organisation
from cases.selectors import cases_visible_to, current_files
from core.errors import RuleViolation

from . import services
from .models import LIVE_STATUSES, Campaign, CampaignStandard, Payment
from .selectors import COMMITTED, ZERO
from .selectors_allocations import AllocationRow, allocation_rows, allocations_visible_to

FLAGS = {
    "frontline": "person__is_frontline_medical",
    "hubei": "person__is_hubei_team",
    "model_worker": "person__is_model_worker",
    "disabled": "person__is_disabled",
}


@dataclass
class Filters:
    category: str
    hardship_level: str = ""
    flags: tuple[str, ...] = ()
    organisation_id: int | None = None

    def as_params(self) -> dict:
        return {
            "category": self.category,
            "hardship_level": self.hardship_level,
            "flags": list(self.flags),
            "organisation_id": self.organisation_id,
        }

    @classmethod
    def from_params(cls, params: dict) -> "Filters":
        return cls(
            category=params["category"],
            hardship_level=params.get("hardship_level") or "",
            flags=tuple(params.get("flags") or ()),
            organisation_id=params.get("organisation_id"),
        )


@dataclass
class Skipped:
    case: Case
    reason: str


@dataclass
class Preview:
    included: list[tuple[Case, Decimal]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    allocations: list[AllocationRow] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((amount for _c, amount in self.included), ZERO)

    @property
    def allocation_left(self) -> Decimal | None:
        if not self.allocations:
            return None
        return sum((r.remaining for r in self.allocations), ZERO)


def candidate_cases(user, campaign: Campaign, filters: Filters):
    qs = (
        cases_visible_to(user)
        .filter(
            category=filters.category,
            status__in=(CaseStatus.OPEN, CaseStatus.VERIFIED),
            organisation__path__startswith=campaign.organisation.path,
        )
        .select_related("person", "organisation")
    )
    if filters.hardship_level:
        qs = qs.filter(hardship_level=filters.hardship_level)
    for flag in filters.flags:
        qs = qs.filter(**{FLAGS[flag]: True})
    if filters.organisation_id:
        unit = Organisation.objects.filter(pk=filters.organisation_id).values("path")
        qs = qs.filter(organisation__path__startswith=Subquery(unit[:1]))
    return qs.order_by("organisation__tree_order", "person__name", "id")


def preview_enrolment(user, campaign: Campaign, filters: Filters) -> Preview:
    cases = list(candidate_cases(user, campaign, filters))
    person_ids = [c.person_id for c in cases]
    standards = {
        (s.category, s.hardship_level): s.amount
        for s in CampaignStandard.objects.filter(campaign=campaign, category=filters.category)
    }
    live = set(
        Payment.objects.filter(
            campaign=campaign, person_id__in=person_ids, status__in=LIVE_STATUSES
        ).values_list("person_id", flat=True)
    )
    year_totals = dict(
        Payment.objects.filter(person_id__in=person_ids, year=campaign.year, status__in=COMMITTED)
        .values("person_id")
        .annotate(total=Sum("amount"))
        .values_list("person_id", "total")
    )
    filed = set(
        current_files(timezone.localdate())
        .filter(person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )
    preview = Preview(allocations=allocation_rows(list(allocations_visible_to(user, campaign))))
    for case in cases:
        standard = standards.get((case.category, case.hardship_level)) or standards.get(
            (case.category, "")
        )
        already = Decimal(year_totals.get(case.person_id) or 0)
        if case.person_id in live:
            reason = _("本活动中已有一笔有效的慰问金")
        elif case.category == CaseCategory.HARDSHIP and case.person_id not in filed:
            reason = _("困难档案未审批（未在档或未完成本年度复核）")
        elif standard is None:
            reason = _("本活动没有该类别的标准金额")
        elif already + standard > campaign.annual_cap:
            reason = _("超过每人年度上限：%(year)s 年已获 %(already)s 元") % {
                "year": campaign.year,
                "already": already.quantize(Decimal("0.01")),
            }
        else:
            preview.included.append((case, standard))
            continue
        preview.skipped.append(Skipped(case, reason))
    return preview


@dataclass
class Outcome:
    drafted: int = 0
    submitted: int = 0
    total: Decimal = ZERO
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # name, unit, reason


def enrol(user, campaign: Campaign, filters: Filters, *, submit: bool, progress=None) -> Outcome:
    """Draft (and submit) a payment at the standard amount for every case the preview includes,
    one service call each; a refusal skips that person with its reason and the rest go on."""
    preview = preview_enrolment(user, campaign, filters)
    outcome = Outcome(
        skipped=[(s.case.person.name, str(s.case.organisation), s.reason) for s in preview.skipped]
    )
    total = len(preview.included)
    for index, (case, _amount) in enumerate(preview.included, start=1):
        try:
            payment = services.draft_payment(case, campaign, by=user)
            outcome.drafted += 1
            outcome.total += payment.amount
            if submit:
                services.submit_payment(payment, by=user)
                outcome.submitted += 1
        except RuleViolation as exc:
            outcome.skipped.append((case.person.name, str(case.organisation), exc.message))
        if progress is not None:
            progress(index, total)
    return outcome

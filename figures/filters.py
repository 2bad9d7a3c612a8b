"""The statistics filters, read from a query string, checked, and written back into links.

Every figure on the page links to its list with the page's filters plus the figure's own
coordinates (which movement, campaign kind, funding source, tier, month, campaign), so the list
counts exactly what the figure counts.
"""

import datetime
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseCategory, HardshipLevel, Organisation, Sector, VisitKind
from cases.models.cases import Occasion
from cases.selectors import organisations_visible_to
from core.numbers import as_id
from payments.models import AssistanceItem, CampaignKind, FundingSource

FIRST_YEAR = 2000
NO_TIER = "none"  # payments of cases without a hardship tier
NO_SECTOR = "none"  # organisations without a sector (the federation itself)
NO_OCCASION = "none"
NO_ITEM = "none"  # payments drafted before assistance items existed
FIGURES = ("net", "paid", "reversed", "pending", "kept")  # the money lists' figures
FLAGS = ("is_frontline_medical", "is_hubei_team")
TIERS = (*HardshipLevel.values, NO_TIER)


@dataclass(frozen=True)
class StatFilter:
    """The page's filters and, for a list, the coordinates of the figure it lists."""

    year: int
    organisation: Organisation | None = None
    sector: str = ""
    kind: str = ""
    category: str = ""
    # A figure's coordinates (lists only).
    figure: str = "net"
    source: str = ""
    item: str = ""
    tier: str = ""
    month: int | None = None
    campaign: int | None = None
    own: bool = False  # the organisation alone, not its subtree (a union's 本级 figures)
    occasion: str = ""
    visit_kind: str = ""
    flag: str = ""
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def filter_labels(self) -> list[tuple[str, str]]:
        """The filters as a reader names them, for a list's subtitle: (行业, 卫生)."""
        labels = []
        if self.sector:
            labels.append((_("行业"), sector_label(self.sector)))
        if self.kind:
            labels.append((_("活动类型"), str(CampaignKind(self.kind).label)))
        if self.category:
            labels.append((_("个案类别"), str(CaseCategory(self.category).label)))
        if self.occasion:  # a visit figure's coordinates
            occasion = Occasion(self.occasion).label if self.occasion in Occasion.values else None
            labels.append((_("慰问节日"), str(occasion or _("非节日慰问"))))
        if self.visit_kind:
            labels.append((_("走访方式"), str(VisitKind(self.visit_kind).label)))
        return labels

    @property
    def start(self) -> datetime.datetime:
        return _local_midnight(datetime.date(self.year, self.month or 1, 1))

    @property
    def end(self) -> datetime.datetime:
        """Exclusive end of the period: the next year, or the next month for a month's list."""
        if self.month is None:
            return _local_midnight(datetime.date(self.year + 1, 1, 1))
        if self.month == 12:
            return _local_midnight(datetime.date(self.year + 1, 1, 1))
        return _local_midnight(datetime.date(self.year, self.month + 1, 1))

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def params(self, **overrides) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), with `overrides` applied."""
        values = {
            "year": str(self.year),
            "organisation": str(self.organisation.pk) if self.organisation else "",
            "sector": self.sector,
            "kind": self.kind,
            "category": self.category,
        }
        values.update({k: "" if v is None or v is False else str(v) for k, v in overrides.items()})
        return {k: v for k, v in values.items() if v}

    def query(self, **overrides) -> str:
        return urlencode(self.params(**overrides))

    def with_figure(self, **coordinates) -> "StatFilter":
        return replace(self, **coordinates)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _choice(params, name: str, choices, label: str, errors: list[str]) -> str:
    value = params.get(name, "").strip()
    if value and value not in choices:
        errors.append(
            _("“%(label)s”的值“%(value)s”无效，已忽略。") % {"label": label, "value": value}
        )
        return ""
    return value


def sector_label(code: str) -> str:
    return str(Sector(code).label) if code in Sector.values else _("未分行业")


def parse_filters(
    user, params, *, with_figure: bool = False, figures: tuple[str, ...] = FIGURES
) -> StatFilter:
    """The filters of `params`; a bad value is named in `errors` and left out, never guessed.
    A list's `figure` is one of `figures` (the first when none is given).

    An organisation outside the user's scope is a 404 like every out-of-scope record.
    """
    errors: list[str] = []
    this_year = timezone.localdate().year
    year = this_year
    raw_year = params.get("year", "").strip()
    if raw_year:
        number = as_id(raw_year)
        if number is None or not FIRST_YEAR <= number <= this_year + 1:
            errors.append(
                _("年度“%(value)s”无效：请填写 %(first)s 至 %(last)s 之间的年份。")
                % {"value": raw_year, "first": FIRST_YEAR, "last": this_year + 1}
            )
        else:
            year = number
    organisation = None
    raw_org = params.get("organisation", "").strip()
    if raw_org:
        pk = as_id(raw_org)
        organisation = organisations_visible_to(user).filter(pk=pk).first() if pk else None
        if organisation is None:
            raise Http404
    values: dict[str, Any] = {
        "year": year,
        "organisation": organisation,
        "sector": _choice(params, "sector", [*Sector.values, NO_SECTOR], _("行业"), errors),
        "kind": _choice(params, "kind", CampaignKind.values, _("活动类型"), errors),
        "category": _choice(params, "category", CaseCategory.values, _("个案类别"), errors),
    }
    if with_figure:
        values["figure"] = _choice(params, "figure", figures, _("指标"), errors) or figures[0]
        values["source"] = _choice(params, "source", FundingSource.values, _("经费来源"), errors)
        values["tier"] = _choice(params, "tier", TIERS, _("困难类别"), errors)
        values["item"] = _choice(
            params, "item", [*AssistanceItem.values, NO_ITEM], _("救助项目"), errors
        )
        for name, low, high, label in (("month", 1, 12, _("月份")), ("campaign", 1, None, "")):
            raw = params.get(name, "").strip()
            number = as_id(raw) if raw else None
            if raw and (number is None or number < low or (high and number > high)):
                errors.append(
                    _("“%(label)s”的值“%(value)s”无效，已忽略。")
                    % {"label": label or _("慰问活动"), "value": raw}
                )
                number = None
            values[name] = number
        values["own"] = params.get("own", "") == "True" and organisation is not None
        values["flag"] = _choice(params, "flag", FLAGS, _("标记"), errors)
        values["occasion"] = _choice(
            params, "occasion", [*Occasion.values, NO_OCCASION], _("慰问节日"), errors
        )
        values["visit_kind"] = _choice(
            params, "visit_kind", VisitKind.values, _("走访方式"), errors
        )
    return StatFilter(**values, errors=tuple(errors))

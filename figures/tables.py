"""The page's tables and charts, built from the selectors' aggregates.

Each row carries its label, its figures and the query string of the list behind each figure,
so the template only prints. A constant number of queries, whatever the number of rows: every
table is a roll-up in Python of the same GROUP BY (`selectors.money_groups`).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from cases.models import HardshipLevel, Sector
from payments.models import AssistanceItem, CampaignKind, FundingSource

from . import selectors as s
from .filters import NO_ITEM, NO_SECTOR, NO_TIER, StatFilter

MOVEMENTS = ("paid", "reversed", "net", "pending")


def item_label(code: str) -> str:
    return str(AssistanceItem(code).label) if code in AssistanceItem.values else _("未填救助项目")


def tier_label(code: str) -> str:
    return str(HardshipLevel(code).label) if code in HardshipLevel.values else _("不分档")


@dataclass
class MoneyRow:
    label: str
    money: s.Money
    links: dict[str, str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _row(f: StatFilter, label: str, money: s.Money, **coordinates) -> MoneyRow:
    links = {m: f.query(figure=m, **coordinates) for m in MOVEMENTS}
    return MoneyRow(label, money, links)


@dataclass
class Statistics:
    f: StatFilter
    total: MoneyRow
    by_kind_source_tier: list[MoneyRow]
    by_kind: list[MoneyRow]
    by_sector: list[MoneyRow]
    by_union: list[MoneyRow]
    months: list[MoneyRow]
    campaigns: list[MoneyRow]
    allocations: list[MoneyRow]
    tiers_by_kind: dict  # chart: kind labels × tier series
    files: s.files.FileFigures
    file_links: dict[str, str]
    file_tiers: list[dict]
    visits: list[dict]
    visit_kinds: list[tuple[str, str]]
    coverage: list[dict]
    recuperation: list

    def chart_data(self) -> dict:
        """What the charts draw: the same numbers as the tables beside them."""

        def bars(rows):
            return {"labels": [r.label for r in rows], "values": [str(r.money.net) for r in rows]}

        return {
            "union": bars(self.by_union),
            "sector": bars(self.by_sector),
            "months": {
                "labels": [r.label for r in self.months],
                "paid": [str(r.money.paid) for r in self.months],
                "reversed": [str(r.money.reversed) for r in self.months],
                "net": [str(r.money.net) for r in self.months],
            },
            "tiers": self.tiers_by_kind,
            "names": {
                "net": _("净发放金额（元）"),
                "paid": _("发放"),
                "reversed": _("冲销"),
            },
        }


def build_statistics(user, f: StatFilter) -> Statistics:
    organisations = s.OrganisationMap(user, f)
    groups = s.money_groups(user, f)
    total = s.Money()
    for group in groups:
        total.add(group.money)

    kst = s.roll_up(groups, lambda g: (g.kind, g.source, g.tier))
    kist = s.roll_up(groups, lambda g: (g.kind, g.item, g.source, g.tier))
    kind_order = {k: i for i, k in enumerate(CampaignKind.values)}
    source_order = {k: i for i, k in enumerate(FundingSource.values)}
    tier_order = {k: i for i, k in enumerate((*HardshipLevel.values, NO_TIER))}
    item_order = {k: i for i, k in enumerate((*AssistanceItem.values, NO_ITEM))}
    by_kind_source_tier = [
        _row(
            f,
            " · ".join(
                (
                    str(CampaignKind(kind).label),
                    item_label(item),
                    str(FundingSource(source).label),
                    tier_label(tier),
                )
            ),
            money,
            kind=kind,
            item=item,
            source=source,
            tier=tier,
        )
        for (kind, item, source, tier), money in sorted(
            kist.items(),
            key=lambda entry: (
                kind_order[entry[0][0]],
                item_order[entry[0][1]],
                source_order[entry[0][2]],
                tier_order[entry[0][3]],
            ),
        )
    ]
    kinds = s.roll_up(groups, lambda g: g.kind)
    by_kind = [
        _row(f, str(CampaignKind(kind).label), kinds[kind], kind=kind)
        for kind in CampaignKind.values
        if kind in kinds
    ]

    sectors = s.roll_up(groups, lambda g: organisations.sector_of(g.organisation) or NO_SECTOR)
    sector_codes = [c for c in (*Sector.values, NO_SECTOR) if c in sectors]
    by_sector = [_row(f, s.sector_label(code), sectors[code], sector=code) for code in sector_codes]

    unions = s.roll_up(groups, lambda g: organisations.union_of(g.organisation))
    by_union = []
    for pk, money in sorted(unions.items(), key=lambda item: organisations.union_order(item[0])):
        own = organisations.anchor is not None and pk == organisations.anchor.pk
        by_union.append(
            _row(f, organisations.union_label(pk), money, organisation=pk, own=own or None)
        )

    months = [
        _row(f, _("%(m)s月") % {"m": number}, money, month=number)
        for number, money in enumerate(s.monthly(user, f), start=1)
    ]

    per_campaign = s.roll_up(groups, lambda g: g.campaign)
    campaigns = []
    campaign_objs = list(s.campaigns_of(user, f, set(per_campaign)))
    for campaign in campaign_objs:
        money = per_campaign.get(campaign.pk, s.Money())
        row = _row(f, campaign.name, money, campaign=campaign.pk)
        row.extra = {"budget": campaign.budget, "rate": _rate(money.net, campaign.budget)}
        campaigns.append(row)

    allocations = _allocation_rows(user, f, groups, organisations, [c.pk for c in campaign_objs])

    files = s.file_figures(user, f)
    return Statistics(
        f=f,
        total=_row(f, _("合计"), total),
        by_kind_source_tier=by_kind_source_tier,
        by_kind=by_kind,
        by_sector=by_sector,
        by_union=by_union,
        months=months,
        campaigns=campaigns,
        allocations=allocations,
        tiers_by_kind=_tiers_by_kind(kst),
        files=files,
        file_links=_file_links(f),
        file_tiers=[
            {
                "label": str(level.label),
                "count": files.in_file[level.value],
                "link": f.query(figure="in_file", tier=level.value),
            }
            for level in HardshipLevel
        ],
        visits=_visit_rows(user, f),
        visit_kinds=s.activity.visit_kinds(),
        coverage=_coverage_rows(user, f),
        recuperation=s.recuperation(user, f),
    )


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))


def _allocation_rows(user, f, groups, organisations, campaign_ids) -> list[MoneyRow]:
    """Each allocation's execution: the groups of its campaign inside its union's subtree."""
    rows = []
    for allocation in s.allocations_of(user, f, campaign_ids):
        money = s.Money()
        for group in groups:
            if group.campaign == allocation.campaign_id and organisations.in_subtree(
                group.organisation, allocation.organisation_id
            ):
                money.add(group.money)
        label = f"{allocation.campaign.name} → {allocation.organisation.name}"
        row = _row(
            f,
            label,
            money,
            campaign=allocation.campaign_id,
            organisation=allocation.organisation_id,
        )
        row.extra = {
            "budget": allocation.amount,
            "places": allocation.places,
            "rate": _rate(money.net, allocation.amount),
        }
        rows.append(row)
    return rows


def _tiers_by_kind(kst: dict) -> dict:
    """Net amount per campaign kind, stacked by tier (the chart of tiers)."""
    kinds = [k for k in CampaignKind.values if any(key[0] == k for key in kst)]
    series = []
    for tier in (*HardshipLevel.values, NO_TIER):
        values = [
            sum((m.net for (k, _src, t), m in kst.items() if k == kind and t == tier), Decimal(0))
            for kind in kinds
        ]
        if any(values):
            series.append({"name": tier_label(tier), "values": [str(v) for v in values]})
    return {"labels": [str(CampaignKind(k).label) for k in kinds], "series": series}


def _file_links(f: StatFilter) -> dict[str, str]:
    links = {figure: f.query(figure=figure) for figure in s.FILE_FIGURES}
    links["reviewed"] = f.query(figure="reviewed")
    for level in HardshipLevel.values:
        links[f"in_file_{level}"] = f.query(figure="in_file", tier=level)
    return links


def _visit_rows(user, f: StatFilter) -> list[dict]:
    counts = s.visit_counts(user, f)
    kinds = s.activity.visit_kinds()
    rows = []
    for occasion, label in s.activity.occasion_choices():
        cells = [
            {
                "label": kind_label,
                "count": counts.get((occasion, kind), 0),
                "link": f.query(occasion=occasion, visit_kind=kind),
            }
            for kind, kind_label in kinds
        ]
        total = sum(c["count"] for c in cells)
        if total:
            rows.append(
                {"label": label, "cells": cells, "total": total, "link": f.query(occasion=occasion)}
            )
    return rows


def _coverage_rows(user, f: StatFilter) -> list[dict]:
    """Flagged people link to the people list with the flag; reached, to the payments paid."""
    labels = {"frontline": _("抗疫一线医务人员"), "hubei_team": _("援鄂医疗队员")}
    rows = []
    for key, figures in s.coverage(user, f).items():
        flag, kind = s.activity.COVERAGE[key]
        people = {"flag": flag}
        if f.organisation is not None:
            people["organisation"] = str(f.organisation.pk)
        if f.sector:
            people["sector"] = f.sector
        rows.append(
            {
                "label": labels[key],
                "figures": figures,
                "people_link": urlencode(people),
                "reached_link": f.query(figure="kept", kind=kind, flag=flag),
            }
        )
    return rows

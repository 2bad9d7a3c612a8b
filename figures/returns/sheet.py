"""The return's content: a title block, sections of rows, and the signature lines.

A Chinese paper form: its fixed words are the form's own and are not translated (as the
letters and rosters).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from core.chinese import date_in_chinese

from ..filters import StatFilter
from ..tables import MoneyRow, Statistics, build_statistics


@dataclass(frozen=True)
class Line:
    """One row of a section; `values` are numbers (int for 户/人次, Decimal for 元)."""

    label: str
    values: tuple[int | Decimal | None, ...]
    total: bool = False

    @property
    def texts(self) -> list[str]:
        """The values as printed on paper: 1,200.00 for yuan, 1,200 for counts."""
        return [
            "" if v is None else f"{v:,.2f}" if isinstance(v, Decimal) else f"{v:,}"
            for v in self.values
        ]


@dataclass
class Section:
    title: str
    headers: tuple[str, ...]
    lines: list[Line] = field(default_factory=list)

    @property
    def money(self) -> bool:
        """Paid, reversed, net and pending, each as 人次 and 元: the PDF sizes these columns."""
        return self.headers == MONEY_HEADERS


@dataclass
class ReturnSheet:
    title: str
    issuer: str
    period: str
    unit: str
    filled_on: str
    sections: list[Section]
    filters: str

    @property
    def width(self) -> int:
        return 1 + max(len(s.headers) for s in self.sections)


MONEY_HEADERS = (
    "发放人次",
    "发放金额",
    "冲销人次",
    "冲销金额",
    "净人次",
    "净金额",
    "已审批未发放人次",
    "已审批未发放金额",
)


def _money_line(row: MoneyRow, *, total: bool = False) -> Line:
    m = row.money
    values = (m.paid_n, m.paid, m.reversed_n, m.reversed, m.net_n, m.net, m.pending_n, m.pending)
    return Line(row.label, values, total)


def _money_section(title: str, rows: list[MoneyRow], stats: Statistics) -> Section:
    lines = [_money_line(r) for r in rows]
    lines.append(_money_line(stats.total, total=True))
    return Section(title, MONEY_HEADERS, lines)


def _filters_text(f: StatFilter) -> str:
    parts = []
    if f.sector:
        parts.append(f"行业：{f.sector}")
    if f.kind:
        parts.append(f"活动类型：{f.kind}")
    if f.category:
        parts.append(f"个案类别：{f.category}")
    return "；".join(parts)


def build_return(
    user, f: StatFilter, *, filled_on: datetime.date, stats: Statistics | None = None
) -> ReturnSheet:
    """The return of `f` for `user`; from `stats` when the caller has built them already."""
    if stats is None:
        stats = build_statistics(user, f)
    issuer = f.organisation or getattr(user, "organisation", None)
    files = stats.files
    file_section = Section(
        "一、困难职工建档情况",
        ("户数",),
        [
            *(Line(f"期末在档：{t['label']}", (t["count"],)) for t in stats.file_tiers),
            Line("期末在档合计", (files.in_file_total,), total=True),
            Line("本年新建档", (files.new,)),
            Line("本年脱困", (files.exited,)),
            Line("本年返困", (files.returned,)),
            Line("本年退档", (files.withdrawn,)),
            Line("年度复核已完成", (files.reviewed,)),
            Line("年度应复核", (files.due,)),
        ],
    )
    visits = Section(
        "六、走访慰问（次）",
        tuple(label for _code, label in stats.visit_kinds) + ("合计",),
        [
            Line(row["label"], (*(c["count"] for c in row["cells"]), row["total"]))
            for row in stats.visits
        ],
    )
    care = Section(
        "七、医务人员关爱和疗休养",
        ("人数", "已慰问人数", "费用（元）"),
        [
            *(
                Line(c["label"], (c["figures"].flagged, c["figures"].reached, None))
                for c in stats.coverage
            ),
            *(Line(f"{r.label}（参加）", (r.places, None, r.cost)) for r in stats.recuperation),
        ],
    )
    return ReturnSheet(
        title=f"{f.year}年度困难职工建档和帮扶情况统计表",
        issuer=issuer.name if issuer else "",
        period=f"{date_in_chinese(f.first_day)}至{date_in_chinese(f.last_day)}",
        unit="单位：户、人次、元",
        filled_on=date_in_chinese(filled_on),
        sections=[
            file_section,
            _money_section("二、帮扶资金（按活动类型）", stats.by_kind, stats),
            _money_section(
                "三、帮扶资金（按活动类型、救助项目、经费来源和困难类别）",
                stats.by_kind_source_tier,
                stats,
            ),
            _money_section("四、帮扶资金（按行业）", stats.by_sector, stats),
            _money_section("五、帮扶资金（按单位）", stats.by_union, stats),
            visits,
            care,
        ],
        filters=_filters_text(f),
    )

"""The leader's year-end, as the issue's "Done means" tells it: open 统计 for 2026, click a figure
into its list, download the return and the ledger, open both in LibreOffice, and the totals match
the payments list to the fen."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from tests.audit_helpers import assert_audit_intact
from tests.figures.conftest import campaign, walk  # noqa: F401 - payments walked in time
from tests.figures.spreadsheets import section_rows, yuan
from tests.payments.spreadsheets import libreoffice_rows


def test_the_leader_reads_the_year_and_the_files_agree_with_the_list(
    client,
    leader,
    union_a,
    walk,  # noqa: F811
):
    day = datetime.date
    walk("paid", paid_on=day(2026, 1, 12), hardship_level="deep")  # 800
    walk("paid", paid_on=day(2026, 3, 12))  # 500
    walk("paid", union="b", paid_on=day(2026, 3, 20))  # 500, the other union
    walk("reversed", paid_on=day(2026, 4, 1), reversed_on=day(2026, 9, 1))  # 500 − 500

    client.force_login(leader)
    page = client.get(reverse("figures:statistics"), {"year": 2026})
    assert page.status_code == 200
    body = page.content.decode()
    for chart in ("chart-union", "chart-sector", "chart-months", "chart-tiers"):
        assert f'id="{chart}"' in body
    stats = page.context["stats"]
    assert (stats.total.money.net_n, stats.total.money.net) == (3, Decimal("1800.00"))

    # Click union A's net figure: its list adds up to it.
    row = next(r for r in stats.by_union if r.label == union_a.name)
    href = f"{reverse('figures:payments')}?{row.links['net']}"
    assert href.replace("&", "&amp;") in body
    listed = client.get(href)
    assert listed.context["total"].net == row.money.net == Decimal("1300.00")
    references = {p.reference for p in listed.context["page"]}

    # The return, opened in a spreadsheet: its 合计 is the list of everything's total.
    everything = client.get(reverse("figures:payments"), {"year": 2026, "figure": "net"})
    rows = libreoffice_rows(
        client.get(reverse("figures:return", args=["xlsx"]), {"year": 2026}).content
    )
    section = section_rows(rows, "五、")  # by union
    header = section[0]
    total = next(r for r in section if r[0] == "合计")
    assert Decimal(yuan(total[header.index("净金额")])) == everything.context["total"].net
    union_line = next(r for r in section if r[0] == union_a.name)
    assert Decimal(yuan(union_line[header.index("净金额")])) == Decimal("1300.00")

    # The ledger of union A for 2026, opened in a spreadsheet, holds the same payments.
    ledger = client.get(
        reverse("payments:ledger_download"), {"year": 2026, "organisation": union_a.pk}
    )
    assert ledger.status_code == 200
    ledger_rows = libreoffice_rows(ledger.content)
    text = "\n".join(",".join(r) for r in ledger_rows)
    for reference in references:
        assert reference in text
    written = next(r[0] for r in ledger_rows if r and r[0].startswith("合计金额（小写）"))
    amount = Decimal(yuan(re.search(r"¥([\d,.-]+)", written).group(1)))
    assert amount == listed.context["total"].net
    assert_audit_intact()

"""GET /api/v1/statistics/: the page's figures as JSON, scoped and refused like the page."""

import datetime
from decimal import Decimal

from api.services import create_token
from tests.figures.conftest import campaign, walk  # noqa: F401 - payments walked in time


def _get(client, user, **params):
    secret = create_token(owner=user, by=user, name="统计脚本").secret
    return client.get("/api/v1/statistics/", params, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_api_gives_the_pages_figures(client, leader, union_a, walk):  # noqa: F811
    walk("paid", paid_on=datetime.date(2026, 2, 3))
    walk("paid", union="b", paid_on=datetime.date(2026, 3, 3))
    walk("reversed", paid_on=datetime.date(2026, 4, 3), reversed_on=datetime.date(2026, 5, 3))
    response = _get(client, leader, year=2026)
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["net"] == "1000.00" and body["total"]["net_count"] == 2
    assert body["total"]["reversed"] == "500.00"
    union = next(r for r in body["by_union"] if r["label"] == union_a.name)
    assert Decimal(union["net"]) == Decimal("500.00")
    page = client.get(union["list"].split("testserver", 1)[1])  # the same list as the page's
    assert page.status_code == 302  # the page needs a session: the link is for people


def test_an_officer_gets_only_the_subtree_and_others_are_refused(
    client,
    officer,
    administrator,
    union_b,
    walk,  # noqa: F811
):
    walk("paid", paid_on=datetime.date(2026, 2, 3))
    walk("paid", union="b", paid_on=datetime.date(2026, 3, 3))
    body = _get(client, officer, year=2026).json()
    assert body["total"]["net"] == "500.00"
    assert union_b.name not in {r["label"] for r in body["by_union"]}
    assert _get(client, officer, organisation=union_b.pk).status_code == 404
    assert _get(client, administrator).status_code == 403
    assert _get(client, officer, year="junk").json()["errors"]

"""Every page without URL arguments answers junk in its query string without a server error.

Filters, page numbers and keyset cursors come from the address bar, so anyone can type rubbish
into them; the answer must be a page (possibly empty or with a message), never a 500.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

JUNK = (
    "?page=abc&per_page=-1&after=%00zz&before=999999999999999999999"
    "&amount_min=abc&amount_max=1e999&date_from=2026-13-45&date_to=yesterday"
    "&organisation=x&campaign=%27%3B--&status=nope&kind=nope&category=nope&year=-5"
    "&user=abc&record=zz.zz&type=nope&q=%3Cscript%3E&overdue=maybe&age=old&format=exe"
)


def _parameterless_get_routes():
    """Named routes, with their namespaces, that take no URL arguments."""

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, ns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
                route = prefix + str(entry.pattern)
                if "<" not in route and not route.startswith("admin"):
                    yield f"{namespace}{entry.name}", "/" + route.lstrip("^").rstrip("$")

    return sorted(set(walk(get_resolver().url_patterns, "", "")))


@pytest.mark.parametrize("role", ["officer", "finance", "leader", "auditor", "administrator"])
def test_no_page_fails_on_junk_query_parameters(request, client, role):
    routes = [
        route
        for route in _parameterless_get_routes()
        if not route[0].startswith(("logout", "set_language"))
    ]
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(role))
    failures = []
    for name, path in routes:
        response = client.get(path + JUNK)
        # /readyz answers 503 "not ready" by contract (no worker runs here; tests/test_readyz.py)
        if response.status_code >= 500 and (name, response.status_code) != ("readyz", 503):
            failures.append(f"{name} {path} -> {response.status_code}")
    assert not failures, failures
    assert len(routes) > 15  # the walk found the project's pages, not nothing

"""An auditor cannot change anything: every POST route of the project is tried."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch

from accounts.middleware import ALLOWED_NAMESPACES, ALLOWED_URL_NAMES
from audits.models import AccessLog, ChangeEntry
from cases.services import save_person
from core.access import AccessAction
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SAMPLES = {"int": 1, "str": "1", "slug": "no-visit", "path": "x", "uuid": None}


def every_route(resolver=None, namespace=""):
    """(view name, URL) for every named pattern, arguments filled with sample values."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from every_route(entry, inner.strip(":"))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {}
            for key, converter in converters.items():
                kind = type(converter).__name__.replace("Converter", "").lower()
                kwargs[key] = SAMPLES.get(kind, "1")
            for key in entry.pattern.regex.groupindex:
                kwargs.setdefault(key, "1")
            try:
                yield name, reverse(name, kwargs=kwargs or None)
            except NoReverseMatch:
                try:
                    yield name, reverse(name, args=list(kwargs.values()))
                except NoReverseMatch:
                    continue


def test_every_post_route_refuses_an_auditor_and_changes_nothing(client, auditor, officer, union_a):
    person = PersonFactory.build(organisation=union_a)
    save_person(person, by=officer)
    routes = sorted(set(every_route()))
    assert len(routes) > 20, routes  # the admin's routes, at least
    assert any(name == "audits:changelog" for name, _url in routes)
    entries_before = ChangeEntry.objects.exclude(
        model="accounts.user", object_id=str(auditor.pk)
    ).count()
    client.force_login(auditor)
    allowed, refused = [], []
    for name, url in routes:
        match = resolve(url)
        response = client.post(url, {"name": "改名", "amount": "1", "status": "approved"})
        may_post = (
            match.url_name in ALLOWED_URL_NAMES
            or ALLOWED_NAMESPACES & set(match.namespaces)
            or getattr(match.func, "auditor_may_post", False)
        )
        if may_post:
            allowed.append(name)
            client.force_login(auditor)  # logout may have signed us out
            continue
        refused.append(name)
        assert response.status_code == 403, (name, url, response.status_code)
    assert {"login", "logout", "set_language"} <= set(allowed)
    # Signing in again saves the auditor's own last_login (a history row of their user record);
    # nothing else may have changed, whatever the route answered.
    others = ChangeEntry.objects.exclude(model="accounts.user", object_id=str(auditor.pk))
    assert others.count() == entries_before
    person.refresh_from_db()
    assert person.name != "改名"
    refusals = AccessLog.objects.filter(action=AccessAction.DENIED, user=auditor)
    assert refusals.count() >= len(refused)


def test_auditor_pages_have_no_edit_controls(client, auditor, officer, union_a):
    save_person(PersonFactory.build(organisation=union_a), by=officer)
    client.force_login(auditor)
    for url in (reverse("audits:changelog"), reverse("audits:reports")):
        html = client.get(url).content.decode()
        assert 'method="post"' not in html.split("<main", 1)[1]

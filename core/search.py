"""Full ID numbers never travel in a URL (browser history, proxy and server logs).

Search boxes post their form (`_search` marks it); this middleware answers with a redirect to
the same page with the filters in the query string, where a full 18-character ID number in `q`
is replaced by a short token kept in the session (`q=~k3Jx9a`). A full ID typed into an address
by hand is redirected the same way. Views read the filters through `search_params(request)`,
which gives the number back; links built from `request.GET` (pages, exports) carry the token only.
"""

import re
import secrets
import unicodedata

from django.http import HttpResponseRedirect, QueryDict

SEARCH_MARK = "_search"
SESSION_KEY = "search_ids"
ALIAS_PREFIX = "~"
KEEP_TOKENS = 50
_FULL_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_DROPPED = {"csrfmiddlewaretoken", SEARCH_MARK}


def is_full_id(value: str) -> bool:
    text = unicodedata.normalize("NFKC", value or "")
    return bool(_FULL_ID.match("".join(text.split()).upper()))


def _tokenise(request, value: str) -> str:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    for token, number in tokens.items():
        if number == value:
            return token
    token = ALIAS_PREFIX + secrets.token_urlsafe(6)
    tokens[token] = value
    request.session[SESSION_KEY] = dict(list(tokens.items())[-KEEP_TOKENS:])
    return token


def _without_full_ids(request, params: QueryDict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if key in _DROPPED:
            continue
        for value in values:
            if value == "":
                continue
            query.appendlist(key, _tokenise(request, value) if is_full_id(value) else value)
    return query


def search_params(request) -> QueryDict:
    """`request.GET` with search tokens turned back into the ID numbers they stand for."""
    tokens = request.session.get(SESSION_KEY, {}) if hasattr(request, "session") else {}
    if not tokens or not any(v.startswith(ALIAS_PREFIX) for v in request.GET.getlist("q")):
        return request.GET
    params = request.GET.copy()
    params.setlist("q", [tokens.get(v, v) for v in request.GET.getlist("q")])
    return params


class FullIdSearchMiddleware:
    """Turn a posted search, or a GET carrying a full ID number, into a tokenised redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        if request.method == "POST" and SEARCH_MARK in request.POST:
            params = request.POST
        elif request.method == "GET" and any(is_full_id(v) for v in request.GET.getlist("q")):
            params = request.GET
        else:
            return None
        query = _without_full_ids(request, params)
        target = request.path + ("?" + query.urlencode() if query else "")
        return HttpResponseRedirect(target, status=303)

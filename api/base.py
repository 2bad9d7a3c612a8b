"""What every API view shares: the request's language, the JSON errors, the auditor rule."""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import viewsets
from rest_framework.response import Response

from core.scope import get_in_scope_or_404

from .conditional import etag_of


def language_of(request) -> str | None:
    """The first language of `Accept-Language` that the interface speaks, if any.

    The pages ignore the browser's language on purpose (`core.middleware`); a program calling
    the API says what it wants explicitly, so the header is honoured here.
    """
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            return settings.LANGUAGE_CODE
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class ApiViewMixin:
    def initial(self, request, *args, **kwargs):
        language = language_of(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        # The page middleware cannot see token users; `SignedInAuditorsRead` applies the rule
        # to everyone, with the JSON error shape.
        view.auditor_may_post = True
        return view


class ReadOnlyResource(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A scoped list and a scoped detail with an ETag (`If-None-Match` answers 304)."""

    lookup_value_regex = r"[0-9]+"

    def get_object(self):
        """Outside the scope is a 404 like a missing record, and the attempt is logged."""
        queryset = self.filter_queryset(self.get_queryset())
        obj = get_in_scope_or_404(queryset, self.request, pk=int(self.kwargs["pk"]))
        self.check_object_permissions(self.request, obj)
        return obj

    def retrieve(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_object()).data
        return with_etag(request, data)


def with_etag(request, data, status: int = 200) -> Response:
    tag = etag_of(data)
    if status == 200 and request.headers.get("If-None-Match") == tag:
        return Response(status=304, headers={"ETag": tag})
    return Response(data, status=status, headers={"ETag": tag})

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import pages
from .base import ApiViewMixin
from .views import history, payments, people, reads, statistics

app_name = "api"

router = SimpleRouter()
router.register("organisations", people.OrganisationViewSet, basename="organisation")
router.register("people", people.PersonViewSet, basename="person")
router.register("cases", reads.CaseViewSet, basename="case")
router.register("visits", reads.VisitViewSet, basename="visit")
router.register("campaigns", reads.CampaignViewSet, basename="campaign")
router.register("payments", payments.PaymentViewSet, basename="payment")
router.register("batches", reads.BatchViewSet, basename="batch")


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The schema in the language of `Accept-Language` (or `?lang=en`), like every answer."""


# Swagger UI and ReDoc set style attributes from their scripts; scripts stay 'self' only.
DOCS_STYLES = csp_update({"style-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("v1/schema/", SchemaView.as_view(), name="schema"),
    path(
        "v1/docs/",
        DOCS_STYLES(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="swagger",
    ),
    path(
        "v1/redoc/", DOCS_STYLES(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"
    ),
    path(
        "v1/history/<str:label>/<str:object_id>/",
        history.RecordHistoryView.as_view(),
        name="history",
    ),
    path("v1/statistics/", statistics.StatisticsView.as_view(), name="statistics"),
    path("v1/", include(router.urls)),
]

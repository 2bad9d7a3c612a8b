from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from .base import ApiViewMixin
from .views import payments, people, reads

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


urlpatterns = [
    path("v1/schema/", SchemaView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="swagger"),
    path("v1/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/", include(router.urls)),
]

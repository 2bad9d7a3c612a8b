"""URLs: the campaign list import (the shared upload flow) and the payments export."""

from django.urls import path

from payments.transfers.flows import CAMPAIGN_LIST_IMPORT
from payments.views import transfers as views
from uploads import views as uploads

flow = {"flow": CAMPAIGN_LIST_IMPORT}
urlpatterns = [
    path("transfers/export/payments.<slug:fmt>", views.export, name="export"),
    path("transfers/export/payments.<slug:fmt>/full/", views.export_full, name="export_full"),
    path("transfers/campaign-list/", views.choose_campaign, name="campaign_list_import"),
    path("transfers/campaign-list/<int:pk>/", uploads.upload, flow, name="campaign_list_upload"),
    path(
        "transfers/campaign-list/<int:pk>/preview/<uuid:job>/",
        uploads.preview,
        flow,
        name="campaign_list_preview",
    ),
    path(
        "transfers/campaign-list/<int:pk>/confirm/",
        uploads.confirm,
        flow,
        name="campaign_list_confirm",
    ),
    path(
        "transfers/campaign-list/<int:pk>/errors/",
        uploads.errors,
        flow,
        name="campaign_list_errors",
    ),
]

"""URLs: the campaign list import and the payments export."""

from django.urls import path

from payments.views import transfers as views

urlpatterns = [
    path("transfers/export/payments.<slug:fmt>", views.export, name="export"),
    path("transfers/campaign-list/", views.choose_campaign, name="campaign_list_import"),
    path(
        "transfers/campaign-list/<int:pk>/",
        views.list_import,
        name="campaign_list_upload",
    ),
    path(
        "transfers/campaign-list/<int:pk>/preview/<uuid:job>/",
        views.list_preview,
        name="campaign_list_preview",
    ),
    path(
        "transfers/campaign-list/<int:pk>/confirm/",
        views.list_confirm,
        name="campaign_list_confirm",
    ),
]

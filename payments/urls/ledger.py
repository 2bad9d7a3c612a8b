"""URLs: the 台账 page and its download, and the 发放花名册 of a campaign or a batch."""

from django.urls import path

from ..views import ledger as views

urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/download.xlsx", views.ledger_download, name="ledger_download"),
    path("campaigns/<int:pk>/roster.<slug:fmt>", views.campaign_roster, name="campaign_roster"),
    path("batches/<int:pk>/roster.<slug:fmt>", views.batch_roster, name="batch_roster"),
]

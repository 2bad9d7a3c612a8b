"""URLs: the campaign list import and the payments export."""

from django.urls import path

from payments.views import transfers as views

urlpatterns = [
    path("transfers/export/payments.<slug:fmt>", views.export, name="export"),
]

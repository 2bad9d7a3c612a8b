"""URLs: the roster import (the shared upload flow) and the people/cases/visits exports."""

from django.urls import path

from cases.transfers.flow import PEOPLE_IMPORT
from cases.views import transfers as views
from uploads import views as uploads

flow = {"flow": PEOPLE_IMPORT}
urlpatterns = [
    path("transfers/", views.transfers_home, name="transfers"),
    path("transfers/people/import/", uploads.upload, flow, name="people_import"),
    path(
        "transfers/people/import/preview/<uuid:job>/",
        uploads.preview,
        flow,
        name="people_import_preview",
    ),
    path("transfers/people/import/confirm/", uploads.confirm, flow, name="people_import_confirm"),
    path("transfers/people/import/errors/", uploads.errors, flow, name="people_import_errors"),
    path(
        "transfers/people/import/template/",
        views.people_import_template,
        name="people_import_template",
    ),
    path("transfers/export/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("transfers/export/<slug:kind>.<slug:fmt>/full/", views.export_full, name="export_full"),
]

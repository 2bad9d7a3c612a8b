"""URLs: the roster import and the people/cases/visits exports."""

from django.urls import path

from cases.views import transfers as views

urlpatterns = [
    path("transfers/", views.transfers_home, name="transfers"),
    path("transfers/people/import/", views.people_import, name="people_import"),
    path(
        "transfers/people/import/preview/<uuid:pk>/",
        views.people_import_preview,
        name="people_import_preview",
    ),
    path(
        "transfers/people/import/confirm/",
        views.people_import_confirm,
        name="people_import_confirm",
    ),
    path(
        "transfers/people/import/errors/", views.people_import_errors, name="people_import_errors"
    ),
    path(
        "transfers/people/import/template/",
        views.people_import_template,
        name="people_import_template",
    ),
    path("transfers/export/<slug:kind>.<slug:fmt>", views.export, name="export"),
]

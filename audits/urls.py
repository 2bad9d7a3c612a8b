from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.changelog, name="changelog"),
    path("export/<str:fmt>/", views.changelog_export, name="changelog_export"),
    path("record/<str:label>/<str:pk>/", views.timeline, name="timeline"),
    path(
        "record/<str:label>/<str:pk>/export/<str:fmt>/",
        views.timeline_export,
        name="timeline_export",
    ),
    path("checkpoint/", views.latest_checkpoint, name="latest_checkpoint"),
    path("access/", views.access_log, name="access_log"),
    path("access/export/<str:fmt>/", views.access_log_export, name="access_log_export"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("reports/<slug:slug>/export/<str:fmt>/", views.report_export, name="report_export"),
]

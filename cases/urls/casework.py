"""URLs: the case officer's workspace (dashboard, cases, visits, attachments)."""

from django.urls import path

from cases.views import casework as views
from cases.views import occasions

urlpatterns: list = [
    path("workspace/", views.dashboard, name="dashboard"),
    path("occasions/planned/", occasions.planned_visits, name="planned_visits"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("cases/<int:pk>/verify/", views.case_verify, name="case_verify"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment_thumbnail, name="attachment_thumbnail"
    ),
]

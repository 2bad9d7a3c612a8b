from django.urls import path

from . import views

app_name = "recuperation"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/sessions/", views.session_add, name="session_add"),
    path("<int:pk>/quotas/", views.quota_set, name="quota_set"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("sessions/<int:pk>/roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("sessions/<int:pk>/roster.pdf", views.roster_pdf, name="roster_pdf"),
    path("sessions/<int:pk>/notices.pdf", views.session_notices, name="session_notices"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/replace/", views.nomination_replace, name="nomination_replace"),
    path("nominations/<int:pk>/notice.pdf", views.nomination_notice, name="nomination_notice"),
    path("nominations/<int:pk>/<slug:step>/", views.nomination_step, name="nomination_step"),
]

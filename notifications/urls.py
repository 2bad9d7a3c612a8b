from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read/", views.read, name="read"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("email/", views.email_setting, name="email_setting"),
]

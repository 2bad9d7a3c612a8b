from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from core import views as core_views

from . import views

# The admin speaks as Relief does, in both languages (not "Django 管理").
admin.site.site_header = _("职工帮扶慰问 · 系统配置")
admin.site.site_title = _("职工帮扶慰问系统配置")
admin.site.index_title = _("系统配置")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon),
    path("", accounts_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("cases.urls")),
    path("payments/", include("payments.urls")),
    path("letters/", include("letters.urls")),
    path("recuperation/", include("recuperation.urls")),
    path("statistics/", include("figures.urls")),
    path("audit/", include("audits.urls")),
    path("jobs/", include("jobs.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

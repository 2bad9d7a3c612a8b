from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    """Upload → preview → confirm, shared by every import of the application."""

    name = "uploads"
    verbose_name = _("文件导入")

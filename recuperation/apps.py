from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecuperationConfig(AppConfig):
    name = "recuperation"
    verbose_name = _("疗休养")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app may import; it imports no app of the project."""

    name = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_prepared_fonts

        checks.register(check_prepared_fonts)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """统计: the federation's figures, the lists behind them and the year-end return.

    Named `figures` because `statistics` is a standard-library module.
    """

    name = "figures"
    verbose_name = _("统计")

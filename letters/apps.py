from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("慰问信与打印")

    def ready(self) -> None:
        from django.core import checks

        from . import receivers
        from .checks import check_chinese_font

        checks.register(check_chinese_font)
        # `payments.signals` is added by the payments work, which lands on its own branch; until
        # it does there is no campaign copy to hear about. Once present, a copied campaign
        # carries its source's letter template over.
        try:
            from payments.signals import campaign_copied
        except ImportError:
            return
        campaign_copied.connect(
            receivers.copy_template_on_campaign_copy, dispatch_uid="letters.copy_template"
        )

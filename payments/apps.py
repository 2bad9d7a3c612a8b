from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("慰问活动与资金发放")

    def ready(self) -> None:
        from cases.signals import case_tier_changed

        from .services.tallies import on_case_tier_changed

        case_tier_changed.connect(on_case_tier_changed, dispatch_uid="payments.tallies.tier")

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("审计")

    def ready(self) -> None:
        from core.access import register_recorder

        from . import signals, triggers
        from .chain.entries import forget_column_sets
        from .models import AccessLog
        from .services import record_access

        register_recorder(record_access)

        signals.install_bulk_history_hook()
        post_save.connect(signals._seal_on_access_log, sender=AccessLog)
        post_migrate.connect(triggers.install_triggers, dispatch_uid="audits_triggers")
        post_migrate.connect(forget_column_sets, dispatch_uid="audits_forget_column_sets")

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与角色")

    def on_post_migrate(self, app_config, **kwargs) -> None:
        """post_migrate is sent once per app (after every migrate, and after every flush, so
        after each transactional test): the groups are set once, in the last app's round, when
        every app's permissions exist."""
        from django.apps import apps

        from .roles import ensure_role_groups

        with_models = [config for config in apps.get_app_configs() if config.models_module]
        if app_config is with_models[-1]:
            ensure_role_groups()

    def ready(self) -> None:
        # Groups need the permissions, which Django itself creates in post_migrate.
        post_migrate.connect(self.on_post_migrate, dispatch_uid="accounts.ensure_role_groups")
        # Logins go to the access log, not the change history (accounts/logins.py).
        from django.contrib.auth.signals import user_logged_in

        from .logins import record_last_login

        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="accounts.record_last_login")

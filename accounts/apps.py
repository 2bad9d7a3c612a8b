from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与角色")

    def on_post_migrate(self, **kwargs) -> None:
        from .roles import ensure_role_groups

        ensure_role_groups()

    def ready(self) -> None:
        # Groups need the permissions, which Django itself creates in post_migrate.
        post_migrate.connect(self.on_post_migrate, dispatch_uid="accounts.ensure_role_groups")
        # Logins go to the access log, not the change history (accounts/logins.py).
        from django.contrib.auth.signals import user_logged_in

        from .logins import record_last_login

        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="accounts.record_last_login")

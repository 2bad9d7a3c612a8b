"""Who may call the API: signed in (token or session), and auditors only read.

The pages' own rule (`accounts.middleware.AuditorReadOnlyMiddleware`) sees the user before a
token is read, so the API repeats it here, where DRF has authenticated the request; every view
then asks the same `permissions` functions as the pages.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import Role, has_role


class SignedInAuditorsRead(BasePermission):
    message = _("审计人员只能查看，不能修改。")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS or getattr(view, "action", None) in getattr(
            view, "auditor_actions", ()
        ):
            return True
        return not has_role(request.user, Role.AUDITOR)

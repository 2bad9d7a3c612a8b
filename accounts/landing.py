"""Where each role lands after signing in: on its own work, not on a page of links.

The first role of the list the user holds decides (a user with several roles lands where the
most hands-on one works); administrators and users without a role land on the home page.
URL names are strings so accounts imports no app above it.
"""

from django.urls import reverse

from .roles import Role, has_role

LANDINGS: tuple[tuple[Role, str], ...] = (
    (Role.CASE_OFFICER, "cases:dashboard"),
    (Role.FINANCE, "payments:approval_queue"),
    (Role.LEADER, "payments:second_approval_queue"),
    (Role.AUDITOR, "audits:changelog"),
)


def landing_url(user) -> str | None:
    for role, url_name in LANDINGS:
        if has_role(user, role):
            return reverse(url_name)
    return None

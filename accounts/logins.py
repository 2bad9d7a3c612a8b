"""Signing in records `last_login` without writing a history row.

Django's own `update_last_login` saves the user, and django-simple-history turns every save into
a history row — with `last_login` excluded from history, a row that changes nothing, one per
sign-in, flooding the auditor's change log with 无字段变化. Sign-ins belong in the access log
(audits records them from the same signal); here the timestamp is written with a queryset update,
which bypasses the history.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone


def record_last_login(sender, user, **kwargs) -> None:
    now = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now

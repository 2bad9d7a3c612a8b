"""Writing notifications, reading them off, and the daily e-mail digest.

Domain apps call `notify` from `transaction.on_commit`, so nobody is told about a change that
was rolled back, and a failure to notify never undoes the change.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification, NotificationSetting

logger = logging.getLogger(__name__)


def notify(
    recipients: Iterable,
    kind: str,
    message: str,
    params: dict | None = None,
    *,
    link: str = "",
    key: str = "",
) -> int:
    """One notification per recipient (each at most once per `key`); returns how many were new."""
    users = {getattr(u, "pk", u) for u in recipients if u is not None}
    if not users:
        return 0
    if key:
        users -= set(
            Notification.objects.filter(recipient_id__in=users, key=key).values_list(
                "recipient_id", flat=True
            )
        )
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            message=str(message),
            params=params or {},
            link=link,
            key=key,
        )
        for pk in sorted(users)
    ]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(rows)
    except IntegrityError:  # a concurrent reminder with the same key won; send one by one
        created = 0
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
                created += 1
            except IntegrityError:
                pass
        return created
    return len(rows)


def notify_on_commit(*args, **kwargs) -> None:
    """`notify` once the caller's transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: notify(*args, **kwargs))


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def set_email_digest(user, enabled: bool) -> NotificationSetting:
    setting, _created = NotificationSetting.objects.update_or_create(
        user=user, defaults={"email_digest": enabled}
    )
    return setting


def send_digests(*, now=None, connection=None) -> tuple[int, int]:
    """One e-mail per user with notifications not yet e-mailed, unless the user turned e-mail
    off or has no address; returns (e-mails sent, notifications included).

    Opted-out users' notifications are marked as handled too, so turning e-mail back on does not
    send a backlog. A failed send leaves that user's notifications for the next run.
    """
    now = now or timezone.now()
    User = get_user_model()
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__lte=now)
    user_ids = set(pending.values_list("recipient_id", flat=True).distinct())
    opted_out = set(
        NotificationSetting.objects.filter(user_id__in=user_ids, email_digest=False).values_list(
            "user_id", flat=True
        )
    )
    users = User.objects.filter(pk__in=user_ids - opted_out, is_active=True).exclude(email="")
    silent = user_ids - {u.pk for u in users}
    pending.filter(recipient_id__in=silent).update(emailed_at=now)
    connection = connection or get_connection()
    sent = included = 0
    site = getattr(settings, "RELIEF_SITE_URL", "").rstrip("/")
    for user in users.order_by("pk"):
        items = list(pending.filter(recipient=user).order_by("created_at", "id"))
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("职工帮扶慰问：您有 %(n)d 条新通知") % {"n": len(items)}
            body = render_to_string(
                "notifications/digest.txt", {"user": user, "items": items, "site": site}
            )
        email = EmailMessage(subject, body, to=[user.email], connection=connection)
        try:
            email.send()
        except Exception:
            logger.exception("digest to user %s failed; kept for the next run", user.pk)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        sent += 1
        included += len(items)
    return sent, included

from django.db.models import QuerySet

from .models import Notification, NotificationSetting


def inbox_for(user) -> QuerySet[Notification]:
    """A user sees only their own notifications: the recipient is the scope."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_digest_enabled(user) -> bool:
    setting = NotificationSetting.objects.filter(user=user).first()
    return setting.email_digest if setting else True

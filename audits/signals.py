"""Receivers: history rows → change entries; sign-ins → access log; access-log digests."""

import functools

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from simple_history.manager import HistoryManager
from simple_history.signals import post_create_historical_record

from core.access import AccessAction
from core.history import bulk_history_written

from .chain import CHAIN_ACCESS, record_history_rows, schedule_seal, sign_access_log
from .chain.entries import record_history_row
from .models import AccessLog
from .registry import tracked_for_history_model


@receiver(post_create_historical_record)
def index_history_row(sender, history_instance, instance=None, **kwargs):
    tracked = tracked_for_history_model(sender)
    if tracked is not None:
        record_history_row(tracked, history_instance, instance)


@receiver(bulk_history_written)
def index_bulk_history_rows(sender, history_model, history_ids, **kwargs):
    """History a domain app wrote with a raw INSERT (the roster import's fast path)."""
    tracked = tracked_for_history_model(history_model)
    if tracked is not None and history_ids:
        record_history_rows(tracked, list(history_ids))


def install_bulk_history_hook() -> None:
    """`bulk_create_with_history` / `bulk_update_with_history` send no per-row signal: index
    the rows `bulk_history_create` wrote, in the same transaction, right after it writes them."""
    original = HistoryManager.bulk_history_create
    if getattr(original, "_relief_audit", False):
        return

    @functools.wraps(original)
    def bulk_history_create(self, objs, *args, **kwargs):
        created = original(self, objs, *args, **kwargs)
        tracked = tracked_for_history_model(self.model)
        if tracked is not None and created:
            ids = [row.history_id for row in created if row.history_id is not None]
            if len(ids) != len(created):
                # Backend without RETURNING: find the rows just written by their records.
                from .services import index_unindexed_history

                index_unindexed_history(tracked)
            else:
                record_history_rows(tracked, ids)
        return created

    bulk_history_create._relief_audit = True
    HistoryManager.bulk_history_create = bulk_history_create


@receiver(pre_save, sender=AccessLog)
def sign_new_access_log(sender, instance, **kwargs):
    if instance._state.adding:
        sign_access_log(instance)


def _from_a_client(request) -> bool:
    """A sign-in or out that came over HTTP. The test client's `force_login` (and a shell) log
    in with a bare HttpRequest that has no method; that is not a client's sign-in."""
    return request is not None and getattr(request, "method", None) is not None


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    from core.access import log_access

    if _from_a_client(request):
        log_access(user=user, action=AccessAction.LOGIN, request=request)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    from core.access import log_access

    if user is not None and _from_a_client(request):
        log_access(user=user, action=AccessAction.LOGOUT, request=request)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    from core.access import log_access

    username = str((credentials or {}).get("username", ""))[:150]
    detail = {"username": username}
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    log_access(user=None, action=AccessAction.LOGIN_FAILED, detail=detail, request=request)


def _seal_on_access_log(sender, instance, created, **kwargs):
    if created:
        schedule_seal(CHAIN_ACCESS)

"""The daily digest, delivered to a real SMTP server (aiosmtpd) on loopback."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import get_connection
from django.core.management import call_command

from accounts.roles import Role
from notifications.models import Notification, NotificationKind
from notifications.services import notify, send_digests, set_email_digest
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.rcpt_tos, message))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        inbox.connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host="127.0.0.1",
            port=controller.port,
            timeout=10,
        )
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def people(union_a, federation):
    return {
        "officer": make_user(Role.CASE_OFFICER, union_a, username="o1", email="o1@example.org"),
        "leader": make_user(Role.LEADER, federation, username="l1", email="l1@example.org"),
        "quiet": make_user(Role.FINANCE, federation, username="q1", email="q1@example.org"),
        "no_address": make_user(Role.FINANCE, federation, username="n1", email=""),
    }


def test_each_user_gets_one_email_with_all_their_new_notifications(smtp, people):
    officer, leader = people["officer"], people["leader"]
    notify([officer], NotificationKind.PAYMENT_REJECTED, "慰问金 P1 被驳回", link="/payments/1/")
    notify(
        [officer], NotificationKind.JOB_FINISHED, "后台任务“%(title)s”已完成。", {"title": "导出"}
    )
    notify([leader], NotificationKind.SECOND_APPROVAL, "等待您复审")

    sent, included = send_digests(connection=smtp.connection)

    assert (sent, included) == (2, 3)
    by_address = {tuple(to): message for to, message in smtp.received}
    body = by_address[("o1@example.org",)].get_content()
    assert by_address[("o1@example.org",)]["Subject"] == "职工帮扶慰问：您有 2 条新通知"
    assert "慰问金 P1 被驳回" in body and "后台任务“导出”已完成。" in body
    assert "/payments/1/" in body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert send_digests(connection=smtp.connection) == (0, 0)
    assert len(smtp.received) == 2


def test_a_user_who_turned_email_off_gets_none_and_no_backlog_later(smtp, people):
    quiet = people["quiet"]
    set_email_digest(quiet, False)
    notify([quiet, people["no_address"]], NotificationKind.PAYMENT_SUBMITTED, "待审批")
    assert send_digests(connection=smtp.connection) == (0, 0)
    assert smtp.received == []
    set_email_digest(quiet, True)
    assert send_digests(connection=smtp.connection) == (0, 0)
    notify([quiet], NotificationKind.PAYMENT_SUBMITTED, "新的待审批")
    assert send_digests(connection=smtp.connection) == (1, 1)


def test_a_failed_delivery_keeps_the_notifications_for_the_next_run(people):
    notify([people["officer"]], NotificationKind.OCCASION, "护士节将至")
    closed = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=_free_port()
    )
    assert send_digests(connection=closed) == (0, 0)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1


def test_the_email_switch_on_the_inbox_page(client, people):
    from django.urls import reverse

    from notifications.selectors import email_digest_enabled

    officer = people["officer"]
    client.force_login(officer)
    client.post(reverse("notifications:email_setting"), {})
    assert email_digest_enabled(officer) is False
    client.post(reverse("notifications:email_setting"), {"email_digest": "on"})
    assert email_digest_enabled(officer) is True


def test_the_command_uses_djangos_email_settings(people, mailoutbox):
    notify([people["leader"]], NotificationKind.SECOND_APPROVAL, "等待您复审")
    call_command("send_digest")
    assert [m.to for m in mailoutbox] == [["l1@example.org"]]

"""The inbox: who is told about what, only after the step commits, and only their own."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.notices import notify_due_casework
from jobs.execution import execute_job
from jobs.models import Job
from notifications.models import Notification, NotificationKind
from notifications.services import notify
from payments import services
from tests.factories import VisitFactory, make_user

pytestmark = pytest.mark.django_db


def texts(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return [n.text for n in qs.order_by("id")]


@pytest.fixture
def submitted(campaign, case, officer, finance, leader, django_capture_on_commit_callbacks):
    payment = services.draft_payment(case, campaign, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_payment(payment, by=officer)
    return payment


def test_a_submitted_payment_tells_the_approvers_over_its_union_only(
    campaign, case, officer, finance, union_b, django_capture_on_commit_callbacks
):
    finance_b = make_user(Role.FINANCE, union_b, username="finance_b")
    payment = services.draft_payment(case, campaign, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_payment(payment, by=officer)
    [text] = texts(finance, NotificationKind.PAYMENT_SUBMITTED)
    assert payment.reference in text and "等待审批" in text
    assert texts(finance_b) == [] and texts(officer) == []


def test_a_rejection_tells_the_drafter_the_reason_with_a_link_to_resubmit(
    submitted, officer, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_payment(submitted, by=finance, reason="缺少走访记录")
    [notification] = Notification.objects.filter(
        recipient=officer, kind=NotificationKind.PAYMENT_REJECTED
    )
    assert "缺少走访记录" in notification.text
    assert notification.link == reverse("payments:payment_resubmit", args=[submitted.pk])


def test_an_approval_above_the_threshold_tells_the_leader(
    campaign, case, officer, finance, leader, django_capture_on_commit_callbacks
):
    payment = services.draft_payment(
        case, campaign, by=officer, amount="1500", justification="重病住院"
    )
    services.submit_payment(payment, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_payment(payment, by=finance)
    [text] = texts(leader, NotificationKind.SECOND_APPROVAL)
    assert payment.reference in text and "复审" in text


def test_an_approval_within_the_threshold_tells_no_leader(
    submitted, finance, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_payment(submitted, by=finance)
    assert texts(leader) == []


def test_a_refused_step_tells_nobody(
    campaign, case, officer, finance, leader, django_capture_on_commit_callbacks
):
    from payments.exceptions import BudgetExceeded

    payment = services.draft_payment(
        case, campaign, by=officer, amount="1500", justification="重病住院"
    )
    services.submit_payment(payment, by=officer)
    campaign.budget = Decimal("1000.00")
    campaign.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BudgetExceeded):
        services.approve_payment(payment, by=finance)
    assert texts(leader) == []


def test_an_imported_bank_result_tells_the_drafters(
    walk, officer, finance, django_capture_on_commit_callbacks
):
    payment = walk("in_batch")
    batch = payment.batch_lines.get().batch
    services.mark_batch_sent(batch, by=finance)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_bank_result(
            batch,
            ["付款编号", "状态"],
            [{"付款编号": payment.reference, "状态": "成功"}],
            by=finance,
        )
    [text] = texts(officer, NotificationKind.BANK_RESULT)
    assert batch.reference in text and "成功 1 笔" in text


def test_a_finished_background_job_tells_its_owner(officer, django_capture_on_commit_callbacks):
    from jobs.registry import job_handler

    job_handler("tests.notify_done")(lambda job, progress: None)
    job = Job.objects.create(kind="tests.notify_done", title="导出职工", owner=officer)
    with django_capture_on_commit_callbacks(execute=True):
        execute_job(str(job.pk))
    [notification] = Notification.objects.filter(recipient=officer)
    assert notification.text == "后台任务“导出职工”已完成。"
    assert notification.link == job.get_absolute_url()


def test_follow_ups_and_reviews_are_reminded_once_each(officer, case):
    today = datetime.date(2026, 12, 2)
    VisitFactory(
        case=case,
        visit_date=today - datetime.timedelta(days=30),
        follow_up_on=today - datetime.timedelta(days=1),
        recorded_by=officer,
    )
    case.last_verified_on = today - datetime.timedelta(days=350)
    case.save()
    assert notify_due_casework(today) == (1, 1, 0)
    assert notify_due_casework(today) == (0, 0, 0)
    follow_up, review = sorted(texts(officer))
    assert "回访已逾期" in follow_up or "回访已逾期" in review
    assert any("年度复核应于 2026-12-17 前完成" in t for t in texts(officer))


def test_a_follow_up_done_by_a_later_visit_is_not_reminded(officer, case):
    today = datetime.date(2026, 12, 2)
    VisitFactory(
        case=case,
        visit_date=today - datetime.timedelta(days=30),
        follow_up_on=today,
        recorded_by=officer,
    )
    VisitFactory(case=case, visit_date=today - datetime.timedelta(days=2), recorded_by=officer)
    assert notify_due_casework(today)[0] == 0


def test_the_inbox_shows_only_the_users_own_and_reads_them(client, officer, officer_b):
    notify([officer], NotificationKind.OCCASION, "三八妇女节将至", link="/payments/campaigns/")
    notify([officer_b], NotificationKind.OCCASION, "别人的通知")
    mine = Notification.objects.get(recipient=officer)
    theirs = Notification.objects.get(recipient=officer_b)
    client.force_login(officer)
    assert client.get(reverse("notifications:badge")).content == b"1"
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "三八妇女节将至" in page and "别人的通知" not in page
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/payments/campaigns/"
    assert client.get(reverse("notifications:badge")).content == b""
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, officer):
    notify([officer], NotificationKind.OCCASION, "一")
    notify([officer], NotificationKind.OCCASION, "二")
    client.force_login(officer)
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_top_bar_asks_for_the_count_after_the_page(client, officer):
    client.force_login(officer)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("notifications:badge") in page and 'hx-trigger="load"' in page


def test_the_inbox_speaks_english_too(client, officer):
    from django.conf import settings

    notify([officer], NotificationKind.JOB_FINISHED, "后台任务“%(title)s”已完成。", {"title": "x"})
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Background job “x” finished." in page


def test_amounts_in_messages_keep_two_places(submitted, finance):
    assert f"{Decimal('500.00')} 元" in texts(finance)[0]


INBOX_QUERIES = 10


def test_the_inbox_runs_a_fixed_number_of_queries(client, officer, django_assert_num_queries):
    def add(n):
        for i in range(n):
            notify([officer], NotificationKind.OCCASION, f"通知{i}", link="/cases/")

    add(2)
    client.force_login(officer)
    url = reverse("notifications:inbox")
    client.get(url)  # warm the session and the permission caches of the first request
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(url).status_code == 200
    add(30)
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("link", ["//evil.example/x", "https://evil.example/"])
def test_opening_a_notification_never_leaves_the_site(client, officer, link):
    notify([officer], NotificationKind.OCCASION, "外链", link=link)
    client.force_login(officer)

    response = client.get(reverse("notifications:open", args=[Notification.objects.get().pk]))

    assert response["Location"] == reverse("notifications:inbox")

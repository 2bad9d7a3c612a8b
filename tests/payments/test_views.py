import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import AccessLog
from core.access import AccessAction
from payments import services
from payments.models import Campaign, Payment, PaymentStatus

from .factories import CampaignFactory, case_in, payment_in_state
from .helpers import import_bank_result_on_the_web

pytestmark = pytest.mark.django_db


def test_draft_page_prefills_the_standard_and_submits(client, officer, case, campaign):
    client.force_login(officer)
    url = reverse("payments:payment_create") + f"?case={case.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["amount"] == Decimal("500.00")
    response = client.post(
        url,
        {
            "case": case.pk,
            "campaign": campaign.pk,
            "amount": "",
            "method": "bank",
            "submit_now": "on",
        },
    )
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == payment.get_absolute_url()
    assert payment.status == PaymentStatus.SUBMITTED and payment.amount == Decimal("500.00")


def test_draft_page_shows_the_rule_that_refused(client, officer, case, campaign):
    client.force_login(officer)
    url = reverse("payments:payment_create") + f"?case={case.pk}"
    response = client.post(
        url, {"case": case.pk, "campaign": campaign.pk, "amount": "650", "method": "bank"}
    )
    assert response.status_code == 200
    assert "请写明理由" in response.content.decode()
    assert not Payment.objects.exists()


def test_draft_page_for_a_case_out_of_scope_is_404_and_logged(client, officer, case_b):
    client.force_login(officer)
    response = client.get(reverse("payments:payment_create") + f"?case={case_b.pk}")
    assert response.status_code == 404
    assert AccessLog.objects.filter(action=AccessAction.OUT_OF_SCOPE).exists()


def test_finance_cannot_open_the_draft_page(client, finance, case):
    client.force_login(finance)
    response = client.get(reverse("payments:payment_create") + f"?case={case.pk}")
    assert response.status_code == 403


def test_payment_page_shows_history_and_the_right_buttons(client, walk, finance, officer):
    payment = walk("rejected")
    client.force_login(finance)
    response = client.get(payment.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "材料不全" in body and "待审批 → 已驳回" in body
    assert [row["to"] for row in response.context["history"]][::-1] == ["草稿", "待审批", "已驳回"]
    submitted = walk("submitted")
    response = client.get(submitted.get_absolute_url())
    assert response.context["actions"] == {"approve", "reject"}
    client.force_login(officer)
    response = client.get(submitted.get_absolute_url())
    assert response.context["actions"] == {"cancel"}


def test_payment_page_out_of_scope_is_404(client, walk, officer_b):
    payment = walk("submitted")
    client.force_login(officer_b)
    assert client.get(payment.get_absolute_url()).status_code == 404


def test_auditor_reads_the_payment_but_posts_are_refused(client, walk, auditor):
    payment = walk("submitted")
    client.force_login(auditor)
    assert client.get(payment.get_absolute_url()).status_code == 200
    url = reverse("payments:payment_action", args=[payment.pk, "approve"])
    assert client.post(url).status_code == 403
    assert client.post(reverse("payments:approval_queue")).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED


def test_approve_button_goes_through_the_service(client, walk, finance):
    payment = walk("submitted")
    client.force_login(finance)
    response = client.post(reverse("payments:payment_action", args=[payment.pk, "approve"]))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and payment.approved_by == finance


def test_reject_without_reason_shows_the_message(client, walk, finance):
    payment = walk("submitted")
    client.force_login(finance)
    url = reverse("payments:payment_action", args=[payment.pk, "reject"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "驳回必须写明理由" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED


def test_officer_posting_an_approval_is_403(client, walk, officer):
    payment = walk("submitted")
    client.force_login(officer)
    url = reverse("payments:payment_action", args=[payment.pk, "approve"])
    assert client.post(url).status_code == 403


def _queue_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# session, user, roles, user perms, group perms, organisation (scope), its organisation ids,
# capped count, the two filter dropdowns (campaigns, organisations), the page of payments with
# its joins.
APPROVAL_QUEUE_QUERIES = 11


def test_approval_queue_query_count_does_not_grow(client, walk, finance, django_assert_num_queries):
    for _ in range(3):
        walk("submitted")
    client.force_login(finance)
    url = reverse("payments:approval_queue")
    client.get(url)  # warm the session
    with django_assert_num_queries(APPROVAL_QUEUE_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3
    for _ in range(12):
        walk("submitted")
    with django_assert_num_queries(APPROVAL_QUEUE_QUERIES):
        response = client.get(url + "?amount_min=100&amount_max=900")
    assert len(response.context["page"].object_list) == 15


def test_approval_queue_filters(
    client, walk, finance, union_b, officer_b, campaign, federation, administrator
):
    low = walk("submitted")
    high = walk("submitted", amount="900")
    other_campaign = CampaignFactory(organisation=federation, created_by=administrator)
    elsewhere = payment_in_state(
        "submitted", campaign=other_campaign, officer=officer_b, finance=finance
    )
    Payment.objects.filter(pk=low.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    client.force_login(finance)
    url = reverse("payments:approval_queue")

    def refs(query):
        page = client.get(url + query).context["page"]
        return {p.reference for p in page}

    assert refs("") == {low.reference, high.reference, elsewhere.reference}
    assert refs(f"?campaign={campaign.pk}") == {low.reference, high.reference}
    assert refs(f"?organisation={union_b.pk}") == {elsewhere.reference}
    assert refs("?amount_min=600") == {high.reference}
    assert refs("?amount_max=600") == {low.reference, elsewhere.reference}
    assert refs("?min_age_days=7") == {low.reference}


def test_bulk_approve_reports_each_payment(client, federation, administrator, officer, finance):
    small = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("1000.00")
    )
    payments = [
        payment_in_state("submitted", campaign=small, officer=officer, finance=finance)
        for _ in range(3)
    ]
    client.force_login(finance)
    url = reverse("payments:approval_queue")
    response = client.post(
        url, {"action": "approve", "payment": [p.pk for p in payments]}, follow=True
    )
    report = response.context["report"]
    assert [r["ok"] for r in report] == [True, True, False]
    assert "余额不足" in report[2]["message"]
    assert Payment.objects.filter(status=PaymentStatus.APPROVED).count() == 2


def test_bulk_reject_needs_a_reason_per_payment(client, walk, finance):
    payment = walk("submitted")
    client.force_login(finance)
    url = reverse("payments:approval_queue")
    response = client.post(url, {"action": "reject", "payment": [payment.pk]}, follow=True)
    assert response.context["report"][0]["ok"] is False
    client.post(url, {"action": "reject", "payment": [payment.pk], "reason": "重复申请"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and payment.rejection_reason == "重复申请"


def test_second_approval_queue_is_the_leaders(client, walk, leader, finance, officer):
    large = walk("approved", amount="1500")
    walk("approved")
    client.force_login(finance)
    assert client.get(reverse("payments:second_approval_queue")).status_code == 403
    client.force_login(leader)
    url = reverse("payments:second_approval_queue")
    response = client.get(url)
    assert [p.pk for p in response.context["page"]] == [large.pk]
    client.post(url, {"action": "approve", "payment": [large.pk]})
    large.refresh_from_db()
    assert large.status == PaymentStatus.SECOND_APPROVED
    client.force_login(officer)
    assert client.get(reverse("payments:approval_queue")).status_code == 403


def test_campaign_pages_show_the_budget(client, walk, campaign, finance, officer):
    walk("approved")
    client.force_login(officer)
    response = client.get(reverse("payments:campaign_list"))
    assert response.status_code == 200
    row = response.context["page"].object_list[0]
    assert row.approved_total == Decimal("500.00") and row.remaining == Decimal("9500.00")
    response = client.get(campaign.get_absolute_url())
    assert response.context["budget"].remaining == Decimal("9500.00")


def test_campaign_of_another_union_is_hidden(client, officer, union_b, administrator):
    other = CampaignFactory(organisation=union_b, created_by=administrator)
    client.force_login(officer)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_administrator_copies_a_campaign_from_its_page(client, campaign, administrator, finance):
    client.force_login(finance)
    url = reverse("payments:campaign_copy", args=[campaign.pk])
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    form = client.get(url).context["form"]
    assert form.initial["year"] == 2027
    response = client.post(
        url,
        {
            "name": "2027年春节送温暖",
            "year": 2027,
            "starts_on": "2027-01-01",
            "ends_on": "2027-03-01",
            "budget": "20000",
        },
    )
    copy = Campaign.objects.get(year=2027)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.standards.count() == 3


def test_batch_flow_through_the_pages(client, walk, campaign, finance, leader):
    payments = [walk("approved"), walk("approved")]
    client.force_login(finance)
    response = client.get(reverse("payments:batch_create") + f"?campaign={campaign.pk}")
    assert {p.pk for p in response.context["eligible"]} == {p.pk for p in payments}
    response = client.post(
        reverse("payments:batch_create"),
        {"campaign": campaign.pk, "payment": [p.pk for p in payments]},
    )
    batch = campaign.batches.get()
    assert response["Location"] == batch.get_absolute_url()
    export = client.get(reverse("payments:batch_export", args=[batch.pk, "csv"]))
    assert export.status_code == 200
    assert payments[0].person.bank_account in export.content.decode("utf-8-sig")
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.user == finance and log.object_id == str(batch.pk)
    client.force_login(leader)
    assert client.get(reverse("payments:batch_export", args=[batch.pk, "xlsx"])).status_code == 403
    assert client.get(batch.get_absolute_url()).status_code == 200
    client.force_login(finance)
    client.post(reverse("payments:batch_mark_sent", args=[batch.pk]))
    bad = "付款编号,状态\nP2026-999999,成功\n".encode()
    response = import_bank_result_on_the_web(client, batch, bad)
    problems = [(e.row, e.column, e.message) for e in response.context["errors"]]
    assert (2, "付款编号", "未知的付款编号 P2026-999999。") in problems
    assert "确认导入" not in response.content.decode()
    good = "付款编号,状态,失败原因,银行流水号,金额\n" + "".join(
        f"{p.reference},成功,,S{p.pk},500.00\n" for p in payments
    )
    preview = client.post(
        reverse("payments:batch_import_result", args=[batch.pk]),
        {"file": SimpleUploadedFile("result.csv", good.encode())},
    )
    assert preview.context["summary"]["paid"] == 2 and "确认导入" in preview.content.decode()
    assert Payment.objects.filter(status="paid").count() == 0  # the preview changes nothing
    response = import_bank_result_on_the_web(client, batch, good.encode())
    assert response.context["summary"]["paid"] == 2
    assert response.context["summary"]["paid_total"] == "1000.00"
    batch.refresh_from_db()
    assert batch.status == "reconciled"


def test_batch_list_is_scoped_and_auditors_read_it(client, walk, auditor, union_b, officer_b):
    walk("in_batch")
    client.force_login(auditor)
    response = client.get(reverse("payments:batch_list"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 1
    assert client.get(reverse("payments:batch_create")).status_code == 403
    client.force_login(officer_b)
    assert client.get(reverse("payments:batch_list")).status_code == 403


def test_case_payments_tag_lists_visible_payments_with_a_draft_button(walk, officer, finance):
    payment = walk("submitted")
    request = RequestFactory().get("/")
    template = Template("{% load payments_tags %}{% case_payments case %}")
    request.user = officer
    html = template.render(Context({"request": request, "case": payment.case}))
    assert payment.reference in html and "起草慰问金" in html
    request.user = finance
    html = template.render(Context({"request": request, "case": payment.case}))
    assert payment.reference in html and "起草慰问金" not in html
    other = case_in(payment.organisation, officer=officer)
    services.draft_payment(other, payment.campaign, by=officer)
    request.user = officer
    html = template.render(Context({"request": request, "case": payment.case}))
    assert html.count("P2026-") == 1


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name, states",
    [
        ("payments:campaign_list", ["approved", "paid"]),
        ("payments:batch_list", ["in_batch", "paid"]),
        ("payments:second_approval_queue", []),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    client, walk, leader, finance, url_name, states, federation, administrator
):
    user = leader if url_name == "payments:second_approval_queue" else finance
    client.force_login(user)
    url = reverse(url_name)
    client.get(url)

    def grow():
        for state in states:
            walk(state)
        if url_name == "payments:second_approval_queue":
            walk("approved", amount="1200")
        else:
            CampaignFactory(organisation=federation, created_by=administrator)

    grow()
    first = _count_queries(client, url)
    grow()
    grow()
    assert _count_queries(client, url) == first


def test_batch_page_runs_a_fixed_number_of_queries(client, campaign, walk, finance):
    small = services.create_batch(campaign, [walk("approved").pk], by=finance)
    large = services.create_batch(campaign, [walk("approved").pk for _ in range(6)], by=finance)
    client.force_login(finance)
    client.get(small.get_absolute_url())
    assert _count_queries(client, small.get_absolute_url()) == _count_queries(
        client, large.get_absolute_url()
    )


def test_payment_page_offers_no_step_the_four_eyes_rule_refuses(client, walk, finance, finance2):
    paid = walk("paid")
    client.force_login(finance)
    assert "reverse" not in client.get(paid.get_absolute_url()).context["actions"]
    client.force_login(finance2)
    assert "reverse" in client.get(paid.get_absolute_url()).context["actions"]


def test_history_reasons_of_system_steps_are_shown_in_the_readers_language(client, walk, finance):
    payment = walk("approved")
    client.force_login(finance)
    client.cookies.load({"django_language": "en"})
    response = client.get(payment.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    reasons = [row["reason"] for row in response.context["history"]]
    assert reasons == ["First approval given", "Submitted for approval", "Drafted"]
    assert payment.history.first().history_change_reason == "一级审批通过"


def test_form_labels_carry_no_trailing_colon_like_the_rest_of_the_app(
    client, officer, case, campaign
):
    client.force_login(officer)
    body = client.get(reverse("payments:payment_create") + f"?case={case.pk}").content.decode()
    assert "慰问活动</label>" in body
    assert "慰问活动:" not in body and "慰问活动：" not in body

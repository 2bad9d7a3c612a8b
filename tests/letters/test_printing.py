"""Who may print what, the print log and the access log (PDF rendering faked: see conftest)."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.roles import Role
from audits.models import AccessLog
from core.access import AccessAction
from jobs.models import Job, JobStatus
from letters import views
from letters.models import PrintChannel, PrintedPayment, PrintKind, PrintRecord
from payments.models import BatchLine, DisbursementBatch, PaymentMethod, PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.factories import CaseFactory, PersonFactory, make_user

from .factories import CampaignFactory, PaymentFactory


@pytest.fixture
def campaign(federation):
    return CampaignFactory(organisation=federation, name="2020年春节送温暖")


@pytest.fixture
def payment(union_a, campaign):
    return PaymentFactory(organisation=union_a, campaign=campaign, name="张三")


def test_printing_a_letter_records_who_what_and_when(client, officer, payment, fake_pdf):
    client.force_login(officer)
    response = client.get(reverse("letters:payment_letter", args=[payment.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    record = PrintRecord.objects.get()
    assert (record.kind, record.channel, record.printed_by) == (
        PrintKind.LETTER,
        PrintChannel.WEB,
        officer,
    )
    assert record.organisation == officer.organisation
    assert list(record.payments.all()) == [payment]
    log = AccessLog.objects.get(action=AccessAction.PRINT)
    assert (log.user, log.object_type, log.object_id) == (
        officer,
        "payments.payment",
        str(payment.pk),
    )
    assert log.detail["print_record"] == record.pk
    assert_audit_intact()


def test_a_payment_of_another_union_is_not_found_and_the_attempt_is_logged(
    client, officer_b, payment, fake_pdf
):
    client.force_login(officer_b)
    response = client.get(reverse("letters:payment_letter", args=[payment.pk]))
    assert response.status_code == 404
    assert AccessLog.objects.filter(action=AccessAction.OUT_OF_SCOPE).exists()
    assert not PrintRecord.objects.exists() and fake_pdf == []


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEADER, Role.ADMINISTRATOR])
def test_roles_without_the_print_permission_are_refused(
    client, federation, payment, role, fake_pdf
):
    client.force_login(make_user(role, federation))
    assert client.get(reverse("letters:payment_letter", args=[payment.pk])).status_code == 403
    assert client.get(reverse("letters:case_letter", args=[payment.case_id])).status_code == 403
    url = reverse("letters:campaign_letters", args=[payment.campaign_id])
    assert client.post(url).status_code == 403
    assert not PrintRecord.objects.exists()
    assert AccessLog.objects.filter(action=AccessAction.DENIED).count() == 3


def test_a_draft_payment_has_no_letter_yet(client, officer, union_a, campaign, fake_pdf):
    draft = PaymentFactory(organisation=union_a, campaign=campaign, status=PaymentStatus.DRAFT)
    client.force_login(officer)
    response = client.get(reverse("letters:payment_letter", args=[draft.pk]))
    assert response.status_code == 409
    assert "草稿" in response.content.decode()
    assert not PrintRecord.objects.exists()


def test_a_case_letter_uses_the_cases_approved_payment(client, officer, payment, fake_pdf):
    client.force_login(officer)
    response = client.get(reverse("letters:case_letter", args=[payment.case_id]))
    assert response.status_code == 200
    assert list(PrintRecord.objects.get().payments.all()) == [payment]


def test_a_case_without_payment_gets_a_letter_without_money(client, officer, union_a, fake_pdf):
    case = CaseFactory(person=PersonFactory(organisation=union_a))
    client.force_login(officer)
    response = client.get(reverse("letters:case_letter", args=[case.pk]))
    assert response.status_code == 200
    record = PrintRecord.objects.get()
    assert (record.case, record.payment_count) == (case, 0)
    log = AccessLog.objects.get(action=AccessAction.PRINT)
    assert (log.object_type, log.object_id) == ("cases.case", str(case.pk))


def test_a_case_of_another_union_is_not_found(client, officer_b, payment, fake_pdf):
    client.force_login(officer_b)
    assert client.get(reverse("letters:case_letter", args=[payment.case_id])).status_code == 404


def test_a_small_campaign_is_printed_at_once_with_every_payment_recorded(
    client, finance, union_a, union_b, campaign, fake_pdf
):
    payments = [PaymentFactory(organisation=org, campaign=campaign) for org in (union_a, union_b)]
    client.force_login(finance)
    response = client.post(reverse("letters:campaign_letters", args=[campaign.pk]))
    assert response.status_code == 200 and fake_pdf == [("letters", 2)]
    record = PrintRecord.objects.get()
    assert (record.campaign, record.payment_count) == (campaign, 2)
    assert set(record.payments.all()) == set(payments)
    assert_audit_intact()


def test_an_officer_prints_only_the_campaign_letters_of_their_union(
    client, officer, union_a, union_b, campaign, fake_pdf
):
    mine = PaymentFactory(organisation=union_a, campaign=campaign)
    PaymentFactory(organisation=union_b, campaign=campaign)
    client.force_login(officer)
    page = client.get(reverse("letters:campaign_letters", args=[campaign.pk]))
    assert page.context["count"] == 1
    client.post(reverse("letters:campaign_letters", args=[campaign.pk]))
    assert list(PrintRecord.objects.get().payments.all()) == [mine]


def test_a_large_campaign_runs_in_the_background_and_offers_the_file(
    client, finance, union_a, campaign, fake_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "IMMEDIATE_LIMIT", 2)
    for _ in range(3):
        PaymentFactory(organisation=union_a, campaign=campaign)
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:campaign_letters", args=[campaign.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (3, 3)
    assert job.result_name.endswith(".pdf") and job.result_file.read().startswith(b"%PDF")
    record = PrintRecord.objects.get()
    assert (record.channel, record.printed_by, record.payment_count) == (
        PrintChannel.JOB,
        finance,
        3,
    )


def test_a_campaign_with_no_approved_payments_says_so(client, finance, union_a, campaign, fake_pdf):
    PaymentFactory(organisation=union_a, campaign=campaign, status=PaymentStatus.SUBMITTED)
    client.force_login(finance)
    url = reverse("letters:campaign_letters", args=[campaign.pk])
    assert "没有可打印的慰问信" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 409 and "没有已审批或已发放的慰问金" in response.content.decode()
    assert not PrintRecord.objects.exists()


def test_a_batch_signoff_lists_the_batch_except_failed_lines(
    client, finance, federation, union_a, campaign, fake_pdf
):
    batch = DisbursementBatch.objects.create(
        reference="B2020001", campaign=campaign, organisation=federation, created_by=finance
    )
    sent = PaymentFactory(organisation=union_a, campaign=campaign, status=PaymentStatus.IN_BATCH)
    failed = PaymentFactory(organisation=union_a, campaign=campaign, status=PaymentStatus.APPROVED)
    BatchLine.objects.create(batch=batch, payment=sent, amount=sent.amount)
    BatchLine.objects.create(batch=batch, payment=failed, amount=failed.amount, result="failed")
    client.force_login(finance)
    response = client.get(reverse("letters:batch_signoff", args=[batch.pk]))
    assert response.status_code == 200
    record = PrintRecord.objects.get()
    assert (record.kind, record.batch, list(record.payments.all())) == (
        PrintKind.SIGNOFF,
        batch,
        [sent],
    )


def test_a_campaign_without_cash_payments_has_no_signoff_sheet(client, finance, payment, fake_pdf):
    client.force_login(finance)
    response = client.get(reverse("letters:campaign_signoff", args=[payment.campaign_id]))
    assert response.status_code == 409 and "现金" in response.content.decode()


def test_a_campaign_signoff_records_the_cash_payments(client, finance, union_a, campaign, fake_pdf):
    cash = PaymentFactory(organisation=union_a, campaign=campaign, method=PaymentMethod.CASH)
    PaymentFactory(organisation=union_a, campaign=campaign)
    client.force_login(finance)
    assert client.get(reverse("letters:campaign_signoff", args=[campaign.pk])).status_code == 200
    assert list(PrintRecord.objects.get(kind=PrintKind.SIGNOFF).payments.all()) == [cash]


def test_the_payment_page_tag_shows_its_print_history(client, officer, payment, fake_pdf):
    client.force_login(officer)
    client.get(reverse("letters:payment_letter", args=[payment.pk]))
    tag = Template("{% load letters_tags %}{% print_history payment %}")
    html = tag.render(Context({"payment": payment, "user": officer}))
    assert str(officer) in html and "慰问信" in html and "网页" in html  # the name, not the login
    assert reverse("letters:payment_letter", args=[payment.pk]) in html
    auditor = make_user(Role.AUDITOR, officer.organisation)
    assert "letter.pdf" not in tag.render(Context({"payment": payment, "user": auditor}))
    unprinted = PaymentFactory(campaign=payment.campaign, status=PaymentStatus.SUBMITTED)
    html = tag.render(Context({"payment": unprinted, "user": officer}))
    assert "尚未打印过" in html and "letter.pdf" not in html


def make_prints(count, by, campaign, payments):
    for _ in range(count):
        record = PrintRecord.objects.create(
            kind=PrintKind.LETTER,
            channel=PrintChannel.WEB,
            printed_by=by,
            printed_by_name=by.username,
            organisation=by.organisation,
            campaign=campaign,
            payment_count=len(payments),
        )
        PrintedPayment.objects.bulk_create(
            PrintedPayment(record=record, payment=p) for p in payments
        )


def test_the_print_log_runs_a_fixed_number_of_queries(
    client, auditor, finance, campaign, payment, django_assert_num_queries
):
    client.force_login(auditor)
    url = reverse("letters:print_log")
    make_prints(2, finance, campaign, [payment])
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(8) as few:
        assert client.get(url).status_code == 200
    make_prints(30, finance, campaign, [payment])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 32


def test_the_print_log_is_for_auditors_in_scope(
    client, officer, officer_b, auditor, campaign, payment
):
    make_prints(1, officer, campaign, [payment])
    make_prints(1, officer_b, campaign, [])
    client.force_login(officer)
    assert client.get(reverse("letters:print_log")).status_code == 403
    auditor_b = make_user(Role.AUDITOR, officer_b.organisation)
    client.force_login(auditor_b)
    records = client.get(reverse("letters:print_log")).context["page"]
    assert [r.printed_by for r in records] == [officer_b]
    mine = PrintRecord.objects.get(printed_by=officer)
    assert client.get(reverse("letters:print_record", args=[mine.pk])).status_code == 404
    client.force_login(auditor)
    page = client.get(reverse("letters:print_record", args=[mine.pk]))
    assert page.status_code == 200 and payment.reference in page.content.decode()


def test_a_name_no_installed_font_can_draw_is_refused_naming_the_character(
    client, officer, union_a, campaign, fake_pdf, monkeypatch
):
    from core import fonts

    real = fonts.run_fc_list
    monkeypatch.setattr(
        fonts, "run_fc_list", lambda pattern: [] if pattern == ":charset=21484" else real(pattern)
    )
    fonts._covered.cache_clear()
    payment = PaymentFactory(organisation=union_a, campaign=campaign, name="李𡒄")
    client.force_login(officer)
    try:
        response = client.get(reverse("letters:payment_letter", args=[payment.pk]))
    finally:
        fonts._covered.cache_clear()
    assert response.status_code == 409
    text = response.content.decode()
    assert "李𡒄" in text and "U+21484" in text and "方框" in text
    assert fake_pdf == [] and not PrintRecord.objects.exists()


def test_the_campaign_list_runs_a_fixed_number_of_queries(
    client, finance, federation, django_assert_num_queries
):
    client.force_login(finance)
    url = reverse("letters:campaign_list")
    CampaignFactory(organisation=federation)
    client.get(url)
    with django_assert_num_queries(8) as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        CampaignFactory(organisation=federation)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url).context["page"]) == 11


def test_a_job_for_a_campaign_outside_the_owners_scope_fails_readably(officer, union_b):
    from jobs.execution import execute_job

    other = CampaignFactory(organisation=union_b)
    job = Job.objects.create(
        kind="letters.campaign_pdf", title="t", owner=officer, params={"campaign_id": other.pk}
    )
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "管辖范围" in job.message
    assert not PrintRecord.objects.exists()


def test_a_print_records_page_runs_a_fixed_number_of_queries(
    client, auditor, finance, union_a, campaign, django_assert_num_queries
):
    small = [PaymentFactory(organisation=union_a, campaign=campaign) for _ in range(2)]
    large = small + [PaymentFactory(organisation=union_a, campaign=campaign) for _ in range(20)]
    make_prints(1, finance, campaign, small)
    make_prints(1, finance, campaign, large)
    first, second = PrintRecord.objects.order_by("id")
    client.force_login(auditor)
    client.get(reverse("letters:print_record", args=[first.pk]))
    with django_assert_num_queries(9) as few:
        assert client.get(reverse("letters:print_record", args=[first.pk])).status_code == 200
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("letters:print_record", args=[second.pk]))
    assert len(page.context["page"]) == 22

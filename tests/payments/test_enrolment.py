"""按条件批量起草: the preview names everyone skipped and why; the job drafts via the services."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import Job, JobStatus
from payments import services
from payments.enrolment import Filters, enrol, preview_enrolment
from payments.models import Payment, PaymentStatus
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def verified_case(union, officer, **person):
    return CaseFactory(
        person=PersonFactory(organisation=union, **person),
        opened_by=officer,
        status="verified",
    )


@pytest.fixture
def people(union_a, union_b, officer, officer_b, campaign):
    ward = OrganisationFactory(code="EDU01-9", name="第一中学后勤工会", parent=union_a)
    ok = [verified_case(union_a, officer, name=f"甲{n}") for n in range(3)]
    ward_case = verified_case(ward, officer, name="后勤乙", is_model_worker=True)
    unverified = CaseFactory(
        person=PersonFactory(organisation=union_a, name="未核实丙"),
        opened_by=officer,
        file_stage="",
    )
    has_payment = verified_case(union_a, officer, name="已领丁")
    services.draft_payment(has_payment, campaign, by=officer)
    over_cap = verified_case(union_a, officer, name="超限戊")
    big = services.draft_payment(
        over_cap, campaign, by=officer, amount="2800", justification="重病"
    )
    services.cancel_payment(big, by=officer)  # frees the campaign, keeps nothing committed
    other = verified_case(union_b, officer_b, name="外单位己")
    return {
        "ok": ok,
        "ward": ward_case,
        "unverified": unverified,
        "has_payment": has_payment,
        "over_cap": over_cap,
        "other": other,
        "ward_union": ward,
    }


def test_the_preview_counts_totals_and_names_every_skipped_person_with_the_reason(
    people, campaign, officer, finance, administrator
):
    from payments.models import Campaign

    # 超限戊 already had 2,800 approved this year in another campaign.
    other = Campaign.objects.create(
        name="另一活动",
        year=campaign.year,
        kind="warmth",
        organisation=campaign.organisation,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        budget=Decimal("9000"),
        funding_source="federation",
        annual_cap=Decimal("3000"),
        second_approval_threshold=Decimal("5000"),
        status="open",
        created_by=administrator,
    )
    from payments.models import CampaignStandard

    CampaignStandard.objects.create(campaign=other, category="hardship", amount=Decimal("2800"))
    p = services.draft_payment(people["over_cap"], other, by=officer)
    services.submit_payment(p, by=officer)
    services.approve_payment(p, by=finance)
    services.allocate_campaign(
        campaign,
        campaign.organisation.children.get(code="EDU01"),
        by=administrator,
        amount="1200",
        places=5,
    )

    preview = preview_enrolment(officer, campaign, Filters(category="hardship"))

    names = sorted(c.person.name for c, _a in preview.included)
    assert names == ["后勤乙", "甲0", "甲1", "甲2"]
    assert preview.total == Decimal("2000.00")  # four at the 500 relative standard
    assert preview.allocation_left == Decimal("1200.00")
    reasons = {s.case.person.name: s.reason for s in preview.skipped}
    assert reasons == {
        "未核实丙": "困难档案未审批（未在档或未完成本年度复核）",
        "已领丁": "本活动中已有一笔有效的慰问金",
        "超限戊": "超过每人年度上限：2026 年已获 2800.00 元",
    }


def test_flags_and_unit_narrow_the_choice(people, campaign, officer):
    by_flag = preview_enrolment(
        officer, campaign, Filters(category="hardship", flags=("model_worker",))
    )
    assert [c.person.name for c, _a in by_flag.included] == ["后勤乙"]
    by_unit = preview_enrolment(
        officer, campaign, Filters(category="hardship", organisation_id=people["ward_union"].pk)
    )
    assert [c.person.name for c, _a in by_unit.included] == ["后勤乙"]


def test_the_job_drafts_and_submits_through_the_services_and_reports_skips(
    client, people, campaign, officer, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    url = reverse("payments:campaign_enrol", args=[campaign.pk])
    page = client.get(url, {"category": "hardship"})
    assert page.status_code == 200 and len(page.context["preview"].skipped) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"category": "hardship", "submit_now": "on"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.message == "已起草 5 笔（已提交 5 笔），合计 2500.00 元；跳过 2 人。"
    assert "未核实丙" in job.result_file.read().decode("utf-8-sig")
    submitted = Payment.objects.filter(status=PaymentStatus.SUBMITTED, created_by=officer)
    assert submitted.count() == 5
    assert all(p.history.filter(history_user=officer).exists() for p in submitted)


def test_a_refusal_during_the_run_skips_that_person_and_goes_on(people, campaign, officer):
    first = people["ok"][0]
    services.draft_payment(first, campaign, by=officer)  # drafted after the preview was made
    outcome = enrol(officer, campaign, Filters(category="hardship"), submit=False)
    assert outcome.drafted == 4
    assert any(name == "甲0" for name, _u, _r in outcome.skipped)


def test_an_officer_sees_only_their_own_unions_people(people, campaign, officer_b):
    preview = preview_enrolment(officer_b, campaign, Filters(category="hardship"))
    assert [c.person.name for c, _a in preview.included] == ["外单位己"]


@pytest.mark.parametrize("who", ["finance", "leader", "auditor"])
def test_only_drafters_enrol(client, campaign, request, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("payments:campaign_enrol", args=[campaign.pk])
    assert client.get(url).status_code == 403


def test_a_campaign_outside_the_scope_is_not_found(client, union_b, officer, administrator):
    from tests.payments.factories import CampaignFactory

    foreign = CampaignFactory(organisation=union_b, created_by=administrator)
    client.force_login(officer)
    assert client.get(reverse("payments:campaign_enrol", args=[foreign.pk])).status_code == 404


def test_the_skipped_list_neutralises_a_name_a_spreadsheet_would_run(
    client, campaign, union_a, officer, django_capture_on_commit_callbacks
):
    CaseFactory(
        person=PersonFactory(organisation=union_a, name="=HYPERLINK(1)"),
        opened_by=officer,
        file_stage="",
    )
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("payments:campaign_enrol", args=[campaign.pk]), {"category": "hardship"}
        )
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.message
    rows = list(csv.reader(io.StringIO(job.result_file.read().decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_the_preview_page_runs_a_fixed_number_of_queries_whatever_the_number_of_people(
    client, people, campaign, union_a, officer, administrator, django_assert_num_queries
):
    services.allocate_campaign(campaign, union_a, by=administrator, amount="3000", places=6)
    client.force_login(officer)
    url = reverse("payments:campaign_enrol", args=[campaign.pk])
    client.get(url, {"category": "hardship"})
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"category": "hardship"})
    for n in range(4):
        verified_case(union_a, officer, name=f"新增{n}")
        CaseFactory(person=PersonFactory(organisation=union_a), opened_by=officer, file_stage="")
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url, {"category": "hardship"})
    preview = response.context["preview"]
    assert (len(preview.included), len(preview.skipped)) == (5 + 4, 2 + 4)

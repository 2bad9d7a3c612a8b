"""Issue 17, "Done means": a 送温暖 season tried as a new user would.

The administrator allocates the campaign to unions (an over-budget plan is refused), an officer
enrols 200 people from a filter in one go and sees who was skipped and why, approvals stop at the
union's allocation, the leader's inbox shows what waits for them, the occasion calendar plans
visits and tells the officer, and the e-mail digest arrives at a local SMTP server.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import OccasionDay
from cases.tasks import daily_casework
from jobs.models import Job, JobStatus
from notifications.models import Notification, NotificationKind
from notifications.services import send_digests
from payments import services
from payments.exceptions import AllocationExceeded
from payments.models import Payment, PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.factories import CaseFactory, PersonFactory, make_user
from tests.notifications.test_digest import smtp  # noqa: F401  (the local SMTP server)
from tests.payments.factories import CampaignFactory

pytestmark = pytest.mark.django_db

ENROLLED = 200
FUNDED = 150  # the union's allocation pays for this many at the 500 standard


def test_a_warmth_season_from_allocation_to_the_digest(  # noqa: PLR0915 - one journey
    client,
    federation,
    union_a,
    union_b,
    administrator,
    finance,
    smtp,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    officer = make_user(Role.CASE_OFFICER, union_a, username="season_o", email="o@example.org")
    leader = make_user(Role.LEADER, federation, username="season_l", email="l@example.org")
    campaign = CampaignFactory(
        organisation=federation, created_by=administrator, budget=Decimal("200000.00")
    )

    # The administrator allocates: a plan over the budget is refused, a fitting one is kept.
    with pytest.raises(Exception, match="预算"):
        services.allocate_campaign(
            campaign, union_b, by=administrator, amount="200000.01", places=10
        )
    services.allocate_campaign(
        campaign,
        union_a,
        by=administrator,
        amount=str(FUNDED * 500 + 1500),
        places=ENROLLED + 1,
    )
    services.allocate_campaign(campaign, union_b, by=administrator, amount="5000", places=10)

    # 200 people in file, 3 whose file is not approved.
    for n in range(ENROLLED):
        CaseFactory(
            person=PersonFactory(organisation=union_a, name=f"职工{n:03d}"),
            opened_by=officer,
            status="verified",
        )
    for n in range(3):
        CaseFactory(
            person=PersonFactory(organisation=union_a, name=f"未审批{n}"),
            opened_by=officer,
            file_stage="",
        )
    # One large payment above the threshold, for the leader.
    big_case = CaseFactory(
        person=PersonFactory(organisation=union_a, name="重病甲", household_size=1),
        opened_by=officer,
        status="verified",
    )
    big = services.draft_payment(
        big_case, campaign, by=officer, amount="1500", justification="重病住院"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_payment(big, by=officer)
        services.approve_payment(big, by=finance)

    # The officer enrols from a filter: the preview names the skipped, the job drafts them all.
    client.force_login(officer)
    url = reverse("payments:campaign_enrol", args=[campaign.pk])
    preview = client.get(url, {"category": "hardship"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert len(preview.context["preview"].included) == ENROLLED
    skipped = {s.case.person.name: s.reason for s in preview.context["preview"].skipped}
    assert set(skipped) == {"未审批0", "未审批1", "未审批2", "重病甲"}
    assert "困难档案未审批" in skipped["未审批0"] and "未审批0" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"category": "hardship", "submit_now": "on"})
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.message
    submitted = list(
        Payment.objects.filter(status=PaymentStatus.SUBMITTED, campaign=campaign).order_by("id")
    )
    assert len(submitted) == ENROLLED

    # Finance approves one by one: approvals stop at the union's allocation.
    refused = []
    for payment in submitted:
        try:
            services.approve_payment(payment, by=finance)
        except AllocationExceeded as error:
            refused.append(str(error))
    assert len(refused) == ENROLLED - FUNDED
    assert "下拨" in refused[0] or "分配" in refused[0]
    approved = Payment.objects.filter(
        campaign=campaign, organisation=union_a, status=PaymentStatus.APPROVED
    )
    assert approved.count() == FUNDED + 1

    # The leader's inbox shows the payment above the threshold.
    client.force_login(leader)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert big.reference in inbox and "等待您复审" in inbox

    # The occasion calendar: visits planned ahead, the officer told ten days before.
    soon = timezone.localdate() + datetime.timedelta(days=7)
    OccasionDay.objects.create(
        code="season_day",
        name="职工关爱日",
        month=soon.month,
        day=soon.day,
        concerns=["hardship"],
    )
    counts = daily_casework(timezone.localdate())
    assert counts["planned"] >= ENROLLED and counts["occasions"] >= 1
    [notice] = Notification.objects.filter(recipient=officer, kind=NotificationKind.OCCASION)
    assert "职工关爱日" in notice.text

    # The daily digest reaches the local SMTP server.
    sent, _included = send_digests(connection=smtp.connection)
    assert sent >= 2
    delivered = {tuple(to): message for to, message in smtp.received}
    assert "职工关爱日" in delivered[("o@example.org",)].get_body().get_content()
    assert big.reference in delivered[("l@example.org",)].get_body().get_content()
    assert_audit_intact()

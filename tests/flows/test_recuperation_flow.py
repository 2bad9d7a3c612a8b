"""疗休养 as a new user would do it, through the pages: the federation sets up a programme and
quotas, two unions nominate, the federation approves, a person declines and is replaced, the
roster and notices print, attendance and costs are recorded, and the audit trail is intact."""

import datetime

from django.urls import reverse
from django.utils import timezone

from letters.models import PrintKind, PrintRecord
from recuperation.models import Nomination, NominationStatus, Programme
from recuperation.selectors import recuperation_usage
from tests.audit_helpers import assert_audit_intact
from tests.factories import PersonFactory


def test_recuperation_from_set_up_to_attendance(
    client, administrator, officer, officer_b, leader, finance, union_a, union_b, auditor
):
    today = timezone.localdate()
    starts = today + datetime.timedelta(days=20)
    client.force_login(administrator)
    client.post(
        reverse("recuperation:programme_create"),
        {
            "name": "医护人员疗休养",
            "year": today.year,
            "kind": "medical",
            "funding_source": "federation",
            "budget": "20000",
            "repeat_window_years": 3,
        },
    )
    programme = Programme.objects.get()
    client.post(
        reverse("recuperation:session_add", args=[programme.pk]),
        {
            "destination": "千岛湖",
            "provider": "千岛湖疗休养院",
            "starts_on": starts.isoformat(),
            "ends_on": (starts + datetime.timedelta(days=5)).isoformat(),
            "capacity": 4,
            "cost_per_person": "2800.00",
            "registration_deadline": (today + datetime.timedelta(days=10)).isoformat(),
        },
    )
    session = programme.sessions.get()
    for union, places in ((union_a, 2), (union_b, 2)):
        client.post(
            reverse("recuperation:quota_set", args=[programme.pk]),
            {"organisation": union.pk, "places": places},
        )

    people = {}
    for officer_user, union, names in ((officer, union_a, "甲乙"), (officer_b, union_b, "丙丁")):
        client.force_login(officer_user)
        for name in names:
            person = PersonFactory(organisation=union, name=name, is_frontline_medical=True)
            people[name] = person
            client.post(
                reverse("recuperation:nominate", args=[session.pk]),
                {"id_number": person.id_number, "emergency_contact": f"{name}家属 13900000000"},
            )
    assert Nomination.objects.filter(status=NominationStatus.NOMINATED).count() == 4

    client.force_login(leader)
    for nomination in Nomination.objects.all():
        client.post(reverse("recuperation:nomination_step", args=[nomination.pk, "approve"]))
    assert Nomination.objects.filter(status=NominationStatus.APPROVED).count() == 4

    client.force_login(officer)
    declined = Nomination.objects.get(person=people["乙"])
    client.post(
        reverse("recuperation:nomination_step", args=[declined.pk, "decline"]),
        {"reason": "家中老人住院"},
    )
    substitute = PersonFactory(organisation=union_a, name="戊", is_hubei_team=True)
    client.post(
        reverse("recuperation:nomination_replace", args=[declined.pk]),
        {"id_number": substitute.id_number},
    )
    replacement = Nomination.objects.get(person=substitute)
    assert replacement.replaces == declined

    client.force_login(leader)
    client.post(reverse("recuperation:nomination_step", args=[replacement.pk, "approve"]))
    for officer_user in (officer, officer_b):
        client.force_login(officer_user)
        for nomination in Nomination.objects.filter(
            status=NominationStatus.APPROVED, organisation=officer_user.organisation
        ):
            client.post(reverse("recuperation:nomination_step", args=[nomination.pk, "confirm"]))
    assert Nomination.objects.filter(status=NominationStatus.CONFIRMED).count() == 4

    client.force_login(finance)
    assert client.get(reverse("recuperation:roster_pdf", args=[session.pk])).status_code == 200
    notices = client.get(reverse("recuperation:session_notices", args=[session.pk]))
    assert notices["Content-Type"] == "application/pdf"
    assert PrintRecord.objects.get(kind=PrintKind.RECUPERATION_NOTICE).page_count == 4

    # after the session starts, the federation records attendance and costs
    session.starts_on = today
    session.registration_deadline = today
    session.save()
    for nomination in Nomination.objects.filter(status=NominationStatus.CONFIRMED):
        step = "absent" if nomination.person == people["丁"] else "attended"
        client.post(reverse("recuperation:nomination_step", args=[nomination.pk, step]))
    assert Nomination.objects.filter(status=NominationStatus.ATTENDED).count() == 3

    usage = recuperation_usage(auditor, today.year)
    assert usage.places == 3 and usage.absent == 1 and str(usage.cost) == "8400.00"
    client.force_login(auditor)
    page = client.get(replacement.get_absolute_url()).content.decode()
    assert "替补" in page
    assert_audit_intact()

"""An officer on a phone: finds a person, opens a case, records a visit with a photo, verifies
the case, and sees it on the dashboard and the case page."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from cases.models import Attachment, Case, CaseStatus, Visit
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import jpeg_bytes, person_in, poverty_line, upload


def test_from_opening_a_case_to_verifying_it_after_a_visit(
    client, officer, union_a, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    poverty_line(amount="1000.00")
    person = person_in(
        union_a, name="陈静", household_size=3, household_monthly_income=Decimal("2400.00")
    )
    client.force_login(officer)
    phone = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"}

    # Find the person.
    found = client.get(reverse("cases:case_open"), {"q": person.id_number[-4:]}, **phone)
    assert [p.pk for p in found.context["people"]] == [person.pk]

    # Open the case: 800 per head is below the line, so the suggestion is "deep".
    form = client.get(reverse("cases:case_open"), {"person": person.pk}, **phone)
    assert form.context["eligibility"].suggested_level == "deep"
    opened = client.post(
        reverse("cases:case_open") + f"?person={person.pk}",
        {"category": "hardship", "causes": ["illness", "education"], "summary": "丈夫重病"},
        **phone,
    )
    case = Case.objects.get(person=person)
    assert opened.status_code == 302 and opened["Location"] == case.get_absolute_url()
    assert case.hardship_level == "deep" and case.status == CaseStatus.OPEN

    # Verifying before any visit is refused.
    client.post(reverse("cases:case_verify", args=[case.pk]), **phone)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    # Record a visit with a photo taken on the phone.
    today = timezone.localdate()
    recorded = client.post(
        reverse("cases:visit_create", args=[case.pk]),
        {
            "visit_date": today.isoformat(),
            "kind": "home",
            "place": "幸福小区3号楼",
            "findings": "丈夫住院，孩子上初中，家庭开支紧张。",
            "needs": "医疗费用",
            "goods_handed_over": "米、油",
            "goods_value": "150.00",
            "attachments": [upload("IMG_0001.jpg", jpeg_bytes())],
        },
        **phone,
    )
    visit = Visit.objects.get(case=case)
    assert recorded.status_code == 302 and recorded["Location"] == visit.get_absolute_url()
    attachment = Attachment.objects.get(visit=visit)
    assert attachment.content_type == "image/jpeg" and attachment.thumbnail

    page = client.get(visit.get_absolute_url(), **phone)
    assert reverse("cases:attachment_thumbnail", args=[attachment.pk]) in page.content.decode()

    # Verify.
    verified = client.post(
        reverse("cases:case_verify", args=[case.pk]), {"note": "入户核实"}, follow=True, **phone
    )
    assert "个案已核实。" in verified.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED
    assert case.last_verified_on == today
    assert [r.history_user for r in case.history.all()] == [officer, officer]

    # The dashboard and the case page show it.
    dashboard = client.get(reverse("cases:dashboard"), **phone)
    assert case in dashboard.context["board"].my_open_cases
    assert visit in dashboard.context["board"].month_visits
    detail = client.get(case.get_absolute_url(), **phone).content.decode()
    assert "已核实" in detail and "入户核实" in detail and "陈静" in detail
    assert_audit_intact()

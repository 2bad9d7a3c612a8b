import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audits.models import AccessLog
from cases.models import Case, CaseStatus, Visit
from cases.services import add_attachment, close_case, open_case, reopen_case, verify_case
from core.access import AccessAction
from payments.services import draft_payment
from tests.cases.factories import (
    backdate,
    exe_bytes,
    hardship_case,
    jpeg_bytes,
    pdf_bytes,
    person_in,
    poverty_line,
    upload,
    visit,
)
from tests.factories import make_user
from tests.payments.factories import CampaignFactory


@pytest.fixture
def case(union_a, officer):
    person = person_in(
        union_a, name="刘芳", household_size=4, household_monthly_income=Decimal("3000.00")
    )
    return backdate(hardship_case(person, officer, causes=["illness"]), days=60)


def detail(case):
    return reverse("cases:case_detail", args=[case.pk])


def test_the_case_page_shows_person_eligibility_and_one_timeline(client, officer, case):
    poverty_line(amount="1000.00")
    visit(case, officer, days_ago=10, place="家中", findings="丈夫卧床，需要护理。")
    verify_case(case, by=officer, note="入户核实")
    close_case(case, by=officer, reason="resolved", note="已就业")
    reopen_case(case, by=officer, reason="再次失业")
    client.force_login(officer)

    response = client.get(detail(case))

    body = response.content.decode()
    assert response.status_code == 200
    assert "刘芳" in body and case.person.masked_id_number in body
    assert case.person.id_number not in body
    assert "¥750.00" in body  # per-capita income
    assert "¥1,000.00" in body and "¥2,000.00" in body  # the line and twice the line
    assert "深度困难" in body  # suggestion: 750 < 1000
    assert "患病" in body
    titles = [entry.title for entry in response.context["timeline"]]
    assert titles == ["重新开启", "结案", "核实", "走访（入户）", "立案"]
    assert "再次失业" in body  # the reopening's reason
    assert "丈夫卧床" in body


def test_a_case_outside_the_scope_is_404_and_logged(client, officer_b, case):
    client.force_login(officer_b)
    assert client.get(detail(case)).status_code == 404
    assert AccessLog.objects.filter(
        action=AccessAction.OUT_OF_SCOPE, object_type="cases.case", object_id=str(case.pk)
    ).exists()


def test_a_missing_case_is_404_without_a_log(client, officer):
    client.force_login(officer)
    assert client.get(reverse("cases:case_detail", args=[999999])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.OUT_OF_SCOPE).exists()


@pytest.mark.parametrize("role", ["finance", "auditor"])
def test_readers_see_the_case_without_action_buttons(request, client, role, case):
    client.force_login(request.getfixturevalue(role))
    response = client.get(detail(case))
    assert response.status_code == 200
    assert reverse("cases:visit_create", args=[case.pk]) not in response.content.decode()


@pytest.mark.parametrize("role", ["auditor", "finance"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cases:case_verify", {}),
        ("cases:case_close", {"reason": "resolved"}),
        ("cases:visit_create", {"visit_date": "2020-01-01", "kind": "home", "findings": "x"}),
    ],
)
def test_posts_of_readers_are_refused_and_change_nothing(
    request, client, officer, case, role, name, data
):
    visit(case, officer)
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse(name, args=[case.pk]), data)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert Visit.objects.count() == 1
    assert AccessLog.objects.filter(action=AccessAction.DENIED).exists()


def test_an_auditor_cannot_reopen(client, officer, auditor, case):
    close_case(case, by=officer, reason="resolved")
    client.force_login(auditor)
    response = client.post(reverse("cases:case_reopen", args=[case.pk]), {"reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_an_officer_outside_the_scope_cannot_post_actions(client, officer, officer_b, case):
    visit(case, officer)
    client.force_login(officer_b)
    assert client.post(reverse("cases:case_verify", args=[case.pk])).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_verifying_without_a_visit_shows_the_reason(client, officer, case):
    client.force_login(officer)
    response = client.post(reverse("cases:case_verify", args=[case.pk]), follow=True)
    assert "须至少走访一次后才能核实" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_closing_through_the_page_needs_a_reason(client, officer, case):
    client.force_login(officer)
    url = reverse("cases:case_close", args=[case.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, {"reason": "", "note": "x"})
    assert refused.status_code == 400
    assert "请选择结案原因。" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN

    done = client.post(url, {"reason": "moved", "note": "随子女迁居外省"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closing_reason == "moved"


def test_reopening_through_the_page_needs_a_reason(client, officer, case):
    close_case(case, by=officer, reason="resolved")
    client.force_login(officer)
    url = reverse("cases:case_reopen", args=[case.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "请填写重新开启的理由。" in refused.content.decode()
    assert client.post(url, {"reason": "病情复发"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_visit_form_defaults_to_today_and_offers_the_camera(client, officer, case):
    client.force_login(officer)
    response = client.get(reverse("cases:visit_create", args=[case.pk]))
    body = response.content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body
    assert 'type="date"' in body
    assert 'accept="image/*,application/pdf"' in body
    assert 'capture="environment"' in body
    assert "multiple" in body
    assert 'enctype="multipart/form-data"' in body


def test_a_future_visit_through_the_form_is_refused_with_the_message(client, officer, case):
    client.force_login(officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("cases:visit_create", args=[case.pk]),
        {"visit_date": tomorrow.isoformat(), "kind": "home", "findings": "x"},
    )
    assert response.status_code == 200
    assert "晚于今天" in response.content.decode()
    assert not Visit.objects.exists()


def test_an_executable_photo_through_the_form_is_refused(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("cases:visit_create", args=[case.pk]),
        {
            "visit_date": timezone.localdate().isoformat(),
            "kind": "home",
            "findings": "x",
            "attachments": [upload("photo.jpg", exe_bytes())],
        },
    )
    assert "不是 JPEG、PNG 图片或 PDF 文件" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_open_case_form_refuses_a_person_outside_the_scope(client, officer, union_b):
    client.force_login(officer)
    stranger = person_in(union_b)
    response = client.get(reverse("cases:case_open"), {"person": stranger.pk})
    assert response.status_code == 404


def test_the_open_case_form_shows_a_duplicate_as_a_message(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("cases:case_open") + f"?person={case.person_id}",
        {"category": "hardship", "hardship_level": "relative"},
    )
    assert response.status_code == 200
    assert "同类别的未结案个案" in response.content.decode()
    assert Case.objects.count() == 1


def test_finding_a_person_before_opening_a_case_stays_in_scope(client, officer, union_a, union_b):
    person_in(union_a, name="周一")
    person_in(union_b, name="周二")
    client.force_login(officer)
    response = client.get(reverse("cases:case_open"), {"q": "周"})
    assert [p.name for p in response.context["people"]] == ["周一"]


# session, user, permissions (2), user organisation, the scope's organisation ids, the case with
# person and organisations, the federation's hardship policy, the district's poverty lines,
# history rows, visits, their companions, their attachments, roles, the payments panel's
# payments with their campaigns, and the hardship file's household members, rigid expenses,
# reviews and exit follow-ups (one prefetch each).
CASE_PAGE_QUERIES = 19


def test_the_case_page_runs_a_fixed_number_of_queries(
    client, officer, union_a, case, django_assert_num_queries, private_storage
):
    colleague = make_user(Role.CASE_OFFICER, union_a)
    poverty_line(amount="1000.00")

    def add_visits(n):
        for _ in range(n):
            v = visit(case, officer, days_ago=5, companions=[colleague])
            add_attachment(v, upload("a.jpg", jpeg_bytes()), by=officer)
            add_attachment(v, upload("b.pdf", pdf_bytes()), by=officer)

    add_visits(1)
    client.force_login(officer)
    client.get(detail(case))
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        client.get(detail(case))
    add_visits(8)
    for _ in range(3):
        draft_payment(case, CampaignFactory(organisation=union_a), by=officer)
    verify_case(case, by=officer)
    close_case(case, by=officer, reason="resolved")
    reopen_case(case, by=officer, reason="再次困难")
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        response = client.get(detail(case))
    assert len(response.context["timeline"]) == 9 + 4
    assert response.content.decode().count("/payments/") >= 3


def test_a_case_of_another_category_reads_no_hardship_file(
    client, officer, union_a, django_assert_num_queries, private_storage
):
    condolence = open_case(person_in(union_a, name="丧"), category="condolence", by=officer)
    poverty_line(amount="1000.00")
    client.force_login(officer)
    client.get(detail(condolence))
    # Not run: the four hardship-file prefetches (members, expenses, follow-ups, reviews), and
    # the visits' companions and attachments (no visits yet).
    with django_assert_num_queries(CASE_PAGE_QUERIES - 4 - 2):
        response = client.get(detail(condolence))
    assert response.status_code == 200
    assert "丧" in response.content.decode()


def test_the_visit_page_is_scoped_like_its_case(client, officer, officer_b, auditor, case):
    v = visit(case, officer)
    client.force_login(officer_b)
    assert client.get(v.get_absolute_url()).status_code == 404
    client.force_login(auditor)
    response = client.get(v.get_absolute_url())
    assert response.status_code == 200
    assert "记录走访" not in response.content.decode()


@pytest.mark.parametrize("files", [1, 6])
def test_the_visit_page_runs_a_fixed_number_of_queries(
    client, officer, case, files, django_assert_num_queries, private_storage
):
    v = visit(case, officer)
    for _ in range(files):
        add_attachment(v, upload("a.jpg", jpeg_bytes()), by=officer)
    client.force_login(officer)
    client.get(v.get_absolute_url())
    # session, user, permissions (2), user organisation, the scope's organisation ids, the visit
    # with case and person, companions, attachments, roles.
    with django_assert_num_queries(10):
        client.get(v.get_absolute_url())

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case, Visit
from cases.selectors_casework import dashboard_for
from cases.services import close_case
from tests.cases.factories import backdate, hardship_case, person_in, visit
from tests.factories import make_user

URL = reverse("cases:dashboard")


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_my_open_cases_are_those_i_opened_and_not_closed(officer, union_a):
    colleague = make_user(Role.CASE_OFFICER, union_a)
    mine = hardship_case(person_in(union_a), officer)
    hardship_case(person_in(union_a), colleague)
    close_case(hardship_case(person_in(union_a), officer), by=officer, reason="resolved")

    board = dashboard_for(officer)

    assert [c.pk for c in board.my_open_cases] == [mine.pk]
    assert board.my_open_count == 1


def test_reviews_overdue_are_in_scope_hardship_cases_verified_over_a_year_ago(
    officer, officer_b, union_a, union_b
):
    stale = hardship_case(person_in(union_a), officer)
    other_union = hardship_case(person_in(union_b), officer_b)
    Case.objects.filter(pk__in=[stale.pk, other_union.pk]).update(
        status="verified", last_verified_on=days(-400)
    )

    board = dashboard_for(officer)

    assert [c.pk for c in board.overdue_cases] == [stale.pk]
    assert board.overdue_count == 1


def test_follow_ups_due_in_the_next_seven_days_not_yet_done(officer, union_a):
    due = backdate(hardship_case(person_in(union_a, name="到期"), officer), 30)
    later = backdate(hardship_case(person_in(union_a, name="八天后"), officer), 30)
    done = backdate(hardship_case(person_in(union_a, name="已回访"), officer), 30)
    visit(due, officer, days_ago=10, follow_up_on=days(7))
    visit(later, officer, days_ago=10, follow_up_on=days(8))
    visit(done, officer, days_ago=10, follow_up_on=days(2))
    visit(done, officer, days_ago=1)  # the follow-up visit already happened

    board = dashboard_for(officer)

    assert [f.visit.case.person.name for f in board.follow_ups] == ["到期"]
    assert board.follow_up_count == 1


def test_visits_this_month_are_counted(officer, union_a):
    case = backdate(hardship_case(person_in(union_a), officer), 90)
    visit(case, officer)
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    Visit.objects.create(
        case=case, visit_date=last_month, kind="phone", recorded_by=officer, findings="上月"
    )

    board = dashboard_for(officer)

    assert board.month_visit_count == 1


def test_the_dashboard_page_renders_for_officers_and_readers(client, officer, auditor, union_a):
    case = backdate(hardship_case(person_in(union_a, name="吴敏"), officer), 30)
    visit(case, officer, days_ago=1, follow_up_on=days(3))
    client.force_login(officer)
    body = client.get(URL).content.decode()
    assert "吴敏" in body
    assert "新建个案" in body
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    assert "新建个案" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


DASHBOARD_QUERIES = 17  # 14 + the scope's organisation ids + payment counts + occasions


@pytest.mark.parametrize("rows", [1, 12])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, officer, union_a, rows, django_assert_num_queries
):
    for _ in range(rows):
        case = backdate(hardship_case(person_in(union_a), officer), 30)
        visit(case, officer, days_ago=0, follow_up_on=days(2))
        stale = hardship_case(person_in(union_a), officer)
        Case.objects.filter(pk=stale.pk).update(status="verified", last_verified_on=days(-500))
    client.force_login(officer)
    client.get(URL)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get(URL)


def test_missed_follow_ups_stay_listed_first_with_days_overdue(
    officer, officer_b, union_a, union_b
):
    missed = backdate(hardship_case(person_in(union_a, name="已逾期"), officer), 60)
    soon = backdate(hardship_case(person_in(union_a, name="两天后"), officer), 60)
    done = backdate(hardship_case(person_in(union_a, name="已补访"), officer), 60)
    elsewhere = backdate(hardship_case(person_in(union_b, name="外单位"), officer_b), 60)
    visit(missed, officer, days_ago=30, follow_up_on=days(-12))
    visit(soon, officer, days_ago=5, follow_up_on=days(2))
    visit(done, officer, days_ago=30, follow_up_on=days(-5))
    visit(done, officer, days_ago=2)  # visited after the missed date: done
    visit(elsewhere, officer_b, days_ago=30, follow_up_on=days(-3))

    board = dashboard_for(officer)

    assert [f.visit.case.person.name for f in board.follow_ups] == ["已逾期", "两天后"]
    assert [f.days_overdue for f in board.follow_ups] == [12, 0]
    assert (board.follow_up_count, board.overdue_follow_up_count) == (2, 1)


def test_a_closed_case_drops_its_missed_follow_up(officer, union_a):
    case = backdate(hardship_case(person_in(union_a, name="已结案"), officer), 60)
    visit(case, officer, days_ago=30, follow_up_on=days(-10))
    close_case(case, by=officer, reason="resolved")
    assert dashboard_for(officer).follow_up_count == 0


def test_the_dashboard_shows_overdue_follow_ups_in_red_with_days(client, officer, union_a):
    case = backdate(hardship_case(person_in(union_a, name="周建国"), officer), 60)
    visit(case, officer, days_ago=30, follow_up_on=days(-9))
    client.force_login(officer)
    body = client.get(URL).content.decode()
    assert "周建国" in body
    assert 'class="overdue"' in body and "逾期 9 天" in body and "逾期 1 个" in body

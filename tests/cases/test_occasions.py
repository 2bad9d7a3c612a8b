"""The occasions calendar: standard occasions, dates per year, who each concerns, the visits
planned for them per union (idempotent), the notice 10 days ahead, and planned vs done."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import Role
from cases.models import (
    Audience,
    CaseCategory,
    Concern,
    OccasionDate,
    OccasionDay,
    PlannedVisit,
    Visit,
)
from cases.notices import notify_occasions
from cases.selectors_occasions import occasion_progress_for
from cases.services import close_case, open_case
from cases.services.occasions import (
    STANDARD_OCCASIONS,
    concerned_people,
    ensure_standard_calendar,
    occurrences_between,
    plan_occasion_visits,
)
from notifications.models import Notification, NotificationKind
from tests.audit_helpers import assert_audit_intact
from tests.cases.factories import hardship_case, person_in
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

D = datetime.date


def occasion(code: str) -> OccasionDay:
    ensure_standard_calendar()
    return OccasionDay.objects.get(code=code)


# --- the calendar ---------------------------------------------------------------------------


def test_the_standard_calendar_has_every_occasion_of_the_plan_with_lunar_dates_to_2030():
    ensure_standard_calendar()

    names = set(OccasionDay.objects.values_list("name", flat=True))
    assert names == {
        "元旦",
        "春节",
        "三八妇女节",
        "五一劳动节",
        "护士节",
        "六一儿童节",
        "中国医师节",
        "重阳节",
        "国际残疾人日",
    }
    spring = OccasionDay.objects.get(code="spring_festival")
    assert spring.is_lunar
    assert dict(spring.dates.values_list("year", "date")) == {
        2026: D(2026, 2, 17),
        2027: D(2027, 2, 6),
        2028: D(2028, 1, 26),
        2029: D(2029, 2, 13),
        2030: D(2030, 2, 3),
    }
    assert OccasionDay.objects.get(code="double_ninth").dates.get(year=2027).date == D(2027, 10, 8)
    nurses = OccasionDay.objects.get(code="nurses_day")
    assert (nurses.month, nurses.day) == (5, 12)
    assert set(nurses.concerns) == {Concern.FRONTLINE_MEDICAL, Concern.HUBEI_TEAM}
    assert OccasionDay.objects.get(code="womens_day").audience == Audience.WOMEN
    assert OccasionDay.history.filter(history_type="+").count() == len(STANDARD_OCCASIONS)
    assert_audit_intact()


def test_the_standard_calendar_is_written_once_and_keeps_what_the_administrator_changed():
    ensure_standard_calendar()
    OccasionDay.objects.filter(code="labour_day").update(is_active=False, lead_days=30)

    assert ensure_standard_calendar() == 0

    assert OccasionDay.objects.count() == len(STANDARD_OCCASIONS)
    assert OccasionDate.objects.count() == 10
    labour = OccasionDay.objects.get(code="labour_day")
    assert (labour.is_active, labour.lead_days) == (False, 30)


def test_occurrences_cross_the_new_year_and_read_lunar_dates_per_year():
    ensure_standard_calendar()

    found = [(o.code, d) for o, d in occurrences_between(D(2026, 12, 20), D(2027, 2, 10))]

    assert found == [("new_year", D(2027, 1, 1)), ("spring_festival", D(2027, 2, 6))]


def test_a_lunar_occasion_without_a_date_for_the_year_is_simply_not_planned():
    ensure_standard_calendar()
    found = [o.code for o, _d in occurrences_between(D(2031, 1, 15), D(2031, 2, 28))]
    assert "spring_festival" not in found


def test_a_switched_off_occasion_has_no_occurrences():
    ensure_standard_calendar()
    OccasionDay.objects.filter(code="nurses_day").update(is_active=False)
    assert [o.code for o, _d in occurrences_between(D(2027, 5, 10), D(2027, 5, 13))] == []


# --- who an occasion concerns ---------------------------------------------------------------


def test_an_occasion_concerns_people_with_any_of_its_flags(union_a):
    nurse = person_in(union_a, is_frontline_medical=True)
    hubei = person_in(union_a, is_hubei_team=True)
    person_in(union_a, is_model_worker=True)
    person_in(union_a)

    assert set(concerned_people(occasion("nurses_day"))) == {nurse, hubei}


def test_hardship_means_a_live_hardship_case(officer, union_a):
    live = person_in(union_a)
    hardship_case(live, officer)
    closed = person_in(union_a)
    close_case(hardship_case(closed, officer), by=officer, reason="resolved")
    frontline_case = person_in(union_a)
    open_case(frontline_case, category=CaseCategory.FRONTLINE, by=officer)

    assert list(concerned_people(occasion("childrens_day"))) == [live]


def test_womens_day_is_for_women_and_double_ninth_for_retirees(union_a):
    woman = person_in(union_a, gender="F", is_model_worker=True)
    person_in(union_a, gender="M", is_model_worker=True)
    retiree = person_in(union_a, employment_status="retired", is_model_worker=True)

    assert list(concerned_people(occasion("womens_day"))) == [woman]
    assert list(concerned_people(occasion("double_ninth"))) == [retiree]


def test_the_federations_own_occasion_can_be_limited_to_one_union(union_a, union_b):
    own = OccasionDay.objects.create(
        code="founding_day",
        name="工会成立纪念日",
        month=9,
        day=10,
        concerns=[Concern.MODEL_WORKER],
        organisation=union_a,
    )
    mine = person_in(union_a, is_model_worker=True)
    below = person_in(OrganisationFactory(parent=union_a), is_model_worker=True)
    person_in(union_b, is_model_worker=True)

    assert set(concerned_people(own)) == {mine, below}


# --- planned visits -------------------------------------------------------------------------


def test_visits_are_planned_per_union_within_the_lead_days(union_a, union_b):
    a = person_in(union_a, is_frontline_medical=True)
    b = person_in(union_b, is_hubei_team=True)

    assert plan_occasion_visits(D(2027, 4, 27)) == 0  # 15 days before 护士节: not yet
    assert plan_occasion_visits(D(2027, 4, 28)) == 2  # 14 days before

    plans = {p.person_id: p for p in PlannedVisit.objects.all()}
    assert plans[a.pk].organisation == union_a and plans[b.pk].organisation == union_b
    assert plans[a.pk].due_on == D(2027, 5, 12)
    assert plans[a.pk].starts_on == D(2027, 4, 28)


def test_planning_twice_adds_nothing_and_a_newly_flagged_person_is_added(union_a):
    person_in(union_a, is_frontline_medical=True)
    today = D(2027, 5, 1)
    first = plan_occasion_visits(today)
    assert plan_occasion_visits(today) == 0
    assert plan_occasion_visits(today + datetime.timedelta(days=1)) == 0

    person_in(union_a, is_hubei_team=True)

    assert plan_occasion_visits(today) == 1
    assert PlannedVisit.objects.count() == first + 1


def test_the_command_plans_and_reminds_and_refuses_a_bad_date(union_a, officer, capsys):
    person_in(union_a, is_disabled=True)

    call_command("plan_occasions", "--date", "2027-11-25")
    out = capsys.readouterr().out
    assert "planned visits: 1 new" in out and "1 occasions" in out
    call_command("plan_occasions", "--date", "2027-11-25")
    assert "planned visits: 0 new" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("plan_occasions", "--date", "2027-13-01")


def test_the_worker_task_plans_for_today_and_reminds(union_a, officer):
    from django.utils import timezone

    from cases.tasks import run_daily_casework

    soon = timezone.localdate() + datetime.timedelta(days=5)
    OccasionDay.objects.create(
        code="test_day", name="测试节", month=soon.month, day=soon.day, concerns=["disabled"]
    )
    person = person_in(union_a, is_disabled=True)

    result = run_daily_casework.enqueue()  # the test backend runs it at once

    assert result.return_value["planned"] >= 1 and result.return_value["occasions"] >= 1
    assert PlannedVisit.objects.filter(occasion__code="test_day", person=person).exists()
    assert Notification.objects.filter(recipient=officer, kind=NotificationKind.OCCASION).exists()


# --- the notice 10 days ahead ---------------------------------------------------------------


def test_officers_hear_of_an_occasion_ten_days_ahead_with_their_own_count(
    union_a, union_b, officer, officer_b, finance
):
    for _ in range(3):
        person_in(union_a, is_disabled=True)
    person_in(union_b, is_disabled=True)
    federation_officer = make_user(Role.CASE_OFFICER, union_a.parent)
    plan_occasion_visits(D(2027, 11, 20))

    assert notify_occasions(D(2027, 11, 22)) == 0  # 11 days ahead
    assert notify_occasions(D(2027, 11, 23)) == 3
    assert notify_occasions(D(2027, 11, 24)) == 0  # once per occasion date

    def text(user):
        [n] = Notification.objects.filter(recipient=user, kind=NotificationKind.OCCASION)
        return n.text

    assert "国际残疾人日" in text(officer) and "3 人" in text(officer)
    assert "1 人" in text(officer_b)
    assert "4 人" in text(federation_officer)
    assert not Notification.objects.filter(recipient=finance).exists()


def test_no_planned_visits_no_notice(officer):
    assert notify_occasions(D(2027, 11, 25)) == 0


# --- planned vs done ------------------------------------------------------------------------


def _done(person, officer, on):
    case = hardship_case(person, officer)
    return Visit.objects.create(
        case=case, visit_date=on, kind="home", recorded_by=officer, findings="节日走访"
    )


def test_progress_counts_planned_done_and_overdue_per_union_in_scope(
    union_a, union_b, officer, officer_b
):
    visited = person_in(union_a, is_frontline_medical=True)
    early = person_in(union_a, is_frontline_medical=True)
    person_in(union_a, is_frontline_medical=True)
    person_in(union_b, is_frontline_medical=True)
    plan_occasion_visits(D(2027, 5, 1))
    _done(visited, officer, D(2027, 5, 10))
    _done(early, officer, D(2027, 4, 1))  # before the plan started: does not count

    [before] = occasion_progress_for(officer, D(2027, 5, 11))
    [after] = occasion_progress_for(officer, D(2027, 5, 13))

    assert (before.organisation, before.planned, before.done, before.overdue) == (
        union_a.name,
        3,
        1,
        0,
    )
    assert not before.is_overdue
    assert (after.done, after.overdue) == (1, 2) and after.is_overdue
    [other] = occasion_progress_for(officer_b, D(2027, 5, 13))
    assert other.organisation == union_b.name and other.planned == 1


def test_the_dashboard_shows_overdue_occasions_in_red(client, union_a, officer, monkeypatch):
    from cases import selectors_casework

    person_in(union_a, name="赵护士", is_frontline_medical=True)
    plan_occasion_visits(D(2027, 5, 1))
    real = selectors_casework.occasion_progress_for
    monkeypatch.setattr(
        selectors_casework,
        "occasion_progress_for",
        lambda user, today: real(user, D(2027, 5, 20)),
    )
    client.force_login(officer)

    body = client.get(reverse("cases:dashboard")).content.decode()

    assert "节日慰问走访" in body and "护士节" in body
    assert '<tr class="overdue"><td data-label="节日"><strong>护士节</strong>' in body
    assert "逾期 1 人" in body


# --- the list of planned visits -------------------------------------------------------------

URL = reverse("cases:planned_visits")


def test_the_list_shows_only_plans_in_scope_and_filters_by_state(
    client, union_a, union_b, officer, officer_b
):
    mine = person_in(union_a, name="甲护士", is_frontline_medical=True)
    person_in(union_b, name="乙护士", is_frontline_medical=True)
    plan_occasion_visits(D(2027, 5, 1))
    client.force_login(officer)

    body = client.get(URL).content.decode()
    assert "甲护士" in body and "乙护士" not in body

    _done(mine, officer, D(2027, 5, 2))
    assert "甲护士" not in client.get(URL, {"state": "todo"}).content.decode()
    assert "甲护士" in client.get(URL, {"state": "done"}).content.decode()
    # another union's id in the filter shows nothing rather than its plans
    body = client.get(URL, {"organisation": union_b.pk}).content.decode()
    assert "乙护士" not in body and "没有符合条件的计划走访" in body


def test_roles_without_the_permission_are_refused_and_visitors_sent_to_sign_in(client, finance):
    assert client.get(URL).status_code == 302
    client.force_login(finance)
    assert client.get(URL).status_code == 403


def test_bad_filters_are_ignored_not_errors(client, officer):
    client.force_login(officer)
    response = client.get(URL, {"due_on": "2027-02-30", "organisation": "x", "state": "<b>"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 15])
def test_the_list_runs_a_fixed_number_of_queries(
    client, union_a, officer, rows, django_assert_num_queries
):
    for _ in range(rows):
        person_in(union_a, is_hubei_team=True)
    plan_occasion_visits(D(2027, 5, 1))
    client.force_login(officer)
    client.get(URL)
    with django_assert_num_queries(PLANNED_LIST_QUERIES):
        client.get(URL)


PLANNED_LIST_QUERIES = 9  # the same for 1 and 15 rows: count and rows, plus the page frame


# --- administration -------------------------------------------------------------------------


def test_the_administrator_adds_the_federations_own_occasion_in_the_admin(client, administrator):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    add = reverse("admin:cases_occasionday_add")
    form = {
        "code": "founding_day",
        "name": "工会成立纪念日",
        "month": "9",
        "day": "31",
        "concerns": ["model_worker"],
        "audience": "all",
        "lead_days": "14",
        "is_active": "on",
        "dates-TOTAL_FORMS": "0",
        "dates-INITIAL_FORMS": "0",
    }

    refused = client.post(add, form)
    assert refused.status_code == 200 and "9月没有31日" in refused.content.decode()
    assert not OccasionDay.objects.filter(code="founding_day").exists()

    client.post(add, {**form, "day": "10"})
    own = OccasionDay.objects.get(code="founding_day")
    assert own.concerns == ["model_worker"]
    assert own.history.get().history_user == administrator


def test_a_deceased_person_is_no_longer_planned_for_and_a_future_death_date_is_refused(union_a):
    from django.core.exceptions import ValidationError

    living = person_in(union_a, is_disabled=True)
    gone = person_in(union_a, is_disabled=True, deceased_on=D(2026, 11, 1))

    assert list(concerned_people(occasion("intl_disability_day"))) == [living]

    gone.deceased_on = D(2999, 1, 1)
    with pytest.raises(ValidationError) as refused:
        gone.full_clean()
    assert "去世日期不能晚于今天" in str(refused.value)
    gone.deceased_on = D(1900, 1, 1)
    with pytest.raises(ValidationError, match="不能早于出生日期"):
        gone.full_clean()

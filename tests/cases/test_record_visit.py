import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases.exceptions import (
    AttachmentRejected,
    CaseStateError,
    CaseworkNotAllowed,
    InvalidVisit,
    OutOfScope,
)
from cases.models import Attachment, Visit
from cases.services import attachments, close_case, record_visit
from tests.cases.conftest import stored_files
from tests.cases.factories import (
    backdate,
    exe_bytes,
    hardship_case,
    jpeg_bytes,
    person_in,
    upload,
    visit,
)
from tests.factories import make_user


@pytest.fixture
def case(union_a, officer):
    return backdate(hardship_case(person_in(union_a), officer), days=30)


def test_a_visit_is_recorded_with_who_went_and_what_was_handed_over(case, officer, union_a):
    colleague = make_user(Role.CASE_OFFICER, union_a)
    today = timezone.localdate()

    v = visit(
        case,
        officer,
        days_ago=3,
        kind="hospital",
        place="市人民医院",
        needs="住院押金",
        goods_handed_over="米、油",
        goods_value=Decimal("200.00"),
        money_handed_over=Decimal("500.00"),
        follow_up_on=today + datetime.timedelta(days=5),
        companions=[colleague, officer],
        companions_note="社区主任李某",
    )

    v.refresh_from_db()
    assert v.recorded_by == officer
    assert v.visit_date == today - datetime.timedelta(days=3)
    assert list(v.companions.all()) == [colleague]  # the recorder is not their own companion
    assert v.money_handed_over == Decimal("500.00")
    rows = list(v.history.all())  # the visit, then its companions (m2m history)
    assert rows and all(row.history_user == officer for row in rows)
    assert rows[0].companions.count() == 1


def test_a_visit_dated_in_the_future_is_refused(case, officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidVisit) as error:
        record_visit(case, by=officer, visit_date=tomorrow, kind="home", findings="x")
    assert "晚于今天" in error.value.message
    assert error.value.field == "visit_date"
    assert not Visit.objects.exists()


def test_a_visit_dated_before_the_case_was_opened_is_refused(case, officer):
    with pytest.raises(InvalidVisit) as error:
        visit(case, officer, days_ago=31)
    assert "早于个案立案日期" in error.value.message
    assert not Visit.objects.exists()


def test_a_visit_on_the_opening_day_is_accepted(case, officer):
    assert visit(case, officer, days_ago=30).pk


def test_findings_are_required(case, officer):
    with pytest.raises(InvalidVisit) as error:
        visit(case, officer, findings="   ")
    assert error.value.field == "findings"


def test_a_follow_up_must_come_after_the_visit(case, officer):
    with pytest.raises(InvalidVisit) as error:
        visit(case, officer, days_ago=2, follow_up_on=timezone.localdate() - datetime.timedelta(3))
    assert error.value.field == "follow_up_on"


def test_negative_amounts_are_refused(case, officer):
    with pytest.raises(InvalidVisit):
        visit(case, officer, money_handed_over=Decimal("-1"))


def test_a_closed_case_takes_no_visits(case, officer):
    close_case(case, by=officer, reason="moved")
    with pytest.raises(CaseStateError):
        visit(case, officer)
    assert not Visit.objects.exists()


def test_an_officer_of_another_union_cannot_record_a_visit(case, officer_b):
    with pytest.raises(OutOfScope):
        visit(case, officer_b)
    assert not Visit.objects.exists()


def test_an_auditor_cannot_record_a_visit(case, auditor):
    with pytest.raises(CaseworkNotAllowed):
        visit(case, auditor)
    assert not Visit.objects.exists()


def test_a_bad_attachment_refuses_the_whole_visit_and_stores_nothing(
    case, officer, private_storage
):
    good = upload("ok.jpg", jpeg_bytes())
    bad = upload("photo.jpg", exe_bytes())

    with pytest.raises(AttachmentRejected):
        visit(case, officer, attachments=[good, bad])

    assert not Visit.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(private_storage) == []


def test_a_failure_after_storing_files_removes_them(case, officer, private_storage, monkeypatch):
    real_store = attachments.store_attachment

    def fail_on_second(visit_, checked, by, stored):
        if stored:
            raise OSError("disk full")
        return real_store(visit_, checked, by, stored)

    monkeypatch.setattr(attachments, "store_attachment", fail_on_second)

    with pytest.raises(OSError):
        visit(
            case,
            officer,
            attachments=[upload("a.jpg", jpeg_bytes()), upload("b.jpg", jpeg_bytes())],
        )

    assert not Visit.objects.exists()
    assert stored_files(private_storage) == []


def test_a_visit_with_photos_stores_each_with_a_thumbnail(case, officer):
    v = visit(
        case, officer, attachments=[upload("a.jpg", jpeg_bytes()), upload("b.jpg", jpeg_bytes())]
    )
    files = list(v.attachments.all())
    assert len(files) == 2
    assert all(a.thumbnail for a in files)
    assert all(a.uploaded_by == officer for a in files)

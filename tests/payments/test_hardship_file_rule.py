"""Hardship payments are approved only on a current file: in file and reviewed for the year."""

from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import FileStage
from payments import services
from payments.exceptions import HardshipFileNotCurrent
from payments.models import PaymentStatus

from .factories import case_in
from .helpers import assert_unchanged, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "stage", [FileStage.APPLIED, FileStage.PUBLICISED, FileStage.EXITED, FileStage.WITHDRAWN]
)
def test_a_payment_on_an_unapproved_file_is_refused(walk, union_a, officer, finance, stage):
    case = case_in(union_a, officer=officer, file_stage=stage, reviewed_for_year=None)
    payment = walk("submitted", case=case)
    before = snapshot(payment)

    with pytest.raises(HardshipFileNotCurrent, match="上级工会审批建档"):
        services.approve_payment(payment, by=finance)

    assert_unchanged(payment, before)


def test_a_payment_on_a_file_not_reviewed_this_year_is_refused(walk, union_a, officer, finance):
    last_year = timezone.localdate().year - 1
    case = case_in(union_a, officer=officer, reviewed_for_year=last_year)
    payment = walk("submitted", case=case)
    before = snapshot(payment)

    with pytest.raises(HardshipFileNotCurrent, match="年度复核"):
        services.approve_payment(payment, by=finance)

    assert_unchanged(payment, before)


def test_a_payment_on_a_current_file_is_approved(walk, case, finance):
    payment = walk("submitted", case=case)

    services.approve_payment(payment, by=finance)

    assert payment.status == PaymentStatus.APPROVED


def test_other_categories_need_no_file(walk, union_a, officer, finance):
    case = case_in(union_a, officer=officer, category="condolence", hardship_level="")
    payment = walk("submitted", case=case, amount=Decimal("500.00"))

    services.approve_payment(payment, by=finance)

    assert payment.status == PaymentStatus.APPROVED

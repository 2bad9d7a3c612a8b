"""The household of a hardship file: members (by ID number) and rigid expenses (刚性支出).

One household, one file: an ID number — the applicant's or a member's — belongs to at most one
live (not closed) hardship file. Adding a member, opening or reopening a file checks it and
names the file that already holds the person. On PostgreSQL the check and the write hold a
transaction-level advisory lock on the ID number, so two officers adding the same person to two
files at once queue up instead of both passing the check; SQLite serialises writers anyway.
"""

from __future__ import annotations

import zlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.exceptions import (
    CaseStateError,
    HouseholdInAnotherFile,
    InvalidCaseData,
    ReasonRequired,
)
from cases.idnumbers import normalise_id_number, validate_id_number
from cases.models import (
    Attachment,
    Case,
    CaseCategory,
    CaseStatus,
    ExpenseKind,
    Health,
    HouseholdMember,
    MedicalInsurance,
    MemberStatus,
    Relation,
    RigidExpense,
)
from core.formatting import mask
from core.history import attribute_change

from .checks import lock_case, require_casework_role, require_in_scope

__all__ = [
    "add_household_member",
    "add_rigid_expense",
    "file_holding",
    "remove_household_member",
    "remove_rigid_expense",
]


def serialise_on_id_number(id_number: str) -> None:
    """Queue concurrent writers of one ID number (PostgreSQL advisory lock, until commit)."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(id_number.encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [20261216, key])


def file_holding(
    id_number: str, *, exclude_case_id: int | None = None, members_only: bool = False
) -> Case | None:
    """The live hardship file whose applicant or member has this ID number, if any."""
    live = Case.objects.filter(category=CaseCategory.HARDSHIP).exclude(status=CaseStatus.CLOSED)
    if exclude_case_id is not None:
        live = live.exclude(pk=exclude_case_id)
    holding = live.filter(household_members__id_number=id_number)
    if not members_only:
        holding = holding | live.filter(person__id_number=id_number)
    return holding.select_related("person", "organisation").order_by("pk").first()


def refuse_if_in_another_file(
    id_number: str, *, case_id: int | None, field: str, members_only: bool = False
) -> None:
    """`members_only` when opening a file: the applicant's own live file is the duplicate-case
    rule's to refuse (backed by its unique constraint)."""
    serialise_on_id_number(id_number)
    other = file_holding(id_number, exclude_case_id=case_id, members_only=members_only)
    if other is not None:
        raise HouseholdInAnotherFile(
            _(
                "身份证号 %(id)s 已属于 %(name)s 的困难职工档案（个案编号 %(case)s，%(org)s）；"
                "一户只建一份档案，请在该档案中办理。"
            )
            % {
                "id": mask(id_number),
                "name": other.person.name,
                "case": other.pk,
                "org": other.organisation.name,
            },
            field=field,
        )


def _locked_live_file(case: Case, by) -> Case:
    locked = lock_case(case)
    require_in_scope(by, locked.organisation)
    if locked.category != CaseCategory.HARDSHIP:
        raise CaseStateError(_("只有困难职工帮扶个案才登记家庭成员和刚性支出。"))
    if locked.status == CaseStatus.CLOSED:
        raise CaseStateError(_("个案已结案，档案不能再办理；如需继续办理请先重新开启。"))
    return locked


def _money(value, field: str, *, positive: bool) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidCaseData(_("金额格式不正确。"), field=field) from None
    if amount < 0 or (positive and amount == 0):
        raise InvalidCaseData(
            _("金额必须大于0元。") if positive else _("金额不能为负数。"), field=field
        )
    return amount


def _choice(value: str, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise InvalidCaseData(_("请选择有效的%(label)s。") % {"label": label}, field=field)
    return value


def add_household_member(
    case: Case,
    *,
    by,
    relation: str,
    name: str,
    id_number: str,
    monthly_income=Decimal("0.00"),
    status: str = MemberStatus.WORKING,
    health: str = Health.HEALTHY,
    medical_insurance: str = MedicalInsurance.RESIDENT,
    school_or_employer: str = "",
) -> HouseholdMember:
    """Add a member to the file's household; refused when the person is in another live file."""
    require_casework_role(by, "cases.change_case")
    name = (name or "").strip()
    if not name:
        raise InvalidCaseData(_("请填写家庭成员姓名。"), field="name")
    number = normalise_id_number(id_number)
    try:
        validate_id_number(number)
    except ValidationError as error:
        raise InvalidCaseData(" ".join(error.messages), field="id_number") from None
    member = HouseholdMember(
        relation=_choice(relation, Relation, "relation", _("与申请人关系")),
        name=name,
        id_number=number,
        monthly_income=_money(monthly_income, "monthly_income", positive=False),
        status=_choice(status, MemberStatus, "status", _("状况")),
        health=_choice(health, Health, "health", _("健康状况")),
        medical_insurance=_choice(
            medical_insurance, MedicalInsurance, "medical_insurance", _("医疗保险")
        ),
        school_or_employer=(school_or_employer or "").strip(),
    )
    with transaction.atomic():
        locked = _locked_live_file(case, by)
        if number == locked.person.id_number:
            raise InvalidCaseData(_("申请人本人不必登记为家庭成员。"), field="id_number")
        if HouseholdMember.objects.filter(case=locked, id_number=number).exists():
            raise InvalidCaseData(_("该身份证号已登记为本档案的家庭成员。"), field="id_number")
        refuse_if_in_another_file(number, case_id=locked.pk, field="id_number")
        member.case = locked
        attribute_change(member, by=by)
        member.save()
    return member


def remove_household_member(member: HouseholdMember, *, by, reason: str) -> None:
    """Remove a member (moved out, registered by mistake…); the reason stays in the history."""
    require_casework_role(by, "cases.change_case")
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("请填写移除家庭成员的理由。"), field="reason")
    with transaction.atomic():
        _locked_live_file(member.case, by)
        current = HouseholdMember.objects.select_for_update().filter(pk=member.pk).first()
        if current is None:
            raise CaseStateError(_("该家庭成员已被移除。"))
        attribute_change(current, by=by, reason=reason)
        current.delete()


def add_rigid_expense(
    case: Case,
    *,
    by,
    kind: str,
    monthly_amount,
    note: str = "",
    evidence: Attachment | None = None,
) -> RigidExpense:
    """Record a rigid monthly expense; its evidence is an attachment of one of the file's visits."""
    require_casework_role(by, "cases.change_case")
    expense = RigidExpense(
        kind=_choice(kind, ExpenseKind, "kind", _("支出类别")),
        monthly_amount=_money(monthly_amount, "monthly_amount", positive=True),
        note=(note or "").strip(),
    )
    with transaction.atomic():
        locked = _locked_live_file(case, by)
        if evidence is not None and evidence.visit.case_id != locked.pk:
            raise InvalidCaseData(_("证明材料须是本档案走访记录中的附件。"), field="evidence")
        expense.case = locked
        expense.evidence = evidence
        attribute_change(expense, by=by)
        expense.save()
    return expense


def remove_rigid_expense(expense: RigidExpense, *, by, reason: str) -> None:
    require_casework_role(by, "cases.change_case")
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("请填写删除刚性支出的理由。"), field="reason")
    with transaction.atomic():
        _locked_live_file(expense.case, by)
        current = RigidExpense.objects.select_for_update().filter(pk=expense.pk).first()
        if current is None:
            raise CaseStateError(_("该刚性支出已被删除。"))
        attribute_change(current, by=by, reason=reason)
        current.delete()

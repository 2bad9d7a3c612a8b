"""Pages of the hardship file: 公示, objections, approval, tier, household members and expenses.

Each page shows its form, calls the one service of the step and shows a refused rule's message
next to the field it concerns. The case comes from the scoped selector (outside scope: 404).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.forms.hardship_file import (
    ExitForm,
    FileApprovalForm,
    HouseholdMemberForm,
    ObjectionForm,
    PublicityForm,
    RemovalForm,
    ReviewApprovalForm,
    ReviewForm,
    RigidExpenseForm,
    TierForm,
)
from cases.models import CaseCategory, CaseReview, HouseholdMember, RigidExpense
from cases.permissions import can_approve_files, can_work_cases, require
from cases.selectors_casework import case_detail_for
from cases.services import (
    add_household_member,
    add_rigid_expense,
    approve_file,
    approve_review,
    change_file_tier,
    exit_file,
    record_publicity_objection,
    record_review,
    remove_household_member,
    remove_rigid_expense,
    start_publicity,
)
from core.scope import get_in_scope_or_404

from .casework import action_page


def _file_step(request, pk, *, allowed, **page):
    require(allowed(request.user))
    case = get_in_scope_or_404(case_detail_for(request.user), request, pk=pk)
    if case.category != CaseCategory.HARDSHIP:
        return redirect(case.get_absolute_url())
    return action_page(request, case, **page)


@login_required
def file_publicity(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=PublicityForm,
        action=lambda case, user, data: start_publicity(
            case, by=user, starts_on=data["starts_on"], ends_on=data["ends_on"]
        ),
        title=_("公示"),
        success=_("已开始公示。公示期满后报上级工会审批。"),
    )


@login_required
def file_objection(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=ObjectionForm,
        action=lambda case, user, data: record_publicity_objection(
            case, by=user, objection=data["objection"]
        ),
        title=_("记录公示异议"),
        success=_("公示异议已记录。"),
    )


@login_required
def file_approve(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_approve_files,
        form_class=FileApprovalForm,
        action=lambda case, user, data: approve_file(case, by=user, opinion=data["opinion"]),
        title=_("上级工会审批建档"),
        success=_("已审批建档。"),
    )


@login_required
def file_tier(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=TierForm,
        action=lambda case, user, data: change_file_tier(
            case,
            by=user,
            hardship_level=data["hardship_level"],
            causes=data["causes"],
            reason=data["reason"],
            accident_loss=data["accident_loss"],
        ),
        title=_("调整困难类别"),
        success=_("困难类别已调整。"),
        initial=lambda case: {"hardship_level": case.hardship_level, "causes": case.causes},
    )


@login_required
def file_exit(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=ExitForm,
        action=lambda case, user, data: exit_file(
            case, by=user, exit_=data["kind"] == "exit", reason=data["reason"], note=data["note"]
        ),
        title=_("脱困 / 退档"),
        success=_("档案已办理。脱困的，6个月和12个月后各回访一次。"),
    )


@login_required
def household_member_add(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=HouseholdMemberForm,
        action=lambda case, user, data: add_household_member(case, by=user, **data),
        title=_("登记家庭成员"),
        success=_("家庭成员已登记。"),
    )


@login_required
def rigid_expense_add(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=RigidExpenseForm,
        action=lambda case, user, data: add_rigid_expense(case, by=user, **data),
        title=_("登记刚性支出"),
        success=_("刚性支出已登记。"),
        kwargs=lambda case: {"case": case},
    )


def _removal(request, pk, *, model, remove, title, success):
    require(can_work_cases(request.user))
    visible = model.objects.filter(case__in=case_detail_for(request.user)).select_related(
        "case__person", "case__organisation"
    )
    item = get_in_scope_or_404(visible, request, pk=pk)
    return action_page(
        request,
        item.case,
        form_class=RemovalForm,
        action=lambda case, user, data: remove(item, by=user, reason=data["reason"]),
        title=f"{title}：{item}",
        success=success,
    )


@login_required
def household_member_remove(request, pk: int):
    return _removal(
        request,
        pk,
        model=HouseholdMember,
        remove=remove_household_member,
        title=_("移除家庭成员"),
        success=_("家庭成员已移除。"),
    )


@login_required
def rigid_expense_remove(request, pk: int):
    return _removal(
        request,
        pk,
        model=RigidExpense,
        remove=remove_rigid_expense,
        title=_("删除刚性支出"),
        success=_("刚性支出已删除。"),
    )


@login_required
def file_review(request, pk: int):
    return _file_step(
        request,
        pk,
        allowed=can_work_cases,
        form_class=ReviewForm,
        action=lambda case, user, data: record_review(case, by=user, **data),
        title=_("登记年度复核"),
        success=_("年度复核已登记，待上级工会审批。"),
        initial=lambda case: {"year": timezone.localdate().year},
    )


@login_required
def review_approve(request, pk: int):
    require(can_approve_files(request.user))
    visible = CaseReview.objects.filter(case__in=case_detail_for(request.user)).select_related(
        "case__person", "case__organisation"
    )
    review = get_in_scope_or_404(visible, request, pk=pk)
    return action_page(
        request,
        review.case,
        form_class=ReviewApprovalForm,
        action=lambda case, user, data: approve_review(review, by=user, opinion=data["opinion"]),
        title=_("审批 %(year)s 年度复核") % {"year": review.year},
        success=_("年度复核已审批。"),
    )

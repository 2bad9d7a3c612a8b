"""Pages of the hardship file steps: 公示, objections, the upper level's approval, tier changes.

Each page shows its form, calls the one service of the step and shows a refused rule's message
next to the field it concerns. The case comes from the scoped selector (outside scope: 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.exceptions import CaseworkViolation
from cases.forms.hardship_file import FileApprovalForm, ObjectionForm, PublicityForm, TierForm
from cases.models import CaseCategory
from cases.permissions import can_approve_files, can_work_cases, require
from cases.selectors_casework import case_detail_for
from cases.services import (
    approve_file,
    change_file_tier,
    record_publicity_objection,
    start_publicity,
)
from core.scope import get_in_scope_or_404


def _file_step(request, pk, *, allowed, form_class, action, title, success, initial=None):
    require(allowed(request.user))
    case = get_in_scope_or_404(case_detail_for(request.user), request, pk=pk)
    if case.category != CaseCategory.HARDSHIP:
        return redirect(case.get_absolute_url())
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                action(case, request.user, form.cleaned_data)
            except CaseworkViolation as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, success)
                return redirect(case.get_absolute_url())
        status = 400
    else:
        form = form_class(initial=initial(case) if initial else None)
    return render(
        request,
        "cases/casework/case_action.html",
        {"form": form, "case": case, "title": title},
        status=status,
    )


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
        ),
        title=_("调整困难类别"),
        success=_("困难类别已调整。"),
        initial=lambda case: {"hardship_level": case.hardship_level, "causes": case.causes},
    )

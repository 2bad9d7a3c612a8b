"""The case officer's workspace: dashboard, case list and page, opening cases, visits, actions.

Reads go through the scoped selectors (out of scope: 404); writes call `cases.services` and
show a refused rule's message next to the field it concerns. Only case workers write; auditors,
finance and leaders read (their POSTs answer 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Role
from cases.exceptions import CaseworkViolation
from cases.filters_casework import CaseFilter
from cases.forms.casework import (
    CloseCaseForm,
    OpenCaseForm,
    ReopenCaseForm,
    VerifyCaseForm,
    VisitForm,
)
from cases.idnumbers import normalise_id_number
from cases.models import CaseCategory, CaseStatus
from cases.permissions import can_approve_files, can_work_cases, require
from cases.selectors import attachments_visible_to, people_visible_to, scope_path
from cases.selectors_casework import (
    case_detail_for,
    case_list_for,
    case_page_for,
    case_timeline,
    dashboard_for,
    read_hardship_file,
    visit_detail_for,
)
from cases.services import (
    close_case,
    eligibility_of,
    file_figures,
    open_case,
    record_visit,
    reopen_case,
    verify_case,
)
from cases.services.attachments import check_attachment
from cases.tier_warnings import tier_warning
from core.errors import RuleViolation
from core.files import serve_stored_file
from core.numbers import is_id
from core.paging import keyset_page
from core.scope import get_in_scope_or_404
from core.search import search_params
from uploads.held import HeldFile, hold_files, release_held_files, take_held_files
from uploads.services import UploadRefused

CASES_PER_PAGE = 25
HELD_VISIT_FILES = "visit_attachment"


def _can_read(user) -> bool:
    return user.has_perm("cases.view_case")


def _show_violation(form, error: RuleViolation) -> None:
    """A casework refusal at its field; any other rule (a payments one, through a signal)
    above the form."""
    field = getattr(error, "field", None)
    field = field if field in form.fields else None
    form.add_error(field, error.message)


@login_required
def dashboard(request):
    require(_can_read(request.user))
    board = dashboard_for(request.user)
    return render(
        request,
        "cases/casework/dashboard.html",
        {"board": board, "can_work": can_work_cases(request.user)},
    )


@login_required
def case_list(request):
    require(_can_read(request.user))
    filterset = CaseFilter(
        search_params(request) or None, queryset=case_list_for(request.user), user=request.user
    )
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    page = keyset_page(request, qs, ("-opened_at", "-id"), CASES_PER_PAGE)
    return render(request, "cases/casework/case_list.html", {"filter": filterset, "page": page})


@login_required
def case_detail(request, pk: int):
    require(_can_read(request.user))
    case = get_in_scope_or_404(case_page_for(request.user), request, pk=pk)
    read_hardship_file(case)
    can_work = can_work_cases(request.user)
    today = timezone.localdate()
    eligibility = (
        file_figures(case, today)
        if case.category == CaseCategory.HARDSHIP
        else eligibility_of(case.person, today)
    )
    return render(
        request,
        "cases/casework/case_detail.html",
        {
            "case": case,
            "person": case.person,
            "eligibility": eligibility,
            "tier_warning": tier_warning(case, eligibility),
            "timeline": case_timeline(case),
            "can_work": can_work,
            "verify_form": VerifyCaseForm() if can_work else None,
            "close_form": CloseCaseForm() if can_work else None,
            "reopen_form": ReopenCaseForm() if can_work else None,
            "can_approve_file": can_approve_files(request.user),
        },
    )


def _find_people(user, q: str):
    q = q.strip()
    if not q:
        return []
    people = people_visible_to(user).select_related("organisation")
    number = normalise_id_number(q)
    if len(number) == 18:
        people = people.filter(id_number=number)
    elif len(number) == 4 and number[:3].isdigit():
        people = people.filter(Q(id_tail=number) | Q(name__startswith=q))
    else:
        people = people.filter(name__startswith=q)
    return list(people.order_by("name", "id")[:20])


@login_required
def case_open(request):
    """Open a case for the person given as ?person=<id>; without one, find the person first."""
    require(can_work_cases(request.user) and request.user.has_perm("cases.add_case"))
    person_id = request.GET.get("person") or request.POST.get("person")
    if not person_id or not is_id(person_id):
        q = search_params(request).get("q", "")
        return render(
            request,
            "cases/casework/person_pick.html",
            {"q": q, "people": _find_people(request.user, q), "searched": bool(q.strip())},
        )
    person = get_in_scope_or_404(
        people_visible_to(request.user).select_related("organisation"), request, pk=int(person_id)
    )
    eligibility = eligibility_of(person, timezone.localdate())
    if request.method == "POST":
        form = OpenCaseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = open_case(
                    person,
                    category=data["category"],
                    by=request.user,
                    hardship_level=data["hardship_level"],
                    causes=data["causes"],
                    occasion=data["occasion"],
                    summary=data["summary"],
                    level_override_reason=data["level_override_reason"],
                )
            except CaseworkViolation as error:
                _show_violation(form, error)
            else:
                messages.success(request, _("个案已立案。"))
                return redirect(case.get_absolute_url())
    else:
        form = OpenCaseForm(initial={"category": request.GET.get("category", "")})
    live_cases = list(person.cases.exclude(status=CaseStatus.CLOSED).order_by("category"))
    return render(
        request,
        "cases/casework/case_open.html",
        {"form": form, "person": person, "eligibility": eligibility, "live_cases": live_cases},
    )


def _companions_for(user):
    prefix = scope_path(user)
    users = User.objects.filter(is_active=True, groups__name=Role.CASE_OFFICER).exclude(pk=user.pk)
    if prefix:
        users = users.filter(organisation__path__startswith=prefix)
    elif prefix is None:
        users = users.none()
    return users.order_by("display_name", "username").distinct()


@login_required
def visit_create(request, pk: int):
    require(can_work_cases(request.user) and request.user.has_perm("cases.add_visit"))
    case = get_in_scope_or_404(case_detail_for(request.user), request, pk=pk)
    companions = _companions_for(request.user)
    held: list[HeldFile] = []
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, companions_queryset=companions)
        valid = form.is_valid()
        try:
            held = take_held_files(
                request.POST.getlist("held_attachments"),
                user=request.user,
                purpose=HELD_VISIT_FILES,
                target=str(case.pk),
            )
        except UploadRefused as error:
            form.add_error("attachments", _("%(why)s 请重新选择文件。") % {"why": error.message})
            valid = False
        if valid:
            data = form.cleaned_data
            try:
                visit = record_visit(
                    case,
                    by=request.user,
                    visit_date=data["visit_date"],
                    kind=data["kind"],
                    findings=data["findings"],
                    place=data["place"],
                    needs=data["needs"],
                    goods_handed_over=data["goods_handed_over"],
                    goods_value=data["goods_value"],
                    money_handed_over=data["money_handed_over"],
                    follow_up_on=data["follow_up_on"],
                    companions=data.get("companions", ()),
                    companions_note=data["companions_note"],
                    attachments=[item.file for item in held] + data["attachments"],
                )
            except CaseworkViolation as error:
                _show_violation(form, error)
            else:
                release_held_files(held)
                messages.success(request, _("走访记录已保存。"))
                return redirect(visit.get_absolute_url())
        held += _hold_chosen_files(request, case)
    else:
        form = VisitForm(companions_queryset=companions)
    return render(
        request,
        "cases/casework/visit_form.html",
        {"form": form, "case": case, "held_files": held},
    )


def _hold_chosen_files(request, case) -> list[HeldFile]:
    """After a refused submit, keep the chosen files that pass their own checks (issue 15 #4)."""
    good = []
    for uploaded in request.FILES.getlist("attachments"):
        try:
            check_attachment(uploaded)
        except CaseworkViolation:
            continue  # its own error names it; it has to be chosen again
        good.append(uploaded)
    return hold_files(good, owner=request.user, purpose=HELD_VISIT_FILES, target=str(case.pk))


@login_required
def visit_detail(request, pk: int):
    require(request.user.has_perm("cases.view_visit"))
    visit = get_in_scope_or_404(visit_detail_for(request.user), request, pk=pk)
    return render(
        request,
        "cases/casework/visit_detail.html",
        {"visit": visit, "case": visit.case, "can_work": can_work_cases(request.user)},
    )


@login_required
@require_POST
def case_verify(request, pk: int):
    require(can_work_cases(request.user))
    case = get_in_scope_or_404(case_detail_for(request.user), request, pk=pk)
    form = VerifyCaseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        verify_case(case, by=request.user, note=note)
    except CaseworkViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("个案已核实。"))
    return redirect(case.get_absolute_url())


def action_page(request, case, *, form_class, action, title, success, initial=None, kwargs=None):
    """The form of one step on a case; on a valid POST, the service; its refusal at its field.

    `initial(case)` fills the empty form, `kwargs(case)` are extra arguments of the form.
    """
    extra = kwargs(case) if kwargs else {}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **extra)
        if form.is_valid():
            try:
                action(case, request.user, form.cleaned_data)
            except RuleViolation as error:
                _show_violation(form, error)
            else:
                messages.success(request, success)
                return redirect(case.get_absolute_url())
        status = 400
    else:
        form = form_class(initial=initial(case) if initial else None, **extra)
    return render(
        request,
        "cases/casework/case_action.html",
        {"form": form, "case": case, "title": title},
        status=status,
    )


def _case_action(request, pk, **page):
    require(can_work_cases(request.user))
    case = get_in_scope_or_404(case_detail_for(request.user), request, pk=pk)
    return action_page(request, case, **page)


@login_required
def case_close(request, pk: int):
    return _case_action(
        request,
        pk,
        form_class=CloseCaseForm,
        action=lambda case, user, data: close_case(
            case, by=user, reason=data["reason"], note=data["note"]
        ),
        title=_("结案"),
        success=_("个案已结案。"),
    )


@login_required
def case_reopen(request, pk: int):
    return _case_action(
        request,
        pk,
        form_class=ReopenCaseForm,
        action=lambda case, user, data: reopen_case(case, by=user, reason=data["reason"]),
        title=_("重新开启个案"),
        success=_("个案已重新开启，请走访后再次核实。"),
    )


_INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def _serve(request, pk: int, *, thumbnail: bool):
    require(request.user.has_perm("cases.view_attachment"))
    attachment = get_in_scope_or_404(attachments_visible_to(request.user), request, pk=pk)
    stored = attachment.thumbnail if thumbnail else attachment.file
    content_type = "image/jpeg" if thumbnail else attachment.content_type
    # Only raster images are shown in the page; a PDF (which may carry JavaScript) or any other
    # upload is always a download.
    inline = content_type in _INLINE_TYPES and request.GET.get("download") != "1"
    return serve_stored_file(
        stored,
        content_type=content_type,
        filename=attachment.original_name,
        as_attachment=not inline,
    )


@login_required
def attachment_download(request, pk: int):
    return _serve(request, pk, thumbnail=False)


@login_required
def attachment_thumbnail(request, pk: int):
    return _serve(request, pk, thumbnail=True)

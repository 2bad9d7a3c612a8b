"""Pages of the recuperation app: programmes, sessions, nominations and their documents.

Every page checks the role (permissions) and the scope (selectors; outside it is a 404); every
change calls a service, and a refused step shows the service's message and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role
from cases.selectors import organisations_visible_to, people_visible_to
from core.errors import RuleViolation
from core.scope import get_in_scope_or_404

from . import documents, permissions, selectors, services
from .forms import (
    AttendanceForm,
    NominationForm,
    ProgrammeForm,
    QuotaForm,
    ReasonForm,
    SessionForm,
)
from .models import Nomination, NominationStatus

PAGE_SIZE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _refuse_auditor_posts(request) -> None:
    if request.method == "POST" and has_role(request.user, Role.AUDITOR):
        raise PermissionDenied


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def programme_list(request):
    _require(permissions.can_view(request.user))
    programmes = selectors.programmes_visible_to(request.user).order_by("-year", "name", "id")
    return render(
        request,
        "recuperation/programme_list.html",
        {
            "page": _page(request, programmes),
            "can_manage": permissions.can_manage_programmes(request.user),
        },
    )


@login_required
def programme_create(request):
    _refuse_auditor_posts(request)
    _require(permissions.can_manage_programmes(request.user))
    form = ProgrammeForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已设立疗休养项目，请添加批次并分配名额。"))
            return redirect(programme)
    return render(request, "recuperation/programme_form.html", {"form": form})


def _union_choices(user, programme):
    """Organisations below the programme's runner that the user covers."""
    return (
        organisations_visible_to(user)
        .filter(path__startswith=programme.organisation.path, is_active=True)
        .exclude(pk=programme.organisation_id)
        .order_by("tree_order")
    )


@login_required
def programme_detail(request, pk: int):
    _require(permissions.can_view(request.user))
    programme = get_in_scope_or_404(selectors.programmes_visible_to(request.user), request, pk=pk)
    can_manage = permissions.can_manage_programmes(request.user) and services.covers(
        request.user, programme.organisation
    )
    return render(
        request,
        "recuperation/programme_detail.html",
        {
            "programme": programme,
            "sessions": selectors.sessions_with_usage(programme),
            "quotas": selectors.quotas_with_usage(request.user, programme),
            "spent": selectors.programme_spending(programme),
            "capacity": services.total_capacity(programme),
            "can_manage": can_manage,
            "session_form": SessionForm() if can_manage else None,
            "quota_form": QuotaForm(organisations=_union_choices(request.user, programme))
            if can_manage
            else None,
        },
    )


@login_required
@require_POST
def session_add(request, pk: int):
    _refuse_auditor_posts(request)
    _require(permissions.can_manage_programmes(request.user))
    programme = get_in_scope_or_404(selectors.programmes_run_by(request.user), request, pk=pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.add_session(programme, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已添加批次。"))
    else:
        messages.error(request, _("批次未添加：%(errors)s") % {"errors": _form_errors(form)})
    return redirect(programme)


@login_required
@require_POST
def quota_set(request, pk: int):
    _refuse_auditor_posts(request)
    _require(permissions.can_manage_programmes(request.user))
    programme = get_in_scope_or_404(selectors.programmes_run_by(request.user), request, pk=pk)
    form = QuotaForm(request.POST, organisations=_union_choices(request.user, programme))
    if form.is_valid():
        try:
            services.set_quota(
                programme,
                form.cleaned_data["organisation"],
                form.cleaned_data["places"],
                by=request.user,
            )
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("名额已保存。"))
    else:
        messages.error(request, _("名额未保存：%(errors)s") % {"errors": _form_errors(form)})
    return redirect(programme)


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[f].label if f in form.fields else ''} {m}".strip()
        for f, errors in form.errors.items()
        for m in errors
    )


@login_required
def session_detail(request, pk: int):
    _require(permissions.can_view(request.user))
    session = get_in_scope_or_404(selectors.sessions_visible_to(request.user), request, pk=pk)
    nominations = (
        selectors.nominations_visible_to(request.user)
        .filter(session=session)
        .order_by("organisation__tree_order", "person__name", "id")
    )
    seated = services.seated_count(session)
    open_for_nomination = timezone.localdate() <= session.registration_deadline
    return render(
        request,
        "recuperation/session_detail.html",
        {
            "session": session,
            "programme": session.programme,
            "page": _page(request, nominations),
            "seated": seated,
            "open_for_nomination": open_for_nomination,
            "can_nominate": permissions.can_nominate(request.user),
            "can_print": permissions.can_print(request.user),
            "form": NominationForm(),
        },
    )


def _person_by_id_number(user, id_number: str):
    return (
        people_visible_to(user).select_related("organisation").filter(id_number=id_number).first()
    )


@login_required
@require_POST
def nominate(request, pk: int):
    _refuse_auditor_posts(request)
    _require(permissions.can_nominate(request.user))
    session = get_in_scope_or_404(selectors.sessions_visible_to(request.user), request, pk=pk)
    form = NominationForm(request.POST)
    if form.is_valid():
        person = _person_by_id_number(request.user, form.cleaned_data["id_number"])
        if person is None:
            messages.error(request, _("您的管理范围内没有这个身份证号的职工。"))
        else:
            try:
                nomination = services.nominate(
                    session,
                    person,
                    by=request.user,
                    emergency_contact=form.cleaned_data["emergency_contact"],
                    special_needs=form.cleaned_data["special_needs"],
                )
            except RuleViolation as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("已推荐 %(name)s，等待主办单位审批。") % {"name": person.name}
                )
                return redirect(nomination)
    else:
        messages.error(request, _("未推荐：%(errors)s") % {"errors": _form_errors(form)})
    return redirect(session)


def _nomination_in_scope(request, pk: int) -> Nomination:
    return get_in_scope_or_404(selectors.nominations_visible_to(request.user), request, pk=pk)


@login_required
def nomination_detail(request, pk: int):
    _require(permissions.can_view(request.user))
    nomination = _nomination_in_scope(request, pk)
    user = request.user
    status = nomination.status
    union_officer = permissions.can_nominate(user) and services.covers(
        user, nomination.organisation
    )
    runner = nomination.session.programme.organisation
    decider = permissions.can_approve(user) and services.covers(user, runner)
    return render(
        request,
        "recuperation/nomination_detail.html",
        {
            "nomination": nomination,
            "session": nomination.session,
            "history": nomination.history.select_related("history_user").order_by("-history_id"),
            "replaced_by": Nomination.objects.select_related("person")
            .filter(replaces=nomination)
            .first(),
            "can_decide": decider
            and status == NominationStatus.NOMINATED
            and nomination.nominated_by_id != user.pk,
            "can_answer": union_officer and status == NominationStatus.APPROVED,
            "can_decline": union_officer
            and status in (NominationStatus.APPROVED, NominationStatus.CONFIRMED),
            "can_replace": union_officer
            and status == NominationStatus.DECLINED
            and not Nomination.objects.filter(replaces=nomination).exists(),
            "can_attend": permissions.can_record_attendance(user)
            and services.covers(user, runner)
            and status == NominationStatus.CONFIRMED,
            "can_print": permissions.can_print(user) and status in documents.NOTICE_STATUSES,
            "reason_form": ReasonForm(),
            "attendance_form": AttendanceForm(),
            "replace_form": NominationForm(),
        },
    )


STEPS = {
    "approve": lambda n, user, post: services.approve_nomination(n, by=user),
    "reject": lambda n, user, post: services.reject_nomination(
        n, by=user, reason=post.get("reason", "")
    ),
    "confirm": lambda n, user, post: services.confirm_nomination(n, by=user),
    "decline": lambda n, user, post: services.decline_nomination(
        n, by=user, reason=post.get("reason", "")
    ),
    "absent": lambda n, user, post: services.record_attendance(n, by=user, attended=False),
}


@login_required
@require_POST
def nomination_step(request, pk: int, step: str):
    _refuse_auditor_posts(request)
    nomination = _nomination_in_scope(request, pk)
    try:
        if step == "attended":
            form = AttendanceForm(request.POST)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
                return redirect(nomination)
            services.record_attendance(
                nomination, by=request.user, attended=True, cost=form.cleaned_data["cost"]
            )
        elif step in STEPS:
            STEPS[step](nomination, request.user, request.POST)
        else:
            raise PermissionDenied
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已保存：%(status)s") % {"status": nomination.get_status_display()}
        )
    return redirect(nomination)


@login_required
@require_POST
def nomination_replace(request, pk: int):
    _refuse_auditor_posts(request)
    _require(permissions.can_nominate(request.user))
    declined = _nomination_in_scope(request, pk)
    form = NominationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(declined)
    person = _person_by_id_number(request.user, form.cleaned_data["id_number"])
    if person is None:
        messages.error(request, _("您的管理范围内没有这个身份证号的职工。"))
        return redirect(declined)
    try:
        replacement = services.nominate_replacement(
            declined,
            person,
            by=request.user,
            emergency_contact=form.cleaned_data["emergency_contact"],
            special_needs=form.cleaned_data["special_needs"],
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect(declined)
    messages.success(request, _("已推荐 %(name)s 替补，等待主办单位审批。") % {"name": person.name})
    return redirect(replacement)


def _printable_session(request, pk: int):
    _require(permissions.can_print(request.user))
    return get_in_scope_or_404(selectors.sessions_visible_to(request.user), request, pk=pk)


@login_required
def roster_xlsx(request, pk: int):
    session = _printable_session(request, pk)
    filename, content = documents.export_roster_xlsx(
        session, list(selectors.roster_of(request.user, session)), by=request.user, request=request
    )
    return _download(
        content, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _session_pdf(request, pk: int, print_document) -> HttpResponse:
    """The session's roster or notices as a PDF; a refusal goes back to the session page."""
    session = _printable_session(request, pk)
    try:
        printed = print_document(
            session, selectors.roster_of(request.user, session), by=request.user, request=request
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect(session)
    return _download(printed.content, printed.filename, "application/pdf")


@login_required
def roster_pdf(request, pk: int):
    return _session_pdf(request, pk, documents.print_roster)


@login_required
def session_notices(request, pk: int):
    return _session_pdf(request, pk, documents.print_notices)


@login_required
def nomination_notice(request, pk: int):
    _require(permissions.can_print(request.user))
    nomination = _nomination_in_scope(request, pk)
    try:
        printed = documents.print_notices(
            nomination.session, [nomination], by=request.user, request=request
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect(nomination)
    return _download(printed.content, printed.filename, "application/pdf")

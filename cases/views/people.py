"""People registry and organisation pages. Reads go through the scope selectors; writes through
`cases.services.save_person`; sensitive numbers are masked unless revealed (and logged)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.middleware import auditor_may_post
from cases.filters import PersonFilter
from cases.forms.people import PersonForm
from cases.models import Person
from cases.permissions import (
    can_add_people,
    can_edit_people,
    can_reveal_sensitive,
    can_work_cases,
    require,
)
from cases.selectors import cases_visible_to, organisations_visible_to, people_visible_to
from cases.services import save_person
from cases.tier_warnings import tier_warnings_for
from core.access import AccessAction, log_access
from core.paging import keyset_page
from core.scope import get_in_scope_or_404
from core.search import search_params

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 50
REVEALABLE_FIELDS = {"id_number", "bank_account"}
ADVANCED_FILTERS = ("organisation", "sector", "employment_status", "flag", "per_page")
PERSON_ORDER = ("organisation_id", "name", "id")  # the index person_list_order


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


@login_required
@permission_required("cases.view_person", raise_exception=True)
@require_GET
def person_list(request):
    organisations = organisations_visible_to(request.user)
    people = people_visible_to(request.user).select_related("organisation")
    params = search_params(request)
    person_filter = PersonFilter(params or None, queryset=people, organisations=organisations)
    if not person_filter.is_bound:
        queryset = people
    elif person_filter.is_valid():
        queryset = person_filter.qs
    else:
        queryset = people.none()  # the form says which condition is wrong
    page_size = _page_size(request)
    page = keyset_page(request, queryset, PERSON_ORDER, page_size, ids_first=True)
    return render(
        request,
        "cases/person_list.html",
        {
            "filter": person_filter,
            "page": page,
            "page_size": page_size,
            "page_sizes": PAGE_SIZES,
            "can_add": can_add_people(request.user),
            "advanced": any(request.GET.get(key) for key in ADVANCED_FILTERS),
        },
    )


def _person_in_scope(request, pk: int):
    return get_in_scope_or_404(
        people_visible_to(request.user).select_related("organisation"), request, pk=pk
    )


def _render_person(request, person, revealed: dict[str, str] | None = None):
    cases = (
        cases_visible_to(request.user)
        .filter(person=person)
        .select_related("organisation")
        .order_by("-opened_at")[:50]
    )
    history = person.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "cases": cases,
            "history": history,
            "revealed": revealed or {},
            "can_edit": can_edit_people(request.user),
            "can_reveal": can_reveal_sensitive(request.user),
            "can_open_case": can_work_cases(request.user),
        },
    )


@login_required
@permission_required("cases.view_person", raise_exception=True)
@require_GET
def person_detail(request, pk: int):
    return _render_person(request, _person_in_scope(request, pk))


@never_cache
@auditor_may_post
@login_required
@require_POST
def person_reveal(request, pk: int):
    """Show one full sensitive number once, in this response only, and log who saw it."""
    require(can_reveal_sensitive(request.user))
    field = request.POST.get("field", "")
    if field not in REVEALABLE_FIELDS:
        raise Http404
    person = _person_in_scope(request, pk)
    log_access(
        user=request.user, action=AccessAction.REVEAL, obj=person, field=field, request=request
    )
    return _render_person(request, person, revealed={field: getattr(person, field)})


def _save(request, form, *, reason: str):
    """Save through the service; map rule and race failures back onto the form's fields.

    An edit re-checks the form's version with the row locked, so two saves racing past
    `clean()` cannot both land."""
    try:
        with transaction.atomic():
            if form.instance.pk:
                Person.objects.select_for_update().filter(pk=form.instance.pk).first()
                form.check_version()
            return save_person(form.instance, by=request.user, reason=reason)
    except ValidationError as error:
        form.add_error(None, error)
    except IntegrityError:
        form.add_error(
            "id_number", _("该身份证号已登记，同一身份证号只能登记一人。请在职工名册中查找此人。")
        )
    return None


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    require(can_add_people(request.user))
    organisations = organisations_visible_to(request.user)
    form = PersonForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        person = _save(request, form, reason=_("登记职工"))
        if person is not None:
            messages.success(request, _("已登记职工 %(name)s。") % {"name": person.name})
            return redirect(person)
    return render(request, "cases/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    require(can_edit_people(request.user))
    person = _person_in_scope(request, pk)
    organisations = organisations_visible_to(request.user)
    form = PersonForm(request.POST or None, instance=person, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, reason=form.cleaned_data["change_reason"].strip())
        if saved is not None:
            messages.success(request, _("已保存 %(name)s 的信息。") % {"name": saved.name})
            for warning in tier_warnings_for(saved):
                messages.warning(
                    request,
                    _(
                        "系统建议的困难类别由“%(was)s”变为“%(now)s”（个案当前为“%(level)s”），"
                        "请到个案页核实是否调整。"
                    )
                    % {
                        "was": warning.was_label,
                        "now": warning.now_label,
                        "level": warning.level_label,
                    },
                )
            return redirect(saved)
    return render(request, "cases/person_form.html", {"form": form, "person": person})


@login_required
@permission_required("cases.view_organisation", raise_exception=True)
@require_GET
def organisation_list(request):
    organisations = organisations_visible_to(request.user).annotate(people_count=Count("people"))
    base_depth = None
    rows = []
    for organisation in organisations.order_by("tree_order"):
        depth = organisation.path.count("/") - 2
        base_depth = depth if base_depth is None else min(base_depth, depth)
        rows.append((organisation, depth))
    rows = [(o, range(depth - (base_depth or 0))) for o, depth in rows]
    return render(request, "cases/organisation_list.html", {"rows": rows})


@login_required
@permission_required("cases.view_organisation", raise_exception=True)
@require_GET
def organisation_detail(request, pk: int):
    organisation = get_in_scope_or_404(
        organisations_visible_to(request.user).select_related("parent"), request, pk=pk
    )
    children = organisation.children.annotate(people_count=Count("people")).order_by("tree_order")
    people_count = people_visible_to(request.user).filter(
        organisation__path__startswith=organisation.path
    )
    return render(
        request,
        "cases/organisation_detail.html",
        {
            "organisation": organisation,
            "children": children,
            "people_count": people_count.count(),
            "direct_count": organisation.people.count(),
        },
    )

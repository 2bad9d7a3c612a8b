"""Pages and downloads of the letters app. Reads go through letters.selectors (scoped), writes
and prints through letters.services."""

import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import RuleViolation
from core.scope import get_in_scope_or_404
from jobs.services import start_job

from . import rendering, selectors
from .file_sheet import print_file_sheet
from .forms import LetterTemplateForm
from .models import LetterTemplate, PrintChannel, PrintKind
from .permissions import can_edit_templates, can_print, can_view_print_log, require
from .placeholders import PLACEHOLDERS
from .services import (
    TEMPLATE_FIELDS,
    PrintOut,
    TemplateRefused,
    print_campaign_letters,
    print_case_letter,
    print_payment_letter,
    print_signoff_sheet,
    save_letter_template,
    template_problems,
)

# Up to this many letters are rendered while the user waits; more go to a background job.
IMMEDIATE_LIMIT = 50
PAGE_SIZE = 50


def _pdf_response(out: PrintOut, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(out.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, out.filename)
    return response


def _refused(request, error: RuleViolation) -> HttpResponse:
    """A print the rules refuse: the reason, on a page, with 409 (nothing was printed)."""
    context = {"message": error.message}
    return render(request, "letters/refused.html", context, status=409)


def _printed(
    request, print_out: Callable[[], PrintOut], *, attachment: bool = False
) -> HttpResponse:
    """Run one print service: its PDF, or the page saying why the rules refused it."""
    try:
        out = print_out()
    except RuleViolation as error:
        return _refused(request, error)
    return _pdf_response(out, attachment=attachment)


def pdf_download(view: Callable[..., PrintOut]) -> Callable[..., HttpResponse]:
    """A signed-in GET that prints one PDF: the print right checked first, a refusal shown."""

    @login_required
    @require_GET
    @functools.wraps(view)
    def download(request, *args, **kwargs) -> HttpResponse:
        require(can_print(request.user))
        return _printed(request, lambda: view(request, *args, **kwargs))

    return download


@login_required
@require_GET
def campaign_list(request):
    """Campaigns in scope, with their letter, template and sign-off actions."""
    require(can_print(request.user) or can_edit_templates(request.user))
    campaigns = selectors.campaigns_visible_to(request.user).select_related("letter_template")
    page = Paginator(campaigns.order_by("-year", "name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "letters/campaign_list.html",
        {
            "page": page,
            "can_print": can_print(request.user),
            "can_edit": can_edit_templates(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, campaign_pk):
    require(can_edit_templates(request.user))
    campaign = get_in_scope_or_404(
        selectors.campaigns_visible_to(request.user), request, pk=campaign_pk
    )
    instance = LetterTemplate.objects.filter(campaign=campaign).first()
    if instance is None:
        text = rendering.template_text_for(campaign)
        instance = LetterTemplate(
            campaign=campaign, title=text.title, body=text.body, signature=text.signature
        )
    form = LetterTemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance.pk:  # the stale-form check again, with the row locked
                    LetterTemplate.objects.select_for_update().filter(pk=instance.pk).first()
                form.check_version()
                save_letter_template(
                    campaign=campaign,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    **{f: form.cleaned_data[f] for f in TEMPLATE_FIELDS},
                )
        except ValidationError as stale:
            form.add_error(None, stale)
        except TemplateRefused as error:  # validated again under the lock
            for field, problems in error.problems.items():
                for problem in problems:
                    form.add_error(field, problem)
        else:
            messages.success(request, _("慰问信模板已保存。"))
            return redirect("letters:template_edit", campaign_pk=campaign.pk)
    return render(
        request,
        "letters/template_edit.html",
        {
            "campaign": campaign,
            "form": form,
            "is_default": instance.pk is None,
            "placeholders": [(f"{{{{{name}}}}}", help_) for name, help_ in PLACEHOLDERS.items()],
            "preview": _preview(campaign, form.data if form.is_bound else None, instance),
        },
    )


def _preview(campaign, data, instance) -> dict:
    """The letter with sample data, or the problems that prevent it."""
    texts = {
        f: (data.get(f, "") if data is not None else getattr(instance, f)) for f in TEMPLATE_FIELDS
    }
    problems = template_problems(campaign=campaign, **texts)
    if problems:
        return {"problems": [m for messages_ in problems.values() for m in messages_]}
    text = rendering.TemplateText(texts["title"], texts["body"], texts["signature"])
    return {"letter": rendering.build_letter(text, rendering.sample_values(campaign))}


@login_required
@require_POST
def template_preview(request, campaign_pk):
    """htmx: the live preview of the text being edited (nothing is saved)."""
    require(can_edit_templates(request.user))
    campaign = get_in_scope_or_404(
        selectors.campaigns_visible_to(request.user), request, pk=campaign_pk
    )
    return render(
        request, "letters/_preview.html", {"preview": _preview(campaign, request.POST, None)}
    )


@pdf_download
def payment_letter(request, payment_pk) -> PrintOut:
    payment = get_in_scope_or_404(
        selectors.with_letter_relations(selectors.payments_visible_to(request.user)),
        request,
        pk=payment_pk,
    )
    return print_payment_letter(payment=payment, by=request.user, request=request)


@pdf_download
def case_letter(request, case_pk) -> PrintOut:
    case = get_in_scope_or_404(selectors.letter_cases_visible_to(request.user), request, pk=case_pk)
    payment = selectors.latest_printable_payment_of_case(request.user, case)
    return print_case_letter(case=case, payment=payment, by=request.user, request=request)


@pdf_download
def file_sheet(request, case_pk) -> PrintOut:
    """The hardship file's 档案表 (A4 PDF), printed from the case page."""
    case = get_in_scope_or_404(selectors.letter_cases_visible_to(request.user), request, pk=case_pk)
    return print_file_sheet(case, by=request.user, request=request)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_letters(request, campaign_pk):
    """GET: what would be printed. POST: the PDF at once, or a background job when large."""
    require(can_print(request.user))
    campaign = get_in_scope_or_404(
        selectors.campaigns_visible_to(request.user), request, pk=campaign_pk
    )
    payments = selectors.printable_payments_of_campaign(request.user, campaign)
    count = payments.count()
    if request.method == "POST":
        if count > IMMEDIATE_LIMIT:
            job = start_job(
                kind="letters.campaign_pdf",
                title=_("打印慰问信：%(name)s（%(count)s 封）")
                % {"name": campaign.name, "count": count},
                by=request.user,
                params={"campaign_id": campaign.pk},
            )
            return redirect(job.get_absolute_url())
        return _printed(
            request,
            lambda: print_campaign_letters(
                campaign=campaign,
                payments=payments,
                by=request.user,
                channel=PrintChannel.WEB,
                request=request,
            ),
            attachment=True,
        )
    cash_count = selectors.cash_payments_of_campaign(request.user, campaign).count()
    return render(
        request,
        "letters/campaign_letters.html",
        {
            "campaign": campaign,
            "count": count,
            "cash_count": cash_count,
            "immediate_limit": IMMEDIATE_LIMIT,
            "in_background": count > IMMEDIATE_LIMIT,
        },
    )


@pdf_download
def campaign_signoff(request, campaign_pk) -> PrintOut:
    campaign = get_in_scope_or_404(
        selectors.campaigns_visible_to(request.user), request, pk=campaign_pk
    )
    payments = selectors.cash_payments_of_campaign(request.user, campaign)
    return print_signoff_sheet(
        payments=payments, campaign=campaign, by=request.user, request=request
    )


@pdf_download
def batch_signoff(request, batch_pk) -> PrintOut:
    batch = get_in_scope_or_404(selectors.batches_visible_to(request.user), request, pk=batch_pk)
    payments = selectors.payments_of_batch(request.user, batch)
    return print_signoff_sheet(payments=payments, batch=batch, by=request.user, request=request)


@login_required
@require_GET
def print_log(request):
    """Every print in the auditor's scope, newest first."""
    require(can_view_print_log(request.user))
    records = selectors.print_records_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in PrintKind.values:
        records = records.filter(kind=kind)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "letters/print_log.html",
        {"page": page, "kind": kind, "kinds": PrintKind.choices},
    )


@login_required
@require_GET
def print_record(request, pk):
    """One print and the payments it covered."""
    require(can_view_print_log(request.user))
    record = get_in_scope_or_404(selectors.print_records_visible_to(request.user), request, pk=pk)
    lines = record.lines.select_related("payment__person", "payment__organisation").order_by("id")
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "letters/print_record.html", {"record": record, "page": page})

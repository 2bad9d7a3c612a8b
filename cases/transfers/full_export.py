"""The full-number export: a separate, explicit action beside the masked one.

Every ordinary export is masked for every role. Full ID numbers and bank accounts leave the
application in a list only through this page: the user holds the reveal permission, writes why,
confirms, and the access log keeps the reason with the filters and the row count. (The bank file,
finance only, is the one other file with full accounts.)
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.search import search_params

from .exporting import ExportSpec, export_filters, export_response, may_reveal


class FullExportForm(forms.Form):
    reason = forms.CharField(
        label=_("导出完整号码的理由"),
        min_length=4,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写明用途，例如“报送市总工会困难职工档案”。理由记入访问日志。"),
    )
    confirm = forms.BooleanField(
        label=_("我确认导出的文件含完整身份证号和银行账号，将妥善保管，用后删除。"),
        error_messages={"required": _("请勾选确认后再导出。")},
    )


def full_export(request, spec: ExportSpec, fmt: str, *, job_kind: str, masked_url: str):
    """GET: what will be exported and the form; POST: the export, once reason and confirmation
    are given. The list's filters travel in the query string of both."""
    if not may_reveal(request.user):
        raise PermissionDenied
    form = FullExportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return export_response(
            request,
            spec,
            fmt,
            job_kind=job_kind,
            reveal=True,
            reason=form.cleaned_data["reason"].strip(),
        )
    params = search_params(request)
    rows = spec.queryset(request.user, params).count()
    return render(
        request,
        "cases/transfers/full_export.html",
        {
            "form": form,
            "spec": spec,
            "fmt": fmt.upper(),
            "rows": rows,
            "filters": export_filters(spec, params),
            "masked_url": masked_url,
        },
        status=400 if form.is_bound else 200,
    )

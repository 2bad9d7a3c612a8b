"""Forms of the officer's workspace. They type the input; the services decide the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import CaseCategory, ClosingReason, HardshipCause, HardshipLevel, VisitKind
from cases.models.cases import Occasion


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class Form(forms.Form):
    """Chinese labels take no trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class OpenCaseForm(Form):
    category = forms.ChoiceField(label=_("类别"), choices=CaseCategory.choices)
    hardship_level = forms.ChoiceField(
        label=_("困难类别"),
        choices=[("", _("按系统建议"))] + list(HardshipLevel.choices),
        required=False,
        help_text=_("仅困难职工帮扶填写；与系统建议不一致时须填写调整理由。"),
    )
    causes = forms.MultipleChoiceField(
        label=_("致困原因"),
        choices=HardshipCause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level_override_reason = forms.CharField(
        label=_("调整类别理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    occasion = forms.ChoiceField(
        label=_("慰问节日"),
        choices=[("", "—")] + list(Occasion.choices),
        required=False,
        help_text=_("仅节日/特殊日慰问填写。"),
    )
    summary = forms.CharField(
        label=_("情况摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": "image/*,application/pdf",
                    "capture": "environment",
                    "multiple": True,
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class VisitForm(Form):
    visit_date = forms.DateField(label=_("走访日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("走访方式"), choices=VisitKind.choices)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    findings = forms.CharField(label=_("了解到的情况"), widget=forms.Textarea(attrs={"rows": 4}))
    needs = forms.CharField(
        label=_("需求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    goods_handed_over = forms.CharField(label=_("送达物品"), max_length=200, required=False)
    goods_value = forms.DecimalField(
        label=_("物品价值（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    money_handed_over = forms.DecimalField(
        label=_("送达现金（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    follow_up_on = forms.DateField(label=_("回访日期"), required=False, widget=DateInput())
    companions = forms.ModelMultipleChoiceField(
        label=_("同行人员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    companions_note = forms.CharField(
        label=_("其他同行人员"),
        max_length=200,
        required=False,
        help_text=_("系统外的同行人员，如社区干部。"),
    )
    attachments = MultipleFileField(
        label=_("照片或扫描件"),
        required=False,
        help_text=_("JPEG、PNG 或 PDF，每个文件不超过 10 MB；可直接用手机拍照。"),
    )

    field_order = ["visit_date", "kind", "place", "findings", "attachments", "needs"]

    def __init__(self, *args, companions_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companions_queryset is not None:
            self.fields["companions"].queryset = companions_queryset
            if not companions_queryset.exists():
                del self.fields["companions"]
        if not self.is_bound:
            self.initial.setdefault("visit_date", timezone.localdate())
        self.fields["money_handed_over"].widget.attrs["inputmode"] = "decimal"
        self.fields["goods_value"].widget.attrs["inputmode"] = "decimal"


class VerifyCaseForm(Form):
    note = forms.CharField(label=_("核实说明"), required=False, max_length=500)


class CloseCaseForm(Form):
    reason = forms.ChoiceField(
        label=_("结案原因"),
        choices=[("", "—")] + list(ClosingReason.choices),
        required=True,
        error_messages={"required": _("请选择结案原因。")},
    )
    note = forms.CharField(
        label=_("结案说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenCaseForm(Form):
    reason = forms.CharField(
        label=_("重新开启理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写重新开启的理由。")},
    )


__all__ = [
    "CloseCaseForm",
    "OpenCaseForm",
    "ReopenCaseForm",
    "VerifyCaseForm",
    "VisitForm",
]

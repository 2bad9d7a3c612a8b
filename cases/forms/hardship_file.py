"""Forms of the hardship file steps: 公示, objections, the upper level's approval, tier changes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import HardshipCause, HardshipLevel

from .casework import DateInput, Form


class PublicityForm(Form):
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("公示结束日期"), widget=DateInput())


class ObjectionForm(Form):
    objection = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写异议内容。")},
    )


class FileApprovalForm(Form):
    opinion = forms.CharField(
        label=_("上级工会意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公示期间有异议时必填：说明核查结果。"),
    )


class TierForm(Form):
    hardship_level = forms.ChoiceField(label=_("困难类别"), choices=HardshipLevel.choices)
    causes = forms.MultipleChoiceField(
        label=_("致困原因"),
        choices=HardshipCause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("调整理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写调整困难类别或致困原因的理由。")},
    )


__all__ = ["FileApprovalForm", "ObjectionForm", "PublicityForm", "TierForm"]

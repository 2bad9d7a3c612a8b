from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import CaseCategory, HardshipLevel
from core.forms import LabelsAboveMixin, PlainSelect

from .models import AssistanceItem, Campaign, PaymentMethod
from .services.allocations import MAX_PLACES


class PaymentDraftForm(LabelsAboveMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=pgettext_lazy("payments", "慰问活动"), queryset=Campaign.objects.none()
    )
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("留空则按活动标准金额。"),
    )
    method = forms.ChoiceField(
        label=_("发放方式"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK
    )
    assistance_item = forms.ChoiceField(
        label=_("救助项目"),
        choices=[("", _("按活动默认")), *AssistanceItem.choices],
        required=False,
    )
    purpose = forms.CharField(
        label=_("用途"), max_length=100, required=False, help_text=_("留空则用活动名称。")
    )
    justification = forms.CharField(
        label=_("金额与标准不符的说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submit_now = forms.BooleanField(label=_("保存后立即提交审批"), required=False, initial=True)

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns


class ApprovalFilterForm(LabelsAboveMixin, forms.Form):
    # PlainSelect: the queue is finance's busiest page, and the template per option of every
    # campaign and union was a quarter of its CPU (bench/pages.py).
    campaign = forms.ModelChoiceField(
        label=pgettext_lazy("payments", "慰问活动"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=PlainSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("单位"), queryset=None, required=False, widget=PlainSelect
    )
    amount_min = forms.DecimalField(label=_("最低金额"), required=False, decimal_places=2)
    amount_max = forms.DecimalField(label=_("最高金额"), required=False, decimal_places=2)
    min_age_days = forms.IntegerField(
        label=_("已等待天数（至少）"), required=False, min_value=0, max_value=3650
    )

    def __init__(self, *args, campaigns=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["organisation"].queryset = organisations


class ReasonForm(LabelsAboveMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CampaignCopyForm(LabelsAboveMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    budget = forms.DecimalField(
        label=_("预算（元）"), max_digits=12, decimal_places=2, min_value=Decimal("0")
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class AllocationForm(LabelsAboveMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("下拨单位"), queryset=None)
    amount = forms.DecimalField(
        label=_("下拨金额（元）"), max_digits=12, decimal_places=2, min_value=Decimal("0")
    )
    places = forms.IntegerField(label=_("名额"), min_value=0, max_value=MAX_PLACES)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class EnrolmentForm(LabelsAboveMixin, forms.Form):
    """The filter of 按条件批量起草 (people are chosen through their live cases)."""

    category = forms.ChoiceField(label=_("个案类别"), choices=CaseCategory.choices)
    hardship_level = forms.ChoiceField(
        label=_("困难类别"), choices=[("", _("全部"))] + list(HardshipLevel.choices), required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("标记（须全部符合）"),
        choices=[
            ("frontline", _("抗疫一线医务人员")),
            ("hubei", _("援鄂医疗队员")),
            ("model_worker", _("劳模")),
            ("disabled", _("残疾")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("单位（含下属单位）"), queryset=None, required=False
    )
    submit_now = forms.BooleanField(label=_("起草后立即提交审批"), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ResubmitForm(LabelsAboveMixin, forms.Form):
    """Answering a rejection: what was corrected, and the amount and justification as now."""

    reason = forms.CharField(
        label=_("针对驳回意见的修改说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写入该笔慰问金的变更记录，审批人可见。"),
    )
    amount = forms.DecimalField(
        label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    justification = forms.CharField(
        label=_("金额与标准不符的说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

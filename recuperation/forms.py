from django import forms
from django.utils.translation import gettext_lazy as _

from cases.idnumbers import normalise_id_number
from cases.models import Organisation
from core.forms import LabelsAboveMixin
from payments.models import FundingSource

from .models import ProgrammeKind


class ProgrammeForm(LabelsAboveMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("项目类型"), choices=ProgrammeKind.choices)
    funding_source = forms.ChoiceField(label=_("资金来源"), choices=FundingSource.choices)
    budget = forms.DecimalField(label=_("预算（元）"), max_digits=12, decimal_places=2, min_value=0)
    repeat_window_years = forms.IntegerField(
        label=_("不重复安排年限"),
        min_value=1,
        max_value=20,
        initial=3,
        help_text=_("同类疗休养在此年限内不重复安排同一人。"),
    )


class SessionForm(LabelsAboveMixin, forms.Form):
    destination = forms.CharField(label=_("目的地"), max_length=100)
    provider = forms.CharField(label=_("接待机构"), max_length=100)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000)
    cost_per_person = forms.DecimalField(
        label=_("人均费用（元）"), max_digits=12, decimal_places=2, min_value=0
    )
    registration_deadline = forms.DateField(
        label=_("报名截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class QuotaForm(LabelsAboveMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("基层工会"), queryset=Organisation.objects.none())
    places = forms.IntegerField(label=_("名额"), min_value=0, max_value=10000)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class NominationForm(LabelsAboveMixin, forms.Form):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        help_text=_("被推荐职工的18位身份证号（须在本单位职工名册中）。"),
    )
    emergency_contact = forms.CharField(label=_("紧急联系人及电话"), max_length=100, required=False)
    special_needs = forms.CharField(label=_("特殊需求"), max_length=200, required=False)

    def clean_id_number(self) -> str:
        return normalise_id_number(self.cleaned_data["id_number"])


class ReasonForm(LabelsAboveMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class AttendanceForm(LabelsAboveMixin, forms.Form):
    cost = forms.DecimalField(
        label=_("费用（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("留空则按批次人均费用。"),
    )

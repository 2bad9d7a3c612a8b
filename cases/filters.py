"""List filters (django-filter). Searches use indexed columns only: name prefix, ID tail, mobile."""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.idnumbers import normalise_id_number
from cases.models import EmploymentStatus, Person, Sector
from core.forms import PlainSelect

_TAIL = re.compile(r"^\d{3}[\dX]$")
_FULL_ID = re.compile(r"^\d{17}[\dX]$")
_DIGITS = re.compile(r"^\d{3,11}$")

FLAG_CHOICES = [
    ("is_frontline_medical", _("抗疫一线医务人员")),
    ("is_hubei_team", _("援鄂医疗队员")),
    ("is_model_worker", _("劳模")),
    ("is_disabled", _("残疾")),
]


def search_people(queryset, value: str):
    """One box for the three things an officer knows: a name, an ID tail or a phone number.

    - 4 characters of digits (last may be X): the ID number's tail (indexed `id_tail`);
    - 18 characters: the whole ID number;
    - 3 to 11 digits: a mobile number, exact when complete, else by its beginning;
    - anything else: the beginning of the name (an indexed prefix search).
    """
    value = (value or "").strip()
    if not value:
        return queryset
    number = normalise_id_number(value)
    if _TAIL.match(number):
        return queryset.filter(id_tail=number)
    if _FULL_ID.match(number):
        return queryset.filter(id_number=number)
    if _DIGITS.match(value):
        if len(value) == 11:
            return queryset.filter(mobile=value)
        return queryset.filter(mobile__startswith=value)
    return queryset.filter(name__startswith=value)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("姓名、身份证号后四位或手机号")}
        ),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("单位（含下级）"),
        queryset=None,
        method="filter_organisation",
        widget=PlainSelect,
        empty_label=_("全部"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("行业"),
        choices=Sector.choices,
        field_name="organisation__sector",
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    employment_status = django_filters.ChoiceFilter(
        label=_("在职状态"),
        choices=EmploymentStatus.choices,
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    flag = django_filters.MultipleChoiceFilter(
        label=_("标记"),
        choices=FLAG_CHOICES,
        method="filter_flags",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = ["q", "organisation", "sector", "employment_status", "flag"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organisation"].queryset = organisations

    def filter_q(self, queryset, name, value):
        return search_people(queryset, value)

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)

    def filter_flags(self, queryset, name, value):
        return queryset.filter(**{flag: True for flag in value})

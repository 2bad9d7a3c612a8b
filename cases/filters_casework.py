"""Filters of the case list: category, level, status, organisation (with its subtree), overdue."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.idnumbers import normalise_id_number
from cases.models import Case, CaseCategory, CaseStatus, HardshipLevel, Organisation
from cases.selectors import organisations_visible_to
from cases.selectors_casework import LIVE_STATUSES, review_overdue
from core.forms import PlainSelect


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("姓名或身份证号后四位"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如：张伟 或 1234")}),
    )
    category = django_filters.ChoiceFilter(
        label=_("类别"), choices=CaseCategory.choices, empty_label=_("全部")
    )
    hardship_level = django_filters.ChoiceFilter(
        label=_("困难类别"), choices=HardshipLevel.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=CaseStatus.choices, empty_label=_("全部")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("单位"),
        queryset=Organisation.objects.none(),
        method="in_organisation",
        widget=PlainSelect,
        empty_label=_("全部（含下级）"),
    )
    mine = django_filters.BooleanFilter(
        label=_("仅看我立案的未结案个案"), method="only_mine", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("仅看逾期未复核"),
        method="only_overdue",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Case
        fields = ["q", "category", "hardship_level", "status", "organisation", "mine", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["organisation"].queryset = organisations_visible_to(user).only(
            "id", "name", "path"
        )
        self.form.label_suffix = ""  # builds the form: after the queryset is set

    def search(self, queryset, name, value):
        """Indexed lookups only: the exact ID number, its last four characters, or a name prefix."""
        value = value.strip()
        number = normalise_id_number(value)
        if len(number) == 18:
            return queryset.filter(person__id_number=number)
        if len(number) == 4 and number[:3].isdigit():
            return queryset.filter(Q(person__id_tail=number) | Q(person__name__startswith=value))
        return queryset.filter(person__name__startswith=value)

    def in_organisation(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)

    def only_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(opened_by=self.user, status__in=LIVE_STATUSES)

    def only_overdue(self, queryset, name, value):
        return review_overdue(queryset) if value else queryset

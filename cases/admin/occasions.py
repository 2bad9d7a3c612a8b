"""Admin: the occasions calendar (administrators keep it and add the federation's own).

Planned visits are read-only here: the generator writes them and visits fulfil them.
"""

import datetime

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Concern, OccasionDate, OccasionDay, PlannedVisit


class OccasionDayForm(forms.ModelForm):
    concerns = forms.MultipleChoiceField(
        label=_("慰问对象"),
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("具有其中任一标记的职工为慰问对象。"),
    )

    class Meta:
        model = OccasionDay
        fields = (
            "code",
            "name",
            "month",
            "day",
            "concerns",
            "audience",
            "lead_days",
            "organisation",
            "is_active",
        )

    def clean(self):
        data = super().clean()
        month, day = data.get("month"), data.get("day")
        if (month is None) != (day is None):
            raise forms.ValidationError(_("公历节日须同时填写月和日；农历节日两者都留空。"))
        if month and day:
            try:
                datetime.date(2028, month, day)  # a leap year: 2·29 is a real day
            except ValueError:
                self.add_error("day", _("%(m)d月没有%(d)d日。") % {"m": month, "d": day})
        return data


class OccasionDateInline(admin.TabularInline):
    model = OccasionDate
    extra = 1
    fields = ("year", "date")


@admin.register(OccasionDay)
class OccasionDayAdmin(SimpleHistoryAdmin):
    form = OccasionDayForm
    list_display = ("name", "code", "month", "day", "audience", "lead_days", "is_active")
    list_filter = ("is_active", "audience")
    search_fields = ("name", "code")
    raw_id_fields = ("organisation",)
    inlines = [OccasionDateInline]


@admin.register(PlannedVisit)
class PlannedVisitAdmin(admin.ModelAdmin):
    list_display = ("occasion", "due_on", "person", "organisation")
    list_select_related = ("occasion", "person", "organisation")
    list_filter = ("occasion",)
    search_fields = ("person__name",)
    raw_id_fields = ("person", "organisation", "occasion")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""The change log's filters (GET only)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.selectors import organisations_visible_to
from core.forms import PlainSelect

from .models import ChangeKind
from .registry import tracked_models
from .selectors import ChangeFilters

MAX_MATCHED_USERS = 50


def users_matching(text: str) -> list:
    """Users whose login is `text` or whose full name contains it (赵主席, 赵): one query.

    Auditors know people by name, not by login; a name shared by several people matches all of
    them (at most MAX_MATCHED_USERS)."""
    text = text.strip()
    return list(
        get_user_model()
        .objects.filter(Q(username=text) | Q(display_name__icontains=text))
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_MATCHED_USERS]
    )


def model_choices():
    choices = [
        (label, str(t.model._meta.verbose_name)) for label, t in sorted(tracked_models().items())
    ]
    return [("", _("全部类型")), *choices]


def _person_field(label) -> forms.CharField:
    """The operator filter of both logs: a name, part of one, or a username."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=150,
        help_text=_("姓名或其中几个字，也可填用户名。"),
        widget=forms.TextInput(attrs={"placeholder": _("姓名或用户名")}),
    )


class ChangeLogFilterForm(forms.Form):
    # The selects are written by PlainSelect: a template per option (every tracked model, every
    # union) was a tenth of the change log's CPU (bench/pages.py).
    model = forms.ChoiceField(label=_("记录类型"), required=False, widget=PlainSelect)
    object_id = forms.CharField(label=_("记录编号"), required=False, max_length=50)
    user = _person_field(_("操作人"))
    organisation = forms.ModelChoiceField(
        label=_("组织"),
        required=False,
        queryset=None,
        empty_label=_("全部组织"),
        widget=PlainSelect,
    )
    kind = forms.ChoiceField(
        label=_("变更类型"),
        required=False,
        choices=[("", _("全部")), *ChangeKind.choices],
        widget=PlainSelect,
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = model_choices()
        self.fields["organisation"].queryset = organisations_visible_to(user).only(
            "pk", "name", "path"
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        if data.get("object_id") and not data.get("model"):
            self.add_error("model", _("按记录编号筛选时请选择记录类型。"))
        return data

    def filters(self) -> ChangeFilters:
        """The filters of a valid form; an invalid form filters nothing out but shows errors."""
        if not self.is_valid():
            return ChangeFilters()
        data = self.cleaned_data
        user_ids = (users_matching(data["user"]) or [-1]) if data.get("user") else None
        organisation = data.get("organisation")
        return ChangeFilters(
            model=data.get("model") or "",
            object_id=data.get("object_id") or "",
            user_ids=user_ids,
            organisation_path=organisation.path if organisation else "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            kind=data.get("kind") or "",
        )


class AccessLogFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("动作"), required=False)
    user = _person_field(_("用户"))
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from core.access import AccessAction

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部")), *AccessAction.choices]

    def apply(self, qs):
        """Equality and range filters on indexed columns (action+at, username, at)."""
        import datetime

        from django.utils import timezone

        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("user"):
            # The login typed (also failed sign-ins of unknown logins) or the matching people.
            qs = qs.filter(Q(username=data["user"]) | Q(user_id__in=users_matching(data["user"])))
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            qs = qs.filter(
                at__gte=datetime.datetime.combine(data["date_from"], datetime.time(), tz)
            )
        if data.get("date_to"):
            end = data["date_to"] + datetime.timedelta(days=1)
            qs = qs.filter(at__lt=datetime.datetime.combine(end, datetime.time(), tz))
        return qs

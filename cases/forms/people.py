"""Forms for registering and editing people: every message says exactly what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.idnumbers import birth_date_of, gender_of, normalise_id_number, validate_id_number
from cases.models import Gender, Person
from cases.normalise import normalise_number, normalise_text
from core.concurrency import VersionedFormMixin

REQUIRED_MESSAGES = {
    "name": _("请填写姓名。"),
    "id_number": _("请填写身份证号。"),
    "mobile": _("请填写手机号码。"),
    "organisation": _("请选择所在单位。"),
}


class PersonForm(VersionedFormMixin, forms.ModelForm):
    """Create or edit a person. Birth date, ID tail and per-capita income are derived.

    On edit the ID number and bank account are never sent to the browser: the fields start empty
    (their masked value is shown as a hint) and an empty field keeps the stored value.
    """

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "id_number",
            "mobile",
            "organisation",
            "position",
            "employment_status",
            "household_size",
            "household_monthly_income",
            "address",
            "bank_name",
            "bank_account",
            "is_frontline_medical",
            "is_hubei_team",
            "is_model_worker",
            "is_disabled",
            "deceased_on",
        ]
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "mobile": forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
            "bank_account": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            "household_monthly_income": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "deceased_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "gender": _("可不选：由身份证号第17位得出（奇数为男，偶数为女）。"),
            "id_number": _("18位居民身份证号；出生日期与性别由号码自动得出。"),
            "mobile": _("11位手机号码。"),
        }

    def __init__(self, *args, organisations, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels sit above their inputs
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        # No default: a wrong "男" preselected used to slip through. Blank means "from the ID".
        gender = self.fields["gender"]
        gender.required = False
        gender.choices = [("", _("由身份证号得出")), *Gender.choices]
        self.fields["id_number"].widget.attrs.update(
            {"data-id-number": "", "data-gender-target": "id_gender"}
        )
        self.fields["mobile"].required = True
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        if self.instance.pk:
            # docs/officer.md: every change of a person says why (it goes into the history).
            self.fields["change_reason"] = forms.CharField(
                label=_("修改原因（记入变更记录）"),
                max_length=200,
                error_messages={"required": _("请填写修改原因，它会记入该职工的变更记录。")},
            )
            for name, masked in (
                ("id_number", self.instance.masked_id_number),
                ("bank_account", self.instance.masked_bank_account),
            ):
                field = self.fields[name]
                field.required = False
                field.widget.attrs["placeholder"] = masked
                field.help_text = _("当前为 %(masked)s；不修改请留空。") % {"masked": masked}
                self.initial[name] = ""

    def _keep_if_blank(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value and self.instance.pk:
            return getattr(self.instance, name)
        return value

    def clean_id_number(self) -> str:
        number = normalise_id_number(self._keep_if_blank("id_number"))
        if not number:
            raise forms.ValidationError(_("请填写身份证号。"), code="required")
        validate_id_number(number)
        duplicate = Person.objects.filter(id_number=number).exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(
                _("该身份证号已登记，同一身份证号只能登记一人。请在职工名册中查找此人。"),
                code="duplicate_id_number",
            )
        return number

    def derived_birth_date(self):
        """The birth date read from the ID number as typed (or stored), for the page to show."""
        number = normalise_id_number(self.data.get("id_number", "")) if self.is_bound else ""
        number = number or self.instance.id_number
        try:
            validate_id_number(number)
        except forms.ValidationError:
            return None
        return birth_date_of(number)

    def clean(self):
        """A blank gender is the ID number's; a chosen one must agree with it (the only refusal)."""
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if not number:
            return cleaned
        from_id = gender_of(number)
        chosen = cleaned.get("gender")
        if not chosen:
            cleaned["gender"] = from_id
            self.instance.gender = from_id
        elif chosen != from_id:
            self.add_error(
                "gender",
                _(
                    "性别与身份证号不一致：号码第17位是 %(digit)s（奇数为男，偶数为女），"
                    "应为“%(expected)s”。请核对性别或身份证号；不确定时性别可不选。"
                )
                % {"digit": number[16], "expected": Gender(from_id).label},
            )
        return cleaned

    def clean_bank_account(self) -> str:
        return normalise_number(self._keep_if_blank("bank_account"))

    def clean_mobile(self) -> str:
        return normalise_number(self.cleaned_data.get("mobile")).replace("-", "")

    def clean_name(self) -> str:
        return normalise_text(self.cleaned_data.get("name"))

    def clean_bank_name(self) -> str:
        return normalise_text(self.cleaned_data.get("bank_name"))

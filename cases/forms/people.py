"""Forms for registering and editing people: every message says exactly what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.idnumbers import normalise_id_number, validate_id_number
from cases.models import Person

REQUIRED_MESSAGES = {
    "name": _("请填写姓名。"),
    "gender": _("请选择性别。"),
    "id_number": _("请填写身份证号。"),
    "mobile": _("请填写手机号码。"),
    "organisation": _("请选择所在单位。"),
}


class PersonForm(forms.ModelForm):
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
            "id_number": _("18位居民身份证号；出生日期与性别由号码自动得出。"),
            "mobile": _("11位手机号码。"),
        }

    def __init__(self, *args, organisations, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels sit above their inputs
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        self.fields["gender"].choices = self.fields["gender"].choices[1:]
        self.fields["mobile"].required = True
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        if self.instance.pk:
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

    def clean_bank_account(self) -> str:
        return self._keep_if_blank("bank_account").replace(" ", "")

    def clean_mobile(self) -> str:
        return (self.cleaned_data.get("mobile") or "").strip().replace(" ", "").replace("-", "")

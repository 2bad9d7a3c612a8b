from django import forms
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin

from .models import LetterTemplate
from .services import TEMPLATE_FIELDS, template_problems


class LetterTemplateForm(VersionedFormMixin, forms.ModelForm):
    """Title, body and signature; every `{{…}}` must be a known placeholder, nothing else."""

    reason = forms.CharField(
        label=_("修改说明"), required=False, max_length=200, help_text=_("记入修改历史，可不填。")
    )

    class Meta:
        model = LetterTemplate
        fields = ["title", "body", "signature"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "signature": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        texts = {f: cleaned.get(f, "") or "" for f in TEMPLATE_FIELDS}
        campaign = self.instance.campaign if self.instance.campaign_id else None
        for field, messages in template_problems(campaign=campaign, **texts).items():
            for message in messages:
                self.add_error(field, message)
        return cleaned

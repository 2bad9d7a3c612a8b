from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import LabelsAboveMixin

from .services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(LabelsAboveMixin, forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=100, help_text=_("写明用途，例如“财务对账脚本”。")
    )
    days = forms.IntegerField(
        label=_("有效期（天）"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    owner = forms.ModelChoiceField(
        label=_("令牌所属用户"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("留空则为自己创建。"),
    )

    def __init__(self, *args, may_choose_owner: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if may_choose_owner:
            users = get_user_model().objects.filter(is_active=True).order_by("username")
            self.fields["owner"].queryset = users
        else:
            del self.fields["owner"]

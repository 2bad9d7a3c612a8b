"""The history reasons with values in them that letters writes (see core.reasons)."""

from django.utils.translation import gettext_noop

from core.reasons import reason_format

reason_format(gettext_noop("复制自活动“%(name)s”"))

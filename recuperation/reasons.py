"""The history reasons with values in them that recuperation writes (see core.reasons)."""

from django.utils.translation import gettext_noop

from core.reasons import reason_format

reason_format(gettext_noop("替补 %(name)s 放弃的名额"))

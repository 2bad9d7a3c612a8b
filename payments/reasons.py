"""The history reasons with values in them that payments writes (see core.reasons)."""

from django.utils.translation import gettext_noop

from core.reasons import reason_format

reason_format(gettext_noop("加入批次 %(ref)s"))
reason_format(gettext_noop("收款账户变更后重新审批：%(reason)s"))

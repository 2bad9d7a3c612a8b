"""The history reasons with values in them that cases writes (see core.reasons)."""

from django.utils.translation import gettext_noop

from core.reasons import reason_format

IMPORT = reason_format(gettext_noop("导入：%(file)s"))
reason_format(gettext_noop("公示 %(s)s 至 %(e)s"))
reason_format(gettext_noop("公示异议：%(o)s"))
reason_format(gettext_noop("%(year)s 年度复核：%(outcome)s"))
# A closing reason's label and the officer's note (cases.services.lifecycle.close_case).
reason_format(gettext_noop("%(label)s：%(note)s"))

"""The federation's assistance standards (救助标准) per hardship tier and item."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.history import attribute_change

from .. import permissions
from ..exceptions import InvalidAmount, NotPermitted
from ..models import AssistanceStandard, StandardBasis


@transaction.atomic
def save_assistance_standard(
    standard: AssistanceStandard, *, by, reason: str = ""
) -> AssistanceStandard:
    if not permissions.can_manage_campaigns(by):
        raise NotPermitted(_("只有系统管理员可以维护救助标准。"))
    value = standard.value
    if value is None or value <= 0:
        raise InvalidAmount(_("救助标准的数值必须大于0。"))
    if standard.basis == StandardBasis.SELF_PAID_SHARE and value > Decimal("1"):
        raise InvalidAmount(
            _("医疗自付费用的比例在 0.01 到 1 之间，%(v)s 超出范围。") % {"v": value}
        )
    attribute_change(standard, by=by, reason=reason)
    standard.save()
    return standard


__all__ = ["save_assistance_standard"]

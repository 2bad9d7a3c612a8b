"""The payments export and the filters it accepts.

GET parameters (unknown ones are ignored): `q` (name, full ID number or its last four
characters, or a payment reference), `organisation` (id: it and everything below it),
`campaign` (id), `status`, `method`, `year`.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import CaseCategory, HardshipLevel, Sector
from cases.selectors import organisations_visible_to
from cases.transfers.exporting import Column, ExportSpec, mask_account, mask_id
from cases.transfers.exports import _person_q
from core.numbers import is_id
from payments.models import AssistanceItem, FundingSource, PaymentMethod, PaymentStatus
from payments.selectors import payments_visible_to


def payments_for_export(user, params) -> QuerySet:
    qs = payments_visible_to(user)
    value = params.get("organisation", "")
    if is_id(value):
        organisation = organisations_visible_to(user).filter(pk=int(value)).first()
        qs = (
            qs.filter(organisation__path__startswith=organisation.path)
            if organisation
            else qs.none()
        )
    if q := params.get("q", "").strip():
        qs = qs.filter(_person_q(q, "person__") | Q(reference=q.upper()))
    if is_id(campaign := params.get("campaign", "")):
        qs = qs.filter(campaign_id=int(campaign))
    if (status := params.get("status", "")) in PaymentStatus.values:
        qs = qs.filter(status=status)
    if (method := params.get("method", "")) in PaymentMethod.values:
        qs = qs.filter(method=method)
    if len(year := params.get("year", "")) == 4 and is_id(year):
        qs = qs.filter(year=int(year))
    return qs.order_by("-created_at", "-id")


PAYMENTS_EXPORT = ExportSpec(
    kind="payments",
    title=_("慰问金"),
    object_type="payments.payment",
    queryset=payments_for_export,
    filter_names=("q", "organisation", "campaign", "status", "method", "year"),
    columns=[
        Column(_("付款编号"), "reference"),
        Column(_("姓名"), "person__name"),
        Column(_("身份证号"), "person__id_number", masker=mask_id),
        Column(_("单位代码"), "organisation__code"),
        Column(_("单位"), "organisation__name"),
        Column(_("行业"), "organisation__sector", choices=dict(Sector.choices)),
        Column(_("个案类别"), "case__category", choices=dict(CaseCategory.choices)),
        Column(_("困难类别"), "case__hardship_level", choices=dict(HardshipLevel.choices)),
        Column(_("慰问活动"), "campaign__name"),
        Column(_("救助项目"), "assistance_item", choices=dict(AssistanceItem.choices)),
        Column(_("经费来源"), "campaign__funding_source", choices=dict(FundingSource.choices)),
        Column(_("年度"), "year"),
        Column(_("金额（元）"), "amount"),
        Column(_("标准金额（元）"), "standard_amount"),
        Column(_("金额与标准不符的说明"), "justification"),
        Column(_("发放方式"), "method", choices=dict(PaymentMethod.choices)),
        Column(_("用途"), "purpose"),
        Column(_("状态"), "status", choices=dict(PaymentStatus.choices)),
        Column(_("开户行"), "person__bank_name"),
        Column(_("银行账号"), "person__bank_account", masker=mask_account),
        Column(_("起草时间"), "created_at"),
        Column(_("审批时间"), "approved_at"),
        Column(_("发放时间"), "paid_at"),
        Column(_("银行流水号"), "bank_serial"),
    ],
)

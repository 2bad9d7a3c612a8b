"""What the people, cases and visits exports contain, and the filters they accept.

People and cases are filtered by the list pages' own FilterSets (`cases.filters.PersonFilter`,
`cases.filters_casework.CaseFilter`), so an export link that carries the list's query string
exports exactly the list on screen. Visits have no list filter yet; their GET parameters:
`q` (name prefix, full ID number or its last four characters), `organisation` (an id: it and
everything below it, within the user's scope), `kind`, `category`, `date_from`, `date_to`
(YYYY-MM-DD). Unknown parameters are ignored; an invalid filter value exports nothing, as the
list shows nothing.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.idnumbers import normalise_id_number
from cases.models import (
    CaseCategory,
    CaseStatus,
    ClosingReason,
    EmploymentStatus,
    ExitReason,
    FileStage,
    Gender,
    HardshipLevel,
    VisitKind,
)
from cases.models.cases import Occasion
from cases.selectors import (
    cases_visible_to,
    organisations_visible_to,
    people_visible_to,
    visits_visible_to,
)
from core.numbers import is_id

from .exporting import Column, ExportSpec, mask_account, mask_id


def _choices(enum) -> dict:
    return dict(enum.choices)


def _person_q(text: str, prefix: str = "") -> Q:
    """A name prefix, the whole ID number or its last four characters (all indexed)."""
    number = normalise_id_number(text)
    query = Q(**{f"{prefix}name__startswith": text})
    if len(number) == 4:
        query |= Q(**{f"{prefix}id_tail": number})
    elif len(number) == 18:
        query |= Q(**{f"{prefix}id_number": number})
    return query


def _in_organisation(qs: QuerySet, user, params, field: str) -> QuerySet:
    value = params.get("organisation", "")
    if not is_id(value):
        return qs
    organisation = organisations_visible_to(user).filter(pk=int(value)).first()
    if organisation is None:
        return qs.none()
    return qs.filter(**{f"{field}__path__startswith": organisation.path})


def _choice(qs: QuerySet, params, name: str, enum, field: str | None = None) -> QuerySet:
    value = params.get(name, "")
    if value and value in enum.values:
        return qs.filter(**{field or name: value})
    return qs


def _date(params, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(params.get(name, ""))
    except ValueError:
        return None


def _filtered(filterset) -> QuerySet:
    """The list page's rule: unbound shows all, valid filters, invalid shows nothing."""
    if not filterset.is_bound:
        return filterset.queryset
    if filterset.is_valid():
        return filterset.qs
    return filterset.queryset.none()


def _bound(params):
    return params if any(params.values()) else None


def people_for_export(user, params) -> QuerySet:
    from cases.filters import PersonFilter

    people = PersonFilter(
        _bound(params),
        queryset=people_visible_to(user),
        organisations=organisations_visible_to(user),
    )
    return _filtered(people).order_by("organisation_id", "name", "id")


def cases_for_export(user, params) -> QuerySet:
    from cases.filters_casework import CaseFilter

    cases = CaseFilter(_bound(params), queryset=cases_visible_to(user), user=user)
    return _filtered(cases).order_by("-opened_at", "-id")


def visits_for_export(user, params) -> QuerySet:
    qs = _in_organisation(visits_visible_to(user), user, params, "case__organisation")
    if q := params.get("q", "").strip():
        qs = qs.filter(_person_q(q, "case__person__"))
    qs = _choice(qs, params, "kind", VisitKind)
    qs = _choice(qs, params, "category", CaseCategory, "case__category")
    if start := _date(params, "date_from"):
        qs = qs.filter(visit_date__gte=start)
    if end := _date(params, "date_to"):
        qs = qs.filter(visit_date__lte=end)
    return qs.order_by("-visit_date", "-id")


PEOPLE_EXPORT = ExportSpec(
    kind="people",
    title=_("职工名单"),
    object_type="cases.person",
    queryset=people_for_export,
    filter_names=("q", "organisation", "sector", "employment_status", "flag"),
    columns=[
        Column(_("姓名"), "name"),
        Column(_("身份证号"), "id_number", masker=mask_id),
        Column(_("性别"), "gender", choices=_choices(Gender)),
        Column(_("出生日期"), "birth_date"),
        Column(_("手机号码"), "mobile"),
        Column(_("所在单位"), "organisation__name"),
        Column(_("单位代码"), "organisation__code"),
        Column(_("岗位"), "position"),
        Column(_("在职状态"), "employment_status", choices=_choices(EmploymentStatus)),
        Column(_("家庭人口"), "household_size"),
        Column(_("家庭月收入（元）"), "household_monthly_income"),
        Column(_("住址"), "address"),
        Column(_("区县"), "district"),
        Column(_("开户行"), "bank_name"),
        Column(_("银行账号"), "bank_account", masker=mask_account),
        Column(_("抗疫一线医务人员"), "is_frontline_medical"),
        Column(_("援鄂医疗队员"), "is_hubei_team"),
        Column(_("劳模"), "is_model_worker"),
        Column(_("残疾"), "is_disabled"),
    ],
)

CASES_EXPORT = ExportSpec(
    kind="cases",
    title=_("帮扶个案"),
    object_type="cases.case",
    queryset=cases_for_export,
    filter_names=("q", "organisation", "status", "category", "hardship_level", "overdue"),
    columns=[
        Column(_("个案编号"), "id"),
        Column(_("姓名"), "person__name"),
        Column(_("身份证号"), "person__id_number", masker=mask_id),
        Column(_("立案单位"), "organisation__name"),
        Column(_("类别"), "category", choices=_choices(CaseCategory)),
        Column(_("困难类别"), "hardship_level", choices=_choices(HardshipLevel)),
        Column(_("致困原因"), "causes"),
        Column(_("慰问节日"), "occasion", choices=_choices(Occasion)),
        Column(_("状态"), "status", choices=_choices(CaseStatus)),
        Column(_("立案时间"), "opened_at"),
        Column(_("最近核实日期"), "last_verified_on"),
        Column(_("结案时间"), "closed_at"),
        Column(_("结案原因"), "closing_reason", choices=_choices(ClosingReason)),
        Column(_("建档状态"), "file_stage", choices=_choices(FileStage)),
        Column(_("意外损失金额（元）"), "accident_loss"),
        Column(_("脱困/退档原因"), "exit_reason", choices=_choices(ExitReason)),
        Column(_("脱困/退档日期"), "exited_on"),
        Column(_("返困次数"), "return_count"),
        Column(_("归档时间"), "archived_at"),
        Column(_("情况摘要"), "summary"),
    ],
)

VISITS_EXPORT = ExportSpec(
    kind="visits",
    title=_("走访记录"),
    object_type="cases.visit",
    queryset=visits_for_export,
    filter_names=("q", "organisation", "kind", "category", "date_from", "date_to"),
    columns=[
        Column(_("走访日期"), "visit_date"),
        Column(_("个案编号"), "case_id"),
        Column(_("姓名"), "case__person__name"),
        Column(_("身份证号"), "case__person__id_number", masker=mask_id),
        Column(_("单位"), "case__organisation__name"),
        Column(_("个案类别"), "case__category", choices=_choices(CaseCategory)),
        Column(_("走访方式"), "kind", choices=_choices(VisitKind)),
        Column(_("记录人"), "recorded_by__username"),
        Column(_("地点"), "place"),
        Column(_("了解到的情况"), "findings"),
        Column(_("需求"), "needs"),
        Column(_("送达物品"), "goods_handed_over"),
        Column(_("物品价值（元）"), "goods_value"),
        Column(_("送达现金（元）"), "money_handed_over"),
        Column(_("回访日期"), "follow_up_on"),
    ],
)

EXPORTS = {spec.kind: spec for spec in (PEOPLE_EXPORT, CASES_EXPORT, VISITS_EXPORT)}

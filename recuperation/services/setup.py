"""Setting up a programme: the programme, its sessions and the unions' quotas.

Done by the federation that runs the programme (`manage_programme`); the quotas of a programme
never add up to more places than its sessions hold, and a quota never drops below the places
its union already uses.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cases.models import Organisation

from .. import permissions
from ..exceptions import InvalidSetup, NotPermitted, OutOfScope
from ..models import LIVE_STATUSES, SEATED_STATUSES, Programme, Quota, Session
from .common import covers, lock_programme, require_covers, save_changed, save_new


def _require_manager(by, programme: Programme | None = None) -> None:
    if not permissions.can_manage_programmes(by):
        raise NotPermitted(_("您没有设置疗休养项目的权限。"))
    if programme is not None:
        require_covers(by, programme.organisation, _("该疗休养项目不在您的管理范围内。"))


@transaction.atomic
def create_programme(
    *,
    by,
    name: str,
    year: int,
    kind: str,
    funding_source: str,
    budget: Decimal,
    repeat_window_years: int = 3,
    organisation: Organisation | None = None,
) -> Programme:
    """A new programme run by `organisation` (the manager's own organisation by default)."""
    _require_manager(by)
    organisation = organisation or by.organisation
    if organisation is None:
        raise OutOfScope(_("您的账号没有所属组织，不能主办疗休养项目。"))
    require_covers(by, organisation, _("只能为本组织或下级组织设立疗休养项目。"))
    if budget < 0:
        raise InvalidSetup(_("预算不能为负数。"))
    if repeat_window_years < 1:
        raise InvalidSetup(_("不重复安排年限至少为1年。"))
    programme = Programme(
        name=name.strip(),
        year=year,
        kind=kind,
        organisation=organisation,
        funding_source=funding_source,
        budget=budget,
        repeat_window_years=repeat_window_years,
        created_by=by,
    )
    save_new(programme, by=by, reason=_("设立疗休养项目"))
    return programme


@transaction.atomic
def add_session(
    programme: Programme,
    *,
    by,
    destination: str,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    capacity: int,
    cost_per_person: Decimal,
    registration_deadline: datetime.date,
) -> Session:
    _require_manager(by, programme)
    lock_programme(programme.pk)
    if ends_on < starts_on:
        raise InvalidSetup(_("结束日期不能早于开始日期。"))
    if registration_deadline > starts_on:
        raise InvalidSetup(_("报名截止日期不能晚于开始日期。"))
    if capacity < 1:
        raise InvalidSetup(_("每期名额至少为1人。"))
    if cost_per_person < 0:
        raise InvalidSetup(_("人均费用不能为负数。"))
    session = Session(
        programme=programme,
        destination=destination.strip(),
        provider=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        cost_per_person=cost_per_person,
        registration_deadline=registration_deadline,
    )
    save_new(session, by=by, reason=_("新增疗休养批次"))
    return session


def total_capacity(programme: Programme) -> int:
    return programme.sessions.aggregate(total=Sum("capacity"))["total"] or 0


@transaction.atomic
def set_quota(
    programme: Programme, organisation: Organisation, places: int, *, by, reason: str = ""
) -> Quota:
    """Create or change a union's quota; the programme row is locked while the sum is checked."""
    _require_manager(by, programme)
    programme = lock_programme(programme.pk)
    if organisation.pk == programme.organisation_id or not organisation.path.startswith(
        programme.organisation.path
    ):
        raise OutOfScope(
            _("名额只能分配给“%(runner)s”下级的基层工会。") % {"runner": programme.organisation}
        )
    if not covers(by, organisation):
        raise OutOfScope(_("该工会不在您的管理范围内。"))
    if places < 0:
        raise InvalidSetup(_("名额不能为负数。"))
    quota = (
        Quota.objects.select_for_update().filter(programme=programme, organisation=organisation)
    ).first()
    others = (
        Quota.objects.filter(programme=programme)
        .exclude(organisation=organisation)
        .aggregate(total=Sum("places"))["total"]
        or 0
    )
    capacity = total_capacity(programme)
    if others + places > capacity:
        raise InvalidSetup(
            _(
                "各工会名额合计不能超过项目总名额 %(capacity)d 人："
                "其他工会已分配 %(others)d 人，本次最多可分配 %(left)d 人。"
            )
            % {"capacity": capacity, "others": others, "left": max(capacity - others, 0)}
        )
    if quota is None:
        quota = Quota(programme=programme, organisation=organisation, places=places)
        save_new(quota, by=by, reason=reason or _("分配疗休养名额"))
        return quota
    used = quota.nominations.filter(status__in=LIVE_STATUSES).count()
    if places < used:
        raise InvalidSetup(
            _("%(union)s 已推荐 %(used)d 人，名额不能少于已推荐人数。")
            % {"union": organisation, "used": used}
        )
    if quota.places != places:
        quota.places = places
        save_changed(quota, ["places"], by=by, reason=reason or _("调整疗休养名额"))
    return quota


def seated_count(session: Session) -> int:
    return session.nominations.filter(status__in=SEATED_STATUSES).count()

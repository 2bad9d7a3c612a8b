"""Recording a visit (走访) with its attachments, all or nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import CaseStateError, InvalidVisit
from cases.models import Case, CaseStatus, Visit, VisitKind
from core.history import attribute_change

from . import attachments as attachment_files
from .checks import lock_case, require_casework_role, require_in_scope, today
from .exits import answer_follow_up, pending_follow_up

__all__ = ["record_visit"]


def record_visit(
    case: Case,
    *,
    by,
    visit_date: datetime.date,
    kind: str,
    findings: str,
    place: str = "",
    needs: str = "",
    goods_handed_over: str = "",
    goods_value: Decimal | None = None,
    money_handed_over: Decimal | None = None,
    follow_up_on: datetime.date | None = None,
    companions: Iterable = (),
    companions_note: str = "",
    attachments: Iterable = (),
) -> Visit:
    """Record a visit with its attachments, all or nothing (a bad file refuses the whole visit)."""
    require_casework_role(by, "cases.add_visit")
    attachments = list(attachments)
    if attachments:
        require_casework_role(by, "cases.add_attachment")
    stored: list = []
    try:
        with transaction.atomic():
            locked = lock_case(case)
            require_in_scope(by, locked.organisation)
            follow_up = pending_follow_up(locked)
            if locked.status == CaseStatus.CLOSED and follow_up is None:
                raise CaseStateError(
                    _("个案已结案，不能再记录走访；如需继续办理请先重新开启。"), field="visit_date"
                )
            _validate_visit(
                locked,
                visit_date=visit_date,
                kind=kind,
                findings=findings,
                goods_value=goods_value,
                money_handed_over=money_handed_over,
                follow_up_on=follow_up_on,
            )
            checked = [attachment_files.check_attachment(f) for f in attachments]
            visit = Visit(
                case=locked,
                visit_date=visit_date,
                kind=kind,
                recorded_by=by,
                place=(place or "").strip(),
                findings=findings.strip(),
                needs=(needs or "").strip(),
                goods_handed_over=(goods_handed_over or "").strip(),
                goods_value=goods_value,
                money_handed_over=money_handed_over,
                follow_up_on=follow_up_on,
                companions_note=(companions_note or "").strip(),
                created_at=timezone.now(),
            )
            attribute_change(visit, by=by)
            visit.save()
            if follow_up is not None:
                answer_follow_up(follow_up, visit, by=by)
            others = [u for u in companions if u.pk != by.pk]
            if others:
                visit.companions.set(others)
            for item in checked:
                attachment_files.store_attachment(visit, item, by, stored)
    except BaseException:
        attachment_files.remove_stored_files(stored)
        raise
    return visit


def _validate_visit(
    case: Case,
    *,
    visit_date,
    kind,
    findings,
    goods_value,
    money_handed_over,
    follow_up_on,
) -> None:
    if not isinstance(visit_date, datetime.date):
        raise InvalidVisit(_("请填写走访日期。"), field="visit_date")
    now = today()
    if visit_date > now:
        raise InvalidVisit(
            _("走访日期 %(d)s 晚于今天，不能记录尚未发生的走访。") % {"d": visit_date},
            field="visit_date",
        )
    opened_on = timezone.localdate(case.opened_at)
    if visit_date < opened_on:
        raise InvalidVisit(
            _("走访日期 %(d)s 早于个案立案日期 %(o)s。") % {"d": visit_date, "o": opened_on},
            field="visit_date",
        )
    if kind not in VisitKind.values:
        raise InvalidVisit(_("请选择走访方式。"), field="kind")
    if not (findings or "").strip():
        raise InvalidVisit(_("请填写走访了解到的情况。"), field="findings")
    for value, field in ((goods_value, "goods_value"), (money_handed_over, "money_handed_over")):
        if value is not None and value < 0:
            raise InvalidVisit(_("金额不能为负数。"), field=field)
    if follow_up_on is not None and follow_up_on <= visit_date:
        raise InvalidVisit(_("回访日期应晚于走访日期。"), field="follow_up_on")

"""The nomination state machine:

    nominated → approved → confirmed → attended / absent
        │          └──────────┴→ declined (the person, with a reason) → replaced
        └→ rejected (the federation, with a reason)

A union's officer nominates within the union's quota and records the person's answer; the
federation that runs the programme approves or rejects (never the person who nominated: four
eyes); attendance and the cost of each attendee are recorded after the session, against the
programme's budget. Each step is one transaction that locks in the order programme → session →
quota → person → nomination, re-reads the rows it checks, and writes history with who and why.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import EmploymentStatus, Person

from .. import permissions
from ..exceptions import (
    BudgetExceeded,
    CapacityExceeded,
    FourEyesViolation,
    InvalidTransition,
    NotEligible,
    NotPermitted,
    OutOfScope,
    OverlappingSession,
    QuotaExceeded,
    ReasonRequired,
    RegistrationClosed,
    RepeatWithinWindow,
)
from ..models import (
    LIVE_STATUSES,
    Nomination,
    NominationStatus,
    Programme,
    ProgrammeKind,
    Quota,
    Session,
)
from ..selectors import programme_spending
from .common import (
    copy_fields,
    lock_nomination,
    lock_person,
    lock_programme,
    lock_quota,
    lock_session,
    logs_four_eyes_refusals,
    require_covers,
    save_changed,
    save_new,
)
from .setup import seated_count

# Nominations that keep a person busy: for overlapping dates and for the repeat window.
BUSY_STATUSES = (
    NominationStatus.NOMINATED,
    NominationStatus.APPROVED,
    NominationStatus.CONFIRMED,
    NominationStatus.ATTENDED,
)


def is_eligible_for(person: Person, kind: str) -> bool:
    """The medical programme is for frontline and Hubei-team medical staff; the other two for
    model workers (劳模, which includes the 先进工作者 title of public institutions)."""
    if kind == ProgrammeKind.MEDICAL:
        return person.is_frontline_medical or person.is_hubei_team
    return person.is_model_worker


def _check_person(programme: Programme, session: Session, person: Person) -> None:
    """Eligibility, the repeat window and overlapping sessions, in that order."""
    if person.employment_status != EmploymentStatus.IN_SERVICE:
        raise NotEligible(_("%(name)s 不是在职职工，不能安排疗休养。") % {"name": person.name})
    if not is_eligible_for(person, programme.kind):
        if programme.kind == ProgrammeKind.MEDICAL:
            message = _("%(name)s 不是抗疫一线医务人员或援鄂医疗队员，不符合“%(kind)s”的条件。")
        else:
            message = _("%(name)s 不是劳模或先进工作者，不符合“%(kind)s”的条件。")
        raise NotEligible(message % {"name": person.name, "kind": programme.get_kind_display()})
    busy = Nomination.objects.filter(person=person, status__in=BUSY_STATUSES).select_related(
        "programme", "session"
    )
    same = next((n for n in busy if n.programme_id == programme.pk), None)
    if same is not None:
        raise RepeatWithinWindow(
            _("%(name)s 已在本项目中被推荐（%(session)s，%(status)s）。")
            % {"name": person.name, "session": same.session, "status": same.get_status_display()}
        )
    window = programme.repeat_window_years
    for other in busy:
        if (
            other.programme.kind == programme.kind
            and abs(other.programme.year - programme.year) < window
        ):
            raise RepeatWithinWindow(
                _(
                    "%(name)s 已安排过 %(year)d 年的“%(programme)s”（%(status)s），"
                    "%(window)d 年内不重复安排同类疗休养。"
                )
                % {
                    "name": person.name,
                    "year": other.programme.year,
                    "programme": other.programme.name,
                    "status": other.get_status_display(),
                    "window": window,
                }
            )
    for other in busy:
        if (
            other.session.starts_on <= session.ends_on
            and other.session.ends_on >= session.starts_on
        ):
            raise OverlappingSession(
                _("%(name)s 已被安排在时间重叠的批次：%(programme)s · %(session)s。")
                % {"name": person.name, "programme": other.programme.name, "session": other.session}
            )


def quota_for(programme: Programme, person: Person) -> Quota | None:
    """The quota covering the person's organisation: the deepest union above (or at) it."""
    path = person.organisation.path
    quotas = [
        q
        for q in programme.quotas.select_related("organisation")
        if path.startswith(q.organisation.path)
    ]
    return max(quotas, key=lambda q: len(q.organisation.path), default=None)


def _create(
    session: Session,
    person: Person,
    *,
    by,
    emergency_contact: str,
    special_needs: str,
    replaces: Nomination | None,
    today: datetime.date,
) -> Nomination:
    if not permissions.can_nominate(by):
        raise NotPermitted(_("您没有推荐疗休养人员的权限。"))
    programme = lock_programme(session.programme_id)
    session = lock_session(session.pk)
    person_org = Person.objects.select_related("organisation").get(pk=person.pk).organisation
    require_covers(by, person_org, _("%(name)s 不在您的管理范围内。") % {"name": person.name})
    if replaces is None and today > session.registration_deadline:
        raise RegistrationClosed(
            _("本批次报名已于 %(date)s 截止。")
            % {"date": f"{session.registration_deadline:%Y-%m-%d}"}
        )
    if replaces is not None and today >= session.starts_on:
        raise RegistrationClosed(_("本批次已经开始，不能再替补。"))
    quota = quota_for(programme, person) if replaces is None else replaces.quota
    if quota is None:
        raise OutOfScope(_("%(org)s 在本项目中没有名额。") % {"org": person_org.name})
    if not person_org.path.startswith(quota.organisation.path):
        raise OutOfScope(
            _("替补人员须属于原名额所在工会（%(org)s）。") % {"org": quota.organisation}
        )
    quota = lock_quota(quota.pk)
    person = lock_person(person.pk)
    _check_person(programme, session, person)
    used = quota.nominations.filter(status__in=LIVE_STATUSES).count()
    if used >= quota.places:
        raise QuotaExceeded(
            _("%(org)s 的名额为 %(places)d 人，已全部推荐，不能再推荐。")
            % {"org": quota.organisation, "places": quota.places}
        )
    nomination = Nomination(
        programme=programme,
        session=session,
        quota=quota,
        person=person,
        organisation=quota.organisation,
        emergency_contact=emergency_contact.strip(),
        special_needs=special_needs.strip(),
        replaces=replaces,
        nominated_by=by,
    )
    if replaces is None:
        reason = _("推荐疗休养")
    else:
        reason = _("替补 %(name)s 放弃的名额") % {"name": replaces.person.name}
    save_new(nomination, by=by, reason=reason)
    return nomination


@transaction.atomic
def nominate(
    session: Session,
    person: Person,
    *,
    by,
    emergency_contact: str = "",
    special_needs: str = "",
    today: datetime.date | None = None,
) -> Nomination:
    """A union puts a person forward for a session, within its quota and before the deadline."""
    return _create(
        session,
        person,
        by=by,
        emergency_contact=emergency_contact,
        special_needs=special_needs,
        replaces=None,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def nominate_replacement(
    declined: Nomination,
    person: Person,
    *,
    by,
    emergency_contact: str = "",
    special_needs: str = "",
    today: datetime.date | None = None,
) -> Nomination:
    """Refill a place its holder declined: same session and quota, the replacement recorded.

    Allowed after the registration deadline (until the session starts); the replacement is
    approved like any nomination. The programme row is locked before the checks, so two
    officers refilling the same place never both pass them.
    """
    lock_programme(declined.programme_id)
    session = Session.objects.get(pk=declined.session_id)
    current = Nomination.objects.select_related("person", "quota__organisation").get(pk=declined.pk)
    if current.status != NominationStatus.DECLINED:
        raise InvalidTransition(_("只有本人放弃的名额才能替补。"))
    if Nomination.objects.filter(replaces=current).exists():
        raise InvalidTransition(
            _("%(name)s 放弃的名额已经替补过了。") % {"name": current.person.name}
        )
    return _create(
        session,
        person,
        by=by,
        emergency_contact=emergency_contact,
        special_needs=special_needs,
        replaces=current,
        today=today or timezone.localdate(),
    )


def _require_state(nomination: Nomination, *allowed: str) -> None:
    if nomination.status not in allowed:
        raise InvalidTransition(
            _("这条推荐的状态是“%(status)s”，不能进行此操作。")
            % {"status": nomination.get_status_display()}
        )


def _require_decider(nomination: Nomination, by, programme: Programme) -> None:
    if not permissions.can_approve(by):
        raise NotPermitted(_("您没有审批疗休养推荐的权限。"))
    require_covers(by, programme.organisation, _("只有主办单位可以审批本项目的推荐。"))
    if nomination.nominated_by_id == by.pk:
        raise FourEyesViolation(_("推荐人不能审批自己推荐的人员。"))


@logs_four_eyes_refusals
@transaction.atomic
def approve_nomination(nomination: Nomination, *, by) -> Nomination:
    """The federation approves; the session's capacity is checked under its row lock."""
    programme = lock_programme(nomination.programme_id)
    session = lock_session(nomination.session_id)
    current = lock_nomination(nomination.pk)
    _require_decider(current, by, programme)
    _require_state(current, NominationStatus.NOMINATED)
    if seated_count(session) >= session.capacity:
        raise CapacityExceeded(
            _("批次 %(session)s 的 %(capacity)d 个名额已满，不能再批准。")
            % {"session": session, "capacity": session.capacity}
        )
    current.status = NominationStatus.APPROVED
    current.decided_by = by
    current.decided_at = timezone.now()
    fields = ["status", "decided_by", "decided_at"]
    save_changed(current, fields, by=by, reason=_("批准疗休养推荐"))
    copy_fields(nomination, current, fields)
    return nomination


@logs_four_eyes_refusals
@transaction.atomic
def reject_nomination(nomination: Nomination, *, by, reason: str) -> Nomination:
    if not (reason or "").strip():
        raise ReasonRequired(_("不批准时请写明原因。"))
    programme = lock_programme(nomination.programme_id)
    lock_session(nomination.session_id)
    current = lock_nomination(nomination.pk)
    _require_decider(current, by, programme)
    _require_state(current, NominationStatus.NOMINATED)
    current.status = NominationStatus.REJECTED
    current.decided_by = by
    current.decided_at = timezone.now()
    current.reason = reason.strip()
    fields = ["status", "decided_by", "decided_at", "reason"]
    save_changed(current, fields, by=by, reason=current.reason)
    copy_fields(nomination, current, fields)
    return nomination


def _require_union_officer(nomination: Nomination, by) -> None:
    if not permissions.can_nominate(by):
        raise NotPermitted(_("您没有登记疗休养人员答复的权限。"))
    require_covers(by, nomination.organisation, _("这条推荐不在您的管理范围内。"))


@transaction.atomic
def confirm_nomination(nomination: Nomination, *, by) -> Nomination:
    """The union records that the person accepted the approved place."""
    lock_session(nomination.session_id)
    current = lock_nomination(nomination.pk)
    _require_union_officer(current, by)
    _require_state(current, NominationStatus.APPROVED)
    current.status = NominationStatus.CONFIRMED
    save_changed(current, ["status"], by=by, reason=_("本人确认参加"))
    copy_fields(nomination, current, ["status"])
    return nomination


@transaction.atomic
def decline_nomination(
    nomination: Nomination, *, by, reason: str, today: datetime.date | None = None
) -> Nomination:
    """The person gives the place up (before the session); it can then be refilled."""
    if not (reason or "").strip():
        raise ReasonRequired(_("请写明本人放弃的原因。"))
    session = lock_session(nomination.session_id)
    current = lock_nomination(nomination.pk)
    _require_union_officer(current, by)
    _require_state(current, NominationStatus.APPROVED, NominationStatus.CONFIRMED)
    if (today or timezone.localdate()) > session.ends_on:
        raise InvalidTransition(_("批次已经结束，请登记参加情况。"))
    current.status = NominationStatus.DECLINED
    current.reason = reason.strip()
    save_changed(current, ["status", "reason"], by=by, reason=current.reason)
    copy_fields(nomination, current, ["status", "reason"])
    return nomination


@transaction.atomic
def record_attendance(
    nomination: Nomination,
    *,
    by,
    attended: bool,
    cost: Decimal | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> Nomination:
    """After the session starts: attended (with its cost, against the budget) or absent.

    The cost defaults to the session's cost per person; the programme row is locked while the
    budget is summed, so two recordings never spend the same yuan twice.
    """
    if not permissions.can_record_attendance(by):
        raise NotPermitted(_("您没有登记疗休养参加情况的权限。"))
    programme = lock_programme(nomination.programme_id)
    session = lock_session(nomination.session_id)
    current = lock_nomination(nomination.pk)
    require_covers(by, programme.organisation, _("只有主办单位可以登记参加情况和费用。"))
    _require_state(current, NominationStatus.CONFIRMED)
    if (today or timezone.localdate()) < session.starts_on:
        raise InvalidTransition(_("批次 %(session)s 尚未开始。") % {"session": session})
    if attended:
        amount = session.cost_per_person if cost is None else Decimal(cost)
        if amount < 0:
            raise BudgetExceeded(_("费用不能为负数。"))
        spent = programme_spending(programme)
        if spent + amount > programme.budget:
            raise BudgetExceeded(
                _("项目预算 %(budget)s 元，已支出 %(spent)s 元，本次 %(amount)s 元将超出预算。")
                % {"budget": programme.budget, "spent": spent, "amount": amount}
            )
        current.status = NominationStatus.ATTENDED
        current.cost = amount
        history_reason = reason or _("已参加疗休养")
    else:
        current.status = NominationStatus.ABSENT
        current.cost = None
        history_reason = reason or _("未参加疗休养")
    save_changed(current, ["status", "cost"], by=by, reason=history_reason)
    copy_fields(nomination, current, ["status", "cost"])
    return nomination

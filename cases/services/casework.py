"""Cases and visits: open a case, record a visit, verify, close, reopen; attachments; eligibility.

Every function takes the acting user as keyword `by`, checks role and scope first, then the
state, then the input, and raises a `cases.exceptions.CaseworkViolation` (a `RuleViolation`)
whose message tells the officer what to do. State changes lock the case row first
(`select_for_update`), so two officers acting at once never act on a stale copy.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import filetype
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.roles import Role, has_role
from cases.exceptions import (
    AttachmentRejected,
    CaseStateError,
    CaseworkNotAllowed,
    DuplicateOpenCase,
    InvalidCaseData,
    InvalidVisit,
    OutOfScope,
    ReasonRequired,
    VerificationNeedsVisit,
)
from cases.models import (
    Attachment,
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    HardshipCause,
    HardshipLevel,
    Person,
    PovertyLine,
    Visit,
    VisitKind,
)
from cases.models.cases import Occasion
from cases.selectors import scope_path
from core.history import attribute_change

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "MAX_ATTACHMENT_BYTES",
    "Eligibility",
    "add_attachment",
    "check_attachment",
    "close_case",
    "eligibility_of",
    "open_case",
    "record_visit",
    "reopen_case",
    "save_poverty_line",
    "suggest_hardship_level",
    "verify_case",
]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# MIME type sniffed from the content -> file extension used for the stored (random) name.
ALLOWED_ATTACHMENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
THUMBNAIL_SIZE = (480, 480)


# --- eligibility ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """The figures the case page shows next to the hardship level."""

    year: int
    household_size: int
    household_monthly_income: Decimal
    per_capita_income: Decimal
    line: Decimal | None
    suggested_level: str

    @property
    def line_known(self) -> bool:
        return self.line is not None

    @property
    def twice_line(self) -> Decimal | None:
        return None if self.line is None else self.line * 2


def _suggest(income: Decimal, size: int, line: Decimal | None) -> str:
    """Deep below the line, relative below twice the line; "below" is strict.

    Compared on the household total (income < line × size) rather than on the rounded
    per-capita figure, so rounding to the fen never moves a household across a boundary.
    A per-capita income exactly at the line is relative hardship; exactly at twice the line,
    no suggestion.
    """
    if line is None:
        return ""
    size = max(size, 1)
    if income < line * size:
        return HardshipLevel.DEEP
    if income < line * 2 * size:
        return HardshipLevel.RELATIVE
    return ""


def eligibility_of(person: Person, year: int, *, line: PovertyLine | None = None) -> Eligibility:
    if line is None:
        line = PovertyLine.objects.filter(year=year).first()
    amount = line.monthly_amount if line is not None else None
    return Eligibility(
        year=year,
        household_size=person.household_size,
        household_monthly_income=person.household_monthly_income,
        per_capita_income=person.per_capita_income,
        line=amount,
        suggested_level=_suggest(person.household_monthly_income, person.household_size, amount),
    )


def suggest_hardship_level(person: Person, year: int) -> str:
    """The level the income suggests for `year` (`HardshipLevel` value), or "" for none.

    "" also when no poverty line is recorded for that year: the officer then decides alone.
    """
    return eligibility_of(person, year).suggested_level


@transaction.atomic
def save_poverty_line(line: PovertyLine, *, by, reason: str = "") -> PovertyLine:
    if line.monthly_amount is None or line.monthly_amount <= 0:
        raise InvalidCaseData(_("低保标准必须大于0元。"), field="monthly_amount")
    attribute_change(line, by=by, reason=reason)
    line.save()
    return line


# --- checks shared by the steps -------------------------------------------------------------


def _require_casework_role(by, permission: str) -> None:
    if by is None or not by.has_perm(permission) or has_role(by, Role.AUDITOR):
        raise CaseworkNotAllowed(_("您没有办理帮扶个案的权限（仅帮扶专干可以操作）。"))


def _require_in_scope(by, organisation) -> None:
    prefix = scope_path(by)
    if prefix is None or not organisation.path.startswith(prefix):
        raise OutOfScope(_("该职工不在您所在组织的管辖范围内，不能办理其个案。"))


def _locked_case(case: Case) -> Case:
    """Re-read the case under a row lock: checks made on a stale copy are worthless."""
    return Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)


def _refresh_caller_copy(case: Case, fresh: Case, fields: Iterable[str]) -> None:
    for name in fields:
        setattr(case, name, getattr(fresh, name))


def _today() -> datetime.date:
    return timezone.localdate()


# --- open -----------------------------------------------------------------------------------


def _validate_case_fields(
    *,
    category: str,
    hardship_level: str,
    causes: list[str],
    occasion: str,
    suggested: str,
    line_known: bool,
    level_override_reason: str,
) -> str:
    """Check the category-specific fields; return the hardship level to store."""
    if category not in CaseCategory.values:
        raise InvalidCaseData(_("请选择有效的个案类别。"), field="category")
    unknown = [c for c in causes if c not in HardshipCause.values]
    if unknown:
        raise InvalidCaseData(
            _("致困原因无效：%(c)s。") % {"c": "、".join(unknown)}, field="causes"
        )
    if category != CaseCategory.HARDSHIP:
        if hardship_level or causes:
            raise InvalidCaseData(
                _("只有困难职工帮扶个案才填写困难类别和致困原因。"), field="hardship_level"
            )
        if category == CaseCategory.OCCASION and occasion not in Occasion.values:
            raise InvalidCaseData(_("节日/特殊日慰问个案请选择慰问节日。"), field="occasion")
        if category != CaseCategory.OCCASION and occasion:
            raise InvalidCaseData(_("只有节日/特殊日慰问个案才选择慰问节日。"), field="occasion")
        return ""
    if occasion:
        raise InvalidCaseData(_("只有节日/特殊日慰问个案才选择慰问节日。"), field="occasion")
    level = hardship_level or suggested
    if not level and not line_known:
        raise InvalidCaseData(
            _("尚未录入今年的低保标准，系统无法建议困难类别，请选择困难类别。"),
            field="hardship_level",
        )
    if not level:
        raise InvalidCaseData(
            _("按收入测算该职工不低于低保标准的2倍，系统无建议类别；请选择困难类别并说明理由。"),
            field="hardship_level",
        )
    if level not in HardshipLevel.values:
        raise InvalidCaseData(_("请选择有效的困难类别。"), field="hardship_level")
    if level == HardshipLevel.ACCIDENT:
        if not causes:
            raise InvalidCaseData(_("意外致困须选择致困原因。"), field="causes")
        return level
    if line_known and level != suggested and not level_override_reason.strip():
        raise InvalidCaseData(
            _("所选困难类别与系统按低保标准测算的建议类别不一致，请填写调整理由。"),
            field="level_override_reason",
        )
    return level


def open_case(
    person: Person,
    *,
    category: str,
    by,
    hardship_level: str = "",
    causes: Iterable[str] = (),
    occasion: str = "",
    summary: str = "",
    level_override_reason: str = "",
) -> Case:
    """Open a case for a person; refused when the person already has an open case of the category.

    For hardship cases the level defaults to the suggestion from the poverty line of the current
    year; a different level (other than accident-induced) needs `level_override_reason`.
    """
    _require_casework_role(by, "cases.add_case")
    causes = list(dict.fromkeys(causes))
    level_override_reason = (level_override_reason or "").strip()
    with transaction.atomic():
        # Lock the person: two officers opening the same case at once queue up here.
        person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
        _require_in_scope(by, person.organisation)
        eligibility = eligibility_of(person, _today().year)
        suggested = eligibility.suggested_level if category == CaseCategory.HARDSHIP else ""
        level = _validate_case_fields(
            category=category,
            hardship_level=hardship_level,
            causes=causes,
            occasion=occasion,
            suggested=suggested,
            line_known=eligibility.line_known,
            level_override_reason=level_override_reason,
        )
        existing = _live_case_of(person, category)
        if existing is not None:
            raise _duplicate(existing)
        overridden = bool(level) and level not in (suggested, HardshipLevel.ACCIDENT)
        case = Case(
            person=person,
            category=category,
            hardship_level=level,
            suggested_level=suggested,
            level_override_reason=level_override_reason if overridden else "",
            causes=causes,
            occasion=occasion,
            organisation=person.organisation,
            summary=(summary or "").strip(),
            status=CaseStatus.OPEN,
            opened_by=by,
            opened_at=timezone.now(),
        )
        attribute_change(case, by=by, reason=level_override_reason if overridden else "")
        try:
            with transaction.atomic():  # a savepoint, so the outer block survives the error
                case.save()
        except IntegrityError:
            existing = _live_case_of(person, category)
            if existing is None:
                raise
            raise _duplicate(existing) from None
    return case


def _live_case_of(person: Person, category: str) -> Case | None:
    return (
        Case.objects.filter(person=person, category=category)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )


def _duplicate(existing: Case) -> DuplicateOpenCase:
    return DuplicateOpenCase(
        _("该职工已有同类别的未结案个案（编号 %(id)s，%(status)s），请在原个案中继续办理。")
        % {"id": existing.pk, "status": existing.get_status_display()},
        field="category",
    )


# --- visits and attachments -----------------------------------------------------------------


@dataclass
class _CheckedUpload:
    uploaded_file: UploadedFile
    content_type: str
    extension: str
    size: int
    name: str


def check_attachment(uploaded_file) -> _CheckedUpload:
    """Size and type (sniffed from the content, never from the name or the browser's claim)."""
    name = (getattr(uploaded_file, "name", "") or "file").rsplit("/", 1)[-1][:200]
    size = uploaded_file.size
    if size == 0:
        raise AttachmentRejected(
            _("文件“%(name)s”是空文件。") % {"name": name}, field="attachments"
        )
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(
            _("文件“%(name)s”大小为 %(mb).1f MB，超过 10 MB 的上限，请压缩后再上传。")
            % {"name": name, "mb": size / 1024 / 1024},
            field="attachments",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED_ATTACHMENT_TYPES:
        raise AttachmentRejected(
            _("文件“%(name)s”不是 JPEG、PNG 图片或 PDF 文件（按内容识别，与扩展名无关）。")
            % {"name": name},
            field="attachments",
        )
    if mime.startswith("image/"):
        try:
            with Image.open(uploaded_file) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise AttachmentRejected(
                _("图片“%(name)s”已损坏或无法读取，请重新拍摄或选择。") % {"name": name},
                field="attachments",
            ) from None
        finally:
            uploaded_file.seek(0)
    return _CheckedUpload(uploaded_file, mime, ALLOWED_ATTACHMENT_TYPES[mime], size, name)


def _thumbnail(uploaded_file) -> ContentFile | None:
    uploaded_file.seek(0)
    try:
        with Image.open(uploaded_file) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80)
    except (OSError, Image.DecompressionBombError):
        return None
    finally:
        uploaded_file.seek(0)
    return ContentFile(out.getvalue())


def _store(visit: Visit, checked: _CheckedUpload, by, stored: list) -> Attachment:
    """Save the file under a random name; record stored names so a failure can remove them."""
    attachment = Attachment(
        visit=visit,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    checked.uploaded_file.seek(0)
    attachment.file.save(
        f"{uuid.uuid4().hex}.{checked.extension}", checked.uploaded_file, save=False
    )
    stored.append(attachment.file)
    if checked.content_type.startswith("image/"):
        thumb = _thumbnail(checked.uploaded_file)
        if thumb is not None:
            attachment.thumbnail.save(f"{uuid.uuid4().hex}.jpg", thumb, save=False)
            stored.append(attachment.thumbnail)
    attribute_change(attachment, by=by)
    attachment.save()
    return attachment


def _remove_files(stored: list) -> None:
    for field_file in stored:
        with contextlib.suppress(OSError):
            field_file.storage.delete(field_file.name)


def add_attachment(visit: Visit, uploaded_file, *, by) -> Attachment:
    """Attach a photo or scan to a visit (JPEG, PNG or PDF, at most 10 MB)."""
    _require_casework_role(by, "cases.add_attachment")
    stored: list = []
    try:
        with transaction.atomic():
            case = _locked_case(visit.case)
            _require_in_scope(by, case.organisation)
            if case.status == CaseStatus.CLOSED:
                raise CaseStateError(_("个案已结案，不能再添加附件；如需继续办理请先重新开启。"))
            checked = check_attachment(uploaded_file)
            return _store(visit, checked, by, stored)
    except BaseException:
        _remove_files(stored)
        raise


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
    _require_casework_role(by, "cases.add_visit")
    attachments = list(attachments)
    if attachments:
        _require_casework_role(by, "cases.add_attachment")
    stored: list = []
    try:
        with transaction.atomic():
            locked = _locked_case(case)
            _require_in_scope(by, locked.organisation)
            if locked.status == CaseStatus.CLOSED:
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
            checked = [check_attachment(f) for f in attachments]
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
            others = [u for u in companions if u.pk != by.pk]
            if others:
                visit.companions.set(others)
            for item in checked:
                _store(visit, item, by, stored)
    except BaseException:
        _remove_files(stored)
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
    today = _today()
    if visit_date > today:
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


# --- verify, close, reopen ------------------------------------------------------------------


def verify_case(case: Case, *, by, note: str = "") -> Case:
    """Confirm the case after a visit; again every year for hardship cases (动态管理).

    The first verification needs at least one visit; a re-verification needs a visit on or after
    the previous verification date, so the yearly review rests on a fresh look at the household.
    """
    _require_casework_role(by, "cases.change_case")
    with transaction.atomic():
        locked = _locked_case(case)
        _require_in_scope(by, locked.organisation)
        if locked.status == CaseStatus.CLOSED:
            raise CaseStateError(_("个案已结案，不能核实；如需继续办理请先重新开启。"))
        visits = Visit.objects.filter(case=locked)
        if not visits.exists():
            raise VerificationNeedsVisit(_("该个案还没有走访记录，须至少走访一次后才能核实。"))
        if (
            locked.last_verified_on is not None
            and not visits.filter(visit_date__gte=locked.last_verified_on).exists()
        ):
            raise VerificationNeedsVisit(
                _("上次核实（%(d)s）以来没有新的走访记录，请先走访再复核。")
                % {"d": locked.last_verified_on}
            )
        locked.status = CaseStatus.VERIFIED
        locked.last_verified_on = _today()
        attribute_change(locked, by=by, reason=(note or "").strip())
        locked.save(update_fields=["status", "last_verified_on"])
    _refresh_caller_copy(case, locked, ["status", "last_verified_on"])
    return locked


def close_case(case: Case, *, by, reason: str, note: str = "") -> Case:
    """Close with one of the closing reasons (resolved, ineligible, deceased, moved away)."""
    _require_casework_role(by, "cases.change_case")
    with transaction.atomic():
        locked = _locked_case(case)
        _require_in_scope(by, locked.organisation)
        if locked.status == CaseStatus.CLOSED:
            raise CaseStateError(_("个案已经结案。"))
        if not reason:
            raise ReasonRequired(_("请选择结案原因。"), field="reason")
        if reason not in ClosingReason.values:
            raise ReasonRequired(_("结案原因无效，请从列表中选择。"), field="reason")
        note = (note or "").strip()
        locked.status = CaseStatus.CLOSED
        locked.closing_reason = reason
        locked.closing_note = note
        locked.closed_at = timezone.now()
        label = ClosingReason(reason).label
        attribute_change(locked, by=by, reason=f"{label}：{note}" if note else str(label))
        locked.save(update_fields=["status", "closing_reason", "closing_note", "closed_at"])
    _refresh_caller_copy(case, locked, ["status", "closing_reason", "closing_note", "closed_at"])
    return locked


def reopen_case(case: Case, *, by, reason: str) -> Case:
    """Reopen a closed case; it returns to "open" and must be verified again."""
    _require_casework_role(by, "cases.change_case")
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked_case(case)
        _require_in_scope(by, locked.organisation)
        if locked.status != CaseStatus.CLOSED:
            raise CaseStateError(_("只有已结案的个案才能重新开启。"))
        if not reason:
            raise ReasonRequired(_("请填写重新开启的理由。"), field="reason")
        existing = _live_case_of(locked.person, locked.category)
        if existing is not None:
            raise _duplicate(existing)
        locked.status = CaseStatus.OPEN
        locked.closing_reason = ""
        locked.closing_note = ""
        locked.closed_at = None
        attribute_change(locked, by=by, reason=reason)
        fields = ["status", "closing_reason", "closing_note", "closed_at"]
        try:
            with transaction.atomic():
                locked.save(update_fields=fields)
        except IntegrityError:
            existing = _live_case_of(locked.person, locked.category)
            if existing is None:
                raise
            raise _duplicate(existing) from None
    _refresh_caller_copy(case, locked, fields)
    return locked

"""Every write of the letters app: letter templates, and the print log written with each print.

Printing functions render the PDF first and record it after, in one transaction (the
`PrintRecord`, one `PrintedPayment` row per payment in a single bulk insert, and an AccessLog
PRINT entry), so the log never lists a print that failed.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import fonts
from core.access import AccessAction, log_access
from core.errors import RuleViolation
from core.history import attribute_change
from payments.models import Campaign, CampaignKind, PaymentStatus

from . import permissions, rendering
from .defaults import FESTIVE_WORDS
from .models import LetterTemplate, PrintChannel, PrintedPayment, PrintKind, PrintRecord
from .placeholders import find_problems


class LetterRefused(RuleViolation):
    code = "letter_refused"


class NothingToPrint(RuleViolation):
    code = "nothing_to_print"


class TemplateRefused(RuleViolation):
    """Carries the problems per field, so a form can show each next to its input."""

    code = "template_refused"

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__("；".join(m for messages in problems.values() for m in messages))


TEMPLATE_FIELDS = ("title", "body", "signature")


def template_problems(*, campaign=None, **texts: str) -> dict[str, list[str]]:
    """{field: [message naming the offender, …]} for every field that is not safe to save.

    An illness/bereavement campaign's letter must not carry festive words.
    """
    problems = {}
    solemn = campaign is not None and campaign.kind == CampaignKind.CONDOLENCE
    for field, text in texts.items():
        found = find_problems(text or "")
        if found:
            problems[field] = [p.message for p in found]
        elif field in ("title", "body") and not (text or "").strip():
            problems[field] = [_("此项不能为空。")]
        elif solemn and (festive := [w for w in FESTIVE_WORDS if w in (text or "")]):
            problems[field] = [
                _("患病/去世慰问的慰问信不能使用节日或祝贺用语：“%(words)s”。")
                % {"words": "”“".join(festive)}
            ]
    return problems


@transaction.atomic
def save_letter_template(
    *, campaign, title: str, body: str, signature: str, by, reason: str = ""
) -> LetterTemplate:
    """Create or change the campaign's letter template; refused text changes nothing."""
    if by is not None and not permissions.can_edit_templates(by):
        raise LetterRefused(_("您没有修改慰问信模板的权限。"))
    problems = template_problems(campaign=campaign, title=title, body=body, signature=signature)
    if problems:
        raise TemplateRefused(problems)
    # Lock the campaign first (the codebase's lock order), so two first saves of a campaign's
    # template queue up instead of both inserting.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    template = LetterTemplate.objects.select_for_update().filter(campaign=campaign).first()
    wanted = {"title": title.strip(), "body": body.strip(), "signature": signature.strip()}
    if template is None:
        template = LetterTemplate(campaign=campaign, **wanted)
        changed = None
    else:
        changed = [f for f, value in wanted.items() if getattr(template, f) != value]
        if not changed:
            return template
        for field in changed:
            setattr(template, field, wanted[field])
        changed += ["updated_by", "updated_at"]
    template.updated_by = by
    template.updated_at = timezone.now()
    attribute_change(template, by=by, reason=reason or _("修改慰问信模板"))
    template.save(update_fields=changed)
    return template


@transaction.atomic
def copy_letter_template(*, source, campaign, by=None) -> LetterTemplate | None:
    """Carry last year's template over to a campaign copied from it (送温暖常态化).

    Nothing to copy when the source used the default wording; an existing template of the new
    campaign is kept, never overwritten.
    """
    original = LetterTemplate.objects.filter(campaign=source).first()
    if original is None or LetterTemplate.objects.filter(campaign=campaign).exists():
        return None
    template = LetterTemplate(
        campaign=campaign,
        title=original.title,
        body=original.body,
        signature=original.signature,
        updated_by=by,
        updated_at=timezone.now(),
    )
    attribute_change(template, by=by, reason=_("复制自活动“%(name)s”") % {"name": source.name})
    template.save()
    return template


@dataclass
class PrintOut:
    filename: str
    content: bytes
    pages: int
    record: PrintRecord


def signoff_title(campaign_name: str) -> str:
    """`援鄂医疗队慰问` → 援鄂医疗队慰问金签收表, not 援鄂医疗队慰问慰问金签收表."""
    if campaign_name.endswith("慰问金"):
        return f"{campaign_name}签收表"
    if campaign_name.endswith("慰问"):
        return f"{campaign_name}金签收表"
    return f"{campaign_name}慰问金签收表"


def _safe_filename(*parts: str) -> str:
    stem = "-".join(parts)
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)[:150] + ".pdf"


def _require_printer(by) -> None:
    if by is not None and not permissions.can_print(by):
        raise LetterRefused(_("您没有打印慰问信和签收表的权限。"))


def _require_glyphs(people: Sequence) -> None:
    """Refuse, naming the person and the character, rather than print a box for a 生僻字."""
    problems = []
    for person in people:
        missing = fonts.uncovered_characters(person.name)
        if missing:
            chars = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in missing)
            problems.append(
                _("%(name)s 的姓名中的 %(chars)s") % {"name": person.name, "chars": chars}
            )
    if problems:
        raise LetterRefused(
            _(
                "已安装的字体都无法显示下列生僻字，打印会出现方框：%(list)s。"
                "请系统管理员安装覆盖这些字的字体（如 fonts-hanazono）后再打印。"
            )
            % {"list": "；".join(problems)}
        )


@transaction.atomic
def record_print(
    *,
    kind: str,
    channel: str,
    by,
    payment_ids: Sequence[int],
    pages: int,
    filename: str,
    subject,
    campaign=None,
    batch=None,
    case=None,
    by_name: str = "",
    request=None,
) -> PrintRecord:
    """Write the print log (record, its payments in one bulk insert) and the access log."""
    organisation = getattr(by, "organisation", None) if by is not None else None
    if organisation is None:
        organisation = getattr(campaign or batch or case, "organisation", None)
    record = PrintRecord.objects.create(
        kind=kind,
        channel=channel,
        printed_by=by,
        # The person's name (李帮扶), as every page shows users; the login name stays reachable
        # through printed_by.
        printed_by_name=str(by) if by is not None else by_name,
        organisation=organisation,
        campaign=campaign,
        batch=batch,
        case=case,
        payment_count=len(payment_ids),
        page_count=pages,
        filename=filename,
    )
    PrintedPayment.objects.bulk_create(
        [PrintedPayment(record=record, payment_id=pk) for pk in payment_ids], batch_size=1000
    )
    log_access(
        user=by,
        action=AccessAction.PRINT,
        obj=subject,
        detail={
            "kind": kind,
            "channel": channel,
            "print_record": record.pk,
            "payments": len(payment_ids),
            "pages": pages,
            "username": record.printed_by_name,
        },
        request=request,
    )
    return record


def print_payment_letter(
    *, payment, by, channel: str = PrintChannel.WEB, request=None, issued_on=None
) -> PrintOut:
    """One letter for one approved or paid payment (relations loaded by the selector)."""
    _require_printer(by)
    if payment.status == PaymentStatus.APPROVED and not payment.is_fully_approved:
        raise LetterRefused(
            _(
                "这笔慰问金金额超过二级审批起点，尚待分管领导复审；复审通过后才能打印慰问信，"
                "以免信中承诺尚未批准的款项。"
            )
        )
    if not payment.is_fully_approved:
        raise LetterRefused(
            _("只有已审批或已发放的慰问金才能打印慰问信；这笔慰问金的状态是“%(status)s”。")
            % {"status": payment.get_status_display()}
        )
    _require_glyphs([payment.person])
    issued_on = issued_on or timezone.localdate()
    letters = rendering.letters_for_payments([payment], issued_on)
    rendered = rendering.render_letters_pdf(letters)
    filename = _safe_filename("慰问信", payment.reference)
    record = record_print(
        kind=PrintKind.LETTER,
        channel=channel,
        by=by,
        payment_ids=[payment.pk],
        pages=rendered.pages,
        filename=filename,
        subject=payment,
        campaign=payment.campaign,
        request=request,
    )
    return PrintOut(filename, rendered.content, rendered.pages, record)


def print_case_letter(
    *, case, payment=None, by, channel: str = PrintChannel.WEB, request=None, issued_on=None
) -> PrintOut:
    """A case's letter: from its latest approved payment when it has one, else without money."""
    if payment is not None:
        return print_payment_letter(
            payment=payment, by=by, channel=channel, request=request, issued_on=issued_on
        )
    _require_printer(by)
    _require_glyphs([case.person])
    issued_on = issued_on or timezone.localdate()
    values = rendering.case_values(case, issued_on)
    letter = rendering.build_letter(rendering.case_text(case), values)
    rendered = rendering.render_letters_pdf([letter])
    filename = _safe_filename("慰问信", case.person.name, str(case.pk))
    record = record_print(
        kind=PrintKind.LETTER,
        channel=channel,
        by=by,
        payment_ids=[],
        pages=rendered.pages,
        filename=filename,
        subject=case,
        case=case,
        request=request,
    )
    return PrintOut(filename, rendered.content, rendered.pages, record)


def print_campaign_letters(
    *,
    campaign,
    payments: Sequence,
    by,
    channel: str,
    by_name: str = "",
    request=None,
    progress: Callable[[int, int], None] | None = None,
    issued_on: datetime.date | None = None,
) -> PrintOut:
    """Every letter of `payments` (the campaign's printable payments in scope) in one PDF."""
    _require_printer(by)
    payments = list(payments)
    if not payments:
        raise NothingToPrint(
            _("活动“%(name)s”没有已审批或已发放的慰问金，没有可打印的慰问信。")
            % {"name": campaign.name}
        )
    _require_glyphs([p.person for p in payments])
    issued_on = issued_on or timezone.localdate()
    letters = rendering.letters_for_payments(payments, issued_on)
    rendered = rendering.render_letters_pdf(letters, title=campaign.name, progress=progress)
    filename = _safe_filename("慰问信", campaign.name)
    record = record_print(
        kind=PrintKind.LETTER,
        channel=channel,
        by=by,
        by_name=by_name,
        payment_ids=[p.pk for p in payments],
        pages=rendered.pages,
        filename=filename,
        subject=campaign,
        campaign=campaign,
        request=request,
    )
    return PrintOut(filename, rendered.content, rendered.pages, record)


def print_signoff_sheet(
    *,
    payments: Sequence,
    by,
    campaign=None,
    batch=None,
    channel: str = PrintChannel.WEB,
    request=None,
    issued_on: datetime.date | None = None,
) -> PrintOut:
    """The 签收表 of a campaign's cash payments or of a batch (its words are not translated:
    the sheet is a Chinese paper record, see letters.rendering)."""
    _require_printer(by)
    payments = list(payments)
    if batch is not None:
        campaign = batch.campaign
        subject_text = f"批次：{batch.reference}"
        empty = _("批次 %(ref)s 没有可签收的慰问金。") % {"ref": batch.reference}
        issuer = batch.organisation.name
        name_part = batch.reference
    else:
        subject_text = "发放方式：现金签收"
        empty = _("活动“%(name)s”没有已审批的现金发放慰问金，无需签收表。") % {
            "name": campaign.name
        }
        issuer = campaign.organisation.name
        name_part = campaign.name
    if not payments:
        raise NothingToPrint(empty)
    _require_glyphs([p.person for p in payments])
    issued_on = issued_on or timezone.localdate()
    rendered = rendering.render_signoff_pdf(
        payments,
        title=signoff_title(campaign.name),
        issuer=issuer,
        subject=subject_text,
        issued_on=issued_on,
    )
    filename = _safe_filename("签收表", name_part)
    record = record_print(
        kind=PrintKind.SIGNOFF,
        channel=channel,
        by=by,
        payment_ids=[p.pk for p in payments],
        pages=rendered.pages,
        filename=filename,
        subject=batch or campaign,
        campaign=campaign,
        batch=batch,
        request=request,
    )
    return PrintOut(filename, rendered.content, rendered.pages, record)

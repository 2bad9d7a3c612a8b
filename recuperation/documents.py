"""The session roster (XLSX and PDF) and the 疗休养通知书, through the letters machinery.

The PDFs use the letters app's fonts and letter layout, and every print is written to its print
log (`letters.services.record_print`, which also writes the access log). The roster shows ID
numbers masked; the XLSX download is logged as an export all the same, like every file that
carries people's identities.
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import fonts, pdf_stylesheets
from core.access import AccessAction, log_access
from core.chinese import date_in_chinese
from core.formatting import neutralise
from letters import rendering
from letters.models import PrintChannel, PrintKind
from letters.services import LetterRefused, NothingToPrint, PrintOut, record_print

from . import permissions
from .models import Nomination, NominationStatus, Session

ROSTER_HEADERS = ("序号", "姓名", "单位", "身份证号", "手机号码", "紧急联系人", "特殊需求")
CSS = Path(__file__).resolve().parent / "pdfcss" / "roster.css"
NOTICE_STATUSES = (NominationStatus.APPROVED, NominationStatus.CONFIRMED)


@dataclass(frozen=True)
class RosterRow:
    name: str
    organisation: str
    id_number: str
    mobile: str
    emergency_contact: str
    special_needs: str


def roster_rows(nominations: Sequence[Nomination]) -> list[RosterRow]:
    """Needs person and organisation loaded (see selectors.roster_of)."""
    return [
        RosterRow(
            name=n.person.name,
            organisation=n.person.organisation.name,
            id_number=n.person.masked_id_number,
            mobile=n.person.mobile,
            emergency_contact=n.emergency_contact,
            special_needs=n.special_needs,
        )
        for n in nominations
    ]


def _title(session: Session) -> str:
    return f"{session.programme.name}·{session.destination}人员名册"


def _safe_name(*parts: str, ext: str) -> str:
    stem = "-".join(parts)
    for char in '\\/:*?"<>| ':
        stem = stem.replace(char, "_")
    return f"{stem[:150]}.{ext}"


def _require_printer(by) -> None:
    if not permissions.can_print(by):
        raise LetterRefused(_("您没有打印疗休养名册和通知书的权限。"))


def _require_glyphs(nominations: Sequence[Nomination]) -> None:
    missing = [
        f"{n.person.name}（{''.join(fonts.uncovered_characters(n.person.name))}）"
        for n in nominations
        if fonts.uncovered_characters(n.person.name)
    ]
    if missing:
        raise LetterRefused(
            _("已安装的字体都无法显示下列姓名中的生僻字，打印会出现方框：%(list)s。")
            % {"list": "；".join(missing)}
        )


def _text_cells(values: list) -> list:
    """A name, contact or need typed as `=…` stays text in the sheet, never a formula."""
    return [neutralise(v) if isinstance(v, str) else v for v in values]


def export_roster_xlsx(session: Session, nominations: Sequence[Nomination], *, by, request=None):
    """The roster as XLSX bytes, with the export written to the access log."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _require_printer(by)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    sheet.append(_text_cells([_title(session)]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        _text_cells(
            [f"{session.starts_on:%Y-%m-%d} 至 {session.ends_on:%Y-%m-%d}", session.provider]
        )
    )
    sheet.append(list(ROSTER_HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    rows = roster_rows(nominations)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            _text_cells(
                [
                    number,
                    row.name,
                    row.organisation,
                    row.id_number,
                    row.mobile,
                    row.emergency_contact,
                    row.special_needs,
                ]
            )
        )
    for column, width in zip("ABCDEFG", (6, 12, 28, 22, 14, 26, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    log_access(
        user=by,
        action=AccessAction.EXPORT,
        obj=session,
        detail={"kind": "recuperation_roster", "rows": len(rows), "format": "xlsx"},
        request=request,
    )
    return _safe_name("疗休养名册", session.programme.name, session.destination, ext="xlsx"), (
        buffer.getvalue()
    )


def print_roster(
    session: Session,
    nominations: Sequence[Nomination],
    *,
    by,
    request=None,
    issued_on: datetime.date | None = None,
) -> PrintOut:
    """The roster as an A4 PDF, recorded in the print log."""
    _require_printer(by)
    nominations = list(nominations)
    _require_glyphs(nominations)
    issued_on = issued_on or timezone.localdate()
    period = f"{date_in_chinese(session.starts_on)}至{date_in_chinese(session.ends_on)}"
    with translation.override("zh-hans"):
        html = render_to_string(
            "recuperation/roster_pdf.html",
            {
                "title": _title(session),
                "issuer": session.programme.organisation.name,
                "provider": session.provider,
                "period": period,
                "issued_on": date_in_chinese(issued_on),
                "rows": roster_rows(nominations),
                "capacity": session.capacity,
            },
        )
    document = pdf_stylesheets.render(html, CSS)
    content = document.write_pdf()
    filename = _safe_name("疗休养名册", session.programme.name, session.destination, ext="pdf")
    record = record_print(
        kind=PrintKind.RECUPERATION_ROSTER,
        channel=PrintChannel.WEB,
        by=by,
        payment_ids=[],
        pages=len(document.pages),
        filename=filename,
        subject=session,
        request=request,
    )
    return PrintOut(filename, content, len(document.pages), record)


def _paragraphs(lines: Sequence[str], *, first_class: str = "") -> str:
    html = []
    for index, line in enumerate(lines):
        attr = f' class="{first_class}"' if index == 0 and first_class else ""
        html.append(f"<p{attr}>{escape(line)}</p>")
    return "".join(html)


def notice_for(nomination: Nomination, issued_on: datetime.date) -> rendering.Letter:
    """The 疗休养通知书 of one person, laid out as a letter of the letters app."""
    person = nomination.person
    session = nomination.session
    programme = session.programme
    issuer = programme.organisation.name
    honorific = rendering.HONORIFICS.get(person.gender, "同志")
    body = [
        f"{person.name}{honorific}：",
        f"经{nomination.organisation.name}推荐、{issuer}审核，您已入选{programme.name}。"
        "现将有关事项通知如下：",
        f"一、时间：{date_in_chinese(session.starts_on)}至{date_in_chinese(session.ends_on)}。",
        f"二、地点：{session.destination}，由{session.provider}负责接待。",
        f"三、费用：由{programme.get_funding_source_display()}列支，本人无需缴费。",
        "四、请携带本人身份证及本通知书按时报到；如因故不能参加，请于出发前告知所在工会，"
        "以便安排替补。",
    ]
    if nomination.special_needs:
        body.append(f"五、您登记的特殊需求：{nomination.special_needs}，我们将尽量予以安排。")
    body.append("感谢您的辛勤付出，祝您休养愉快、身体健康！")
    signature = [issuer, date_in_chinese(issued_on)]
    return rendering.Letter(
        issuer=issuer,
        title="疗休养通知书",
        body_html=mark_safe(_paragraphs(body, first_class="salutation")),  # noqa: S308 - escaped
        signature_html=mark_safe(_paragraphs(signature)),  # noqa: S308 - escaped line by line
    )


def print_notices(
    session: Session,
    nominations: Sequence[Nomination],
    *,
    by,
    request=None,
    issued_on: datetime.date | None = None,
) -> PrintOut:
    """One notice per approved or confirmed person (one page each), recorded in the print log."""
    _require_printer(by)
    nominations = [n for n in nominations if n.status in NOTICE_STATUSES]
    if not nominations:
        raise NothingToPrint(_("没有已批准或已确认的人员，没有可打印的通知书。"))
    _require_glyphs(nominations)
    issued_on = issued_on or timezone.localdate()
    notices = [notice_for(n, issued_on) for n in nominations]
    rendered = rendering.render_letters_pdf(notices, title="疗休养通知书")
    if len(nominations) == 1:
        filename = _safe_name("疗休养通知书", nominations[0].person.name, ext="pdf")
        subject = nominations[0]
    else:
        filename = _safe_name(
            "疗休养通知书", session.programme.name, session.destination, ext="pdf"
        )
        subject = session
    record = record_print(
        kind=PrintKind.RECUPERATION_NOTICE,
        channel=PrintChannel.WEB,
        by=by,
        payment_ids=[],
        pages=rendered.pages,
        filename=filename,
        subject=subject,
        request=request,
    )
    return PrintOut(filename, rendered.content, rendered.pages, record)

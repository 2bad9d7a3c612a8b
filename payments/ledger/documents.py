"""Build the 台账 and the 发放花名册 for a user, name the file, and write the access log.

The files are Chinese documents filed with vouchers, so they are written in Chinese whatever
the reader's interface language (as the letters and sign-off sheets are). ID numbers are always
masked on the roster: it is printed and signed on paper. Every download is logged as an export
with its row count, like every other file that names people.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases.models import Organisation
from core import pdf_stylesheets
from core.access import AccessAction, log_access
from core.chinese import amount_in_capitals, amount_in_figures, date_in_chinese
from core.formatting import mask

from ..models import Campaign, DisbursementBatch
from . import selectors, sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSS = Path(__file__).resolve().parent.parent / "pdfcss" / "roster.css"


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes
    content_type: str
    rows: int


def _safe_name(*parts: str, ext: str) -> str:
    stem = "-".join(p for p in parts if p)
    for char in '\\/:*?"<>| ':
        stem = stem.replace(char, "_")
    return f"{stem[:150]}.{ext}"


def _log(user, obj: Model, *, kind: str, fmt: str, rows: int, request, **extra) -> None:
    log_access(
        user=user,
        action=AccessAction.PRINT if fmt == "pdf" else AccessAction.EXPORT,
        obj=obj,
        detail={"kind": kind, "format": fmt, "rows": rows, "sensitive": False, **extra},
        request=request,
    )


def ledger_file(user, organisation: Organisation, year: int, *, request=None) -> File:
    """The 台账 of `organisation`'s subtree for `year`, as XLSX."""
    lines = selectors.ledger_lines(user, organisation, year)
    with translation.override("zh-hans"):
        content = sheets.ledger_xlsx(
            lines, union=organisation.name, year=year, issued_on=timezone.localdate()
        )
    _log(user, organisation, kind="ledger", fmt="xlsx", rows=len(lines), request=request, year=year)
    return File(
        _safe_name(organisation.name, f"{year}年台账", ext="xlsx"), content, XLSX, len(lines)
    )


@dataclass(frozen=True)
class RosterSubject:
    """What a roster is of: a whole campaign (optionally one union's part) or one batch."""

    campaign: Campaign
    batch: DisbursementBatch | None = None
    organisation: Organisation | None = None

    @property
    def record(self) -> Model:
        return self.batch or self.campaign

    @property
    def title(self) -> str:
        return f"{self.campaign.name}发放花名册"

    @property
    def issuer(self) -> str:
        return (self.batch.organisation if self.batch else self.campaign.organisation).name

    @property
    def description(self) -> str:
        if self.batch:
            return f"发放批次：{self.batch.reference}"
        if self.organisation:
            return f"范围：{self.organisation.name}"
        return f"活动年度：{self.campaign.year}"

    def payments(self, user):
        if self.batch:
            return selectors.batch_roster_payments(user, self.batch)
        return selectors.campaign_roster_payments(user, self.campaign, self.organisation)


def _roster_pdf(subject: RosterSubject, groups, issued_on: datetime.date) -> bytes:
    number = 0
    blocks = []
    for group in groups:
        rows = []
        for line in group.lines:
            number += 1
            rows.append(
                {
                    "number": number,
                    "organisation": line.organisation,
                    "name": line.name,
                    "id_number": mask(line.id_number),
                    "category": line.category,
                    "amount": amount_in_figures(line.amount),
                }
            )
        blocks.append(
            {
                "organisation": group.organisation,
                "rows": rows,
                "count": len(rows),
                "subtotal": amount_in_figures(group.subtotal),
            }
        )
    total = sum((group.subtotal for group in groups), Decimal("0.00"))
    html = render_to_string(
        "payments/pdf/roster.html",
        {
            "title": subject.title,
            "issuer": subject.issuer,
            "subject": subject.description,
            "issued_on": date_in_chinese(issued_on),
            "groups": blocks,
            "count": number,
            "total": amount_in_figures(total),
            "total_capitals": amount_in_capitals(total),
        },
    )
    document = pdf_stylesheets.render(html, CSS)
    return document.write_pdf()


def roster_file(user, subject: RosterSubject, fmt: str, *, request=None) -> File:
    """The 发放花名册 of `subject` as "pdf" or "xlsx"."""
    groups = selectors.roster_groups(subject.payments(user))
    rows = sum(len(group.lines) for group in groups)
    issued_on = timezone.localdate()
    with translation.override("zh-hans"):
        if fmt == "pdf":
            content, content_type = _roster_pdf(subject, groups, issued_on), PDF
        else:
            content = sheets.roster_xlsx(
                groups,
                title=subject.title,
                issuer=subject.issuer,
                subject=subject.description,
                issued_on=issued_on,
            )
            content_type = XLSX
    _log(user, subject.record, kind="roster", fmt=fmt, rows=rows, request=request)
    name_parts = [subject.campaign.name, subject.batch.reference if subject.batch else ""]
    if subject.organisation:
        name_parts.append(subject.organisation.name)
    return File(_safe_name(*name_parts, "发放花名册", ext=fmt), content, content_type, rows)


def file_for_job(user, params: dict) -> File:
    """Rebuild the request a background job was started for, in the owner's scope as it is now
    (a campaign, batch or union that has left the scope since is refused)."""
    from django.utils.translation import gettext as _

    from core.errors import RuleViolation

    from ..selectors import batches_visible_to, campaigns_visible_to
    from .selectors import ledger_unions

    organisation = None
    if params.get("organisation"):
        organisation = ledger_unions(user).filter(pk=params["organisation"]).first()
        if organisation is None:
            raise RuleViolation(_("单位不在您的管辖范围内。"))
    if params["file"] == "ledger":
        assert organisation is not None
        return ledger_file(user, organisation, int(params["year"]))
    if params.get("batch"):
        batch = batches_visible_to(user).filter(pk=params["batch"]).first()
        if batch is None:
            raise RuleViolation(_("发放批次不在您的管辖范围内。"))
        subject = RosterSubject(campaign=batch.campaign, batch=batch)
    else:
        campaign = campaigns_visible_to(user).filter(pk=params["campaign"]).first()
        if campaign is None:
            raise RuleViolation(_("慰问活动不在您的管辖范围内。"))
        subject = RosterSubject(campaign=campaign, organisation=organisation)
    return roster_file(user, subject, params["format"])

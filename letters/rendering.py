"""Letters and sign-off sheets as PDF, through WeasyPrint.

Speed comes from laying out every letter of a print run as pages of ONE document: the CSS is
parsed once, one `FontConfiguration` serves every page, and `write_pdf` embeds one subset of
each font for the whole file. For progress we lay the letters out in chunks (each chunk one HTML
with page breaks) and join the chunks' pages into a single document before writing, which costs
nothing measurable (see bench/letters.py) and lets a background job report how far it is.

The printed documents are Chinese official papers whatever the interface language, so their
fixed words are not translated and rendering happens under zh-hans.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from core import pdf_stylesheets
from core.chinese import amount_in_capitals, amount_in_figures, date_in_chinese

from .defaults import TemplateText, default_kind, default_text
from .placeholders import substitute, to_html_paragraphs

CSS_DIR = Path(__file__).resolve().parent / "pdfcss"
CHUNK = 100  # letters laid out per step of progress

HONORIFICS = {"M": "先生", "F": "女士"}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Letter:
    issuer: str
    title: str
    body_html: SafeString
    signature_html: SafeString


def template_text_for(campaign) -> TemplateText:
    """The campaign's template, or the standard wording for its kind when it has none."""
    if campaign is None:
        return default_text(default_kind(campaign_kind=None, case_category=None), with_money=False)
    try:
        template = campaign.letter_template
    except ObjectDoesNotExist:
        return default_text(default_kind(campaign_kind=campaign.kind, case_category=None))
    return TemplateText(template.title, template.body, template.signature)


def _is_deceased(person) -> bool:
    return getattr(person, "deceased_on", None) is not None


def payment_text(payment) -> TemplateText:
    """The words of a payment's letter: the family of a deceased employee always gets the
    letter of condolence (a template written for the living must not reach them); otherwise
    the campaign's template, else the standard wording for the campaign and the case."""
    deceased = _is_deceased(payment.person)
    if not deceased:
        try:
            template = payment.campaign.letter_template
        except ObjectDoesNotExist:
            pass
        else:
            return TemplateText(template.title, template.body, template.signature)
    kind = default_kind(
        campaign_kind=payment.campaign.kind,
        case_category=payment.case.category,
        deceased=deceased,
    )
    return default_text(kind)


def case_text(case) -> TemplateText:
    """A case's letter without money, in the standard wording for its category."""
    kind = default_kind(
        campaign_kind=None, case_category=case.category, deceased=_is_deceased(case.person)
    )
    return default_text(kind, with_money=False)


def values_for(
    *,
    name: str,
    gender: str,
    organisation: str,
    campaign_name: str,
    issuer: str,
    amount: Decimal | None,
    issued_on: datetime.date,
) -> dict[str, str]:
    honorific = HONORIFICS.get(gender, "同志")
    return {
        "收信人": f"{name}{honorific}",
        "姓名": name,
        "称呼": honorific,
        "单位": organisation,
        "活动名称": campaign_name,
        "金额": amount_in_figures(amount) if amount is not None else "",
        "金额大写": amount_in_capitals(amount) if amount is not None else "",
        "日期": date_in_chinese(issued_on),
        "发文单位": issuer,
    }


def payment_values(payment, issued_on: datetime.date) -> dict[str, str]:
    """Needs payment.person, payment.organisation and payment.campaign.organisation loaded."""
    return values_for(
        name=payment.person.name,
        gender=payment.person.gender,
        organisation=payment.organisation.name,
        campaign_name=payment.campaign.name,
        issuer=payment.campaign.organisation.name,
        amount=payment.amount,
        issued_on=issued_on,
    )


def case_values(case, issued_on: datetime.date) -> dict[str, str]:
    """A letter for a case without an approved payment: the case's organisation issues it."""
    return values_for(
        name=case.person.name,
        gender=case.person.gender,
        organisation=case.person.organisation.name,
        campaign_name=str(case.get_occasion_display() or case.get_category_display()),
        issuer=case.organisation.name,
        amount=None,
        issued_on=issued_on,
    )


def sample_values(campaign=None, issued_on: datetime.date | None = None) -> dict[str, str]:
    """Made-up recipient for the live preview."""
    return values_for(
        name="张𠈌",
        gender="F",
        organisation="第一中学工会",
        campaign_name=campaign.name if campaign else "2020年春节送温暖",
        issuer=campaign.organisation.name if campaign else "市教科文卫体工会",
        amount=Decimal("1200.00"),
        issued_on=issued_on or timezone.localdate(),
    )


def build_letter(text: TemplateText, values: dict[str, str]) -> Letter:
    body = to_html_paragraphs(text.body, values)
    # The first line is the salutation ("尊敬的…："), set flush left.
    body = body.replace("<p>", '<p class="salutation">', 1)
    return Letter(
        issuer=values["发文单位"],
        title=substitute(text.title, values),
        body_html=mark_safe(body),  # noqa: S308 - escaped line by line in to_html_paragraphs
        signature_html=mark_safe(to_html_paragraphs(text.signature, values)),  # noqa: S308
    )


def letters_for_payments(payments: Iterable, issued_on: datetime.date) -> list[Letter]:
    """One Letter per payment (person, case and campaign with its template loaded)."""
    return [build_letter(payment_text(p), payment_values(p, issued_on)) for p in payments]


def letters_html(letters: Sequence[Letter], title: str = "慰问信") -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            "letters/pdf/letters.html", {"letters": letters, "document_title": title}
        )


@dataclass
class Rendered:
    content: bytes
    pages: int


def render_letters_pdf(
    letters: Sequence[Letter], *, title: str = "慰问信", progress: Progress | None = None
) -> Rendered:
    """All letters in one PDF, one a page."""
    from weasyprint import HTML

    stylesheet, font_config = pdf_stylesheets.stylesheet(CSS_DIR / "letter.css")
    total = len(letters)
    documents = []
    for start in range(0, max(total, 1), CHUNK):
        chunk = letters[start : start + CHUNK]
        html = HTML(string=letters_html(chunk, title), base_url=str(CSS_DIR))
        documents.append(html.render(stylesheets=[stylesheet], font_config=font_config))
        if progress:
            # The last letter counts only once the file is written (a third of the time).
            progress(min(start + CHUNK, total - 1), total)
    document = documents[0]
    if len(documents) > 1:
        document = document.copy([page for doc in documents for page in doc.pages])
    content = document.write_pdf()
    if progress:
        progress(total, total)
    return Rendered(content, len(document.pages))


@dataclass(frozen=True)
class SignoffRow:
    name: str
    organisation: str
    amount: str


def render_signoff_pdf(
    payments: Sequence, *, title: str, issuer: str, subject: str, issued_on: datetime.date
) -> Rendered:
    """The cash sign-off sheet (签收表) of `payments` (person and organisation loaded)."""
    total = sum((p.amount for p in payments), Decimal("0.00"))
    rows = [
        SignoffRow(p.payee_holder, p.organisation.name, amount_in_figures(p.amount))
        for p in payments
    ]
    with translation.override("zh-hans"):
        html = render_to_string(
            "letters/pdf/signoff.html",
            {
                "title": title,
                "issuer": issuer,
                "subject": subject,
                "issued_on": date_in_chinese(issued_on),
                "rows": rows,
                "count": len(rows),
                "total": amount_in_figures(total),
                "total_capitals": amount_in_capitals(total),
            },
        )
    document = pdf_stylesheets.render(html, CSS_DIR / "signoff.css")
    return Rendered(document.write_pdf(), len(document.pages))

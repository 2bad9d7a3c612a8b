"""Casework test helpers: people in a union, cases in a given state, files of a given type."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Case, CaseCategory, PovertyLine
from cases.services import close_case, open_case, record_visit, verify_case
from tests.factories import PersonFactory


def person_in(organisation, **kwargs):
    return PersonFactory(organisation=organisation, **kwargs)


def poverty_line(
    year: int | None = None, amount: str = "1000.00", *, district: str = "", starts=None
) -> PovertyLine:
    """A line in force from `starts` (1 January of `year` by default) for `district` ("" is
    city-wide)."""
    year = year or timezone.localdate().year
    starts = starts or datetime.date(year, 1, 1)
    line, _ = PovertyLine.objects.update_or_create(
        district=district,
        effective_from=starts,
        defaults={"monthly_amount": Decimal(amount), "year": starts.year},
    )
    return line


def hardship_case(person, officer, **kwargs) -> Case:
    kwargs.setdefault("hardship_level", "relative")
    return open_case(person, category=CaseCategory.HARDSHIP, by=officer, **kwargs)


def backdate(case: Case, days: int) -> Case:
    """Pretend the case was opened `days` ago (so earlier visits are allowed)."""
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=days))
    case.refresh_from_db()
    return case


def visit(case, officer, *, days_ago: int = 0, **kwargs):
    kwargs.setdefault("kind", "home")
    kwargs.setdefault("findings", "家中老人长期患病，收入微薄。")
    return record_visit(
        case,
        by=officer,
        visit_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def verified_case(person, officer) -> Case:
    case = hardship_case(person, officer)
    visit(case, officer)
    return verify_case(case, by=officer)


def closed_case(person, officer, reason: str = "resolved") -> Case:
    case = hardship_case(person, officer)
    return close_case(case, by=officer, reason=reason)


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 48
        + (b"PE\x00\x00" + b"\x00" * 200)
    )


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)

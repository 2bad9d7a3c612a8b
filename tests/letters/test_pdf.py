"""The PDFs themselves (few and small: each rendering costs a fraction of a second)."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.chinese import date_in_chinese
from payments.models import PaymentMethod, PaymentStatus
from tests.factories import OrganisationFactory

from .factories import CampaignFactory, PaymentFactory


def pages_text(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def embedded_font_files(content: bytes) -> list[str]:
    """For every font of every page: which font-file key its descriptor has (or "none")."""
    reader = PdfReader(io.BytesIO(content))
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            keys = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
            found.append(keys[0] if keys else "none")
    return found


@pytest.fixture
def campaign(federation):
    return CampaignFactory(organisation=federation, name="2020年春节送温暖")


def test_a_payment_letter_names_the_recipient_amount_and_date_in_an_embedded_font(
    client, officer, union_a, campaign
):
    payment = PaymentFactory(
        organisation=union_a, campaign=campaign, name="张𠈌", gender="F", amount=Decimal("1200.00")
    )
    client.force_login(officer)
    response = client.get(reverse("letters:payment_letter", args=[payment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    [page] = pages_text(response.content)
    assert "尊敬的张𠈌女士" in page  # the rare character came out as itself, not a box
    assert "人民币壹仟贰佰元整" in page and "1,200.00" in page
    assert date_in_chinese(timezone.localdate()) in page
    assert "市教科文卫体工会" in page and "第一中学工会" in page
    files = embedded_font_files(response.content)
    assert files and all(f in ("/FontFile2", "/FontFile3") for f in files)


def test_a_campaign_prints_one_page_per_approved_letter_in_organisation_then_name_order(
    client, finance, federation, union_a, union_b, campaign
):
    # union_a was created before union_b, so it comes first in the tree order.
    PaymentFactory(organisation=union_b, campaign=campaign, name="王五")
    PaymentFactory(organisation=union_a, campaign=campaign, name="赵六", status=PaymentStatus.PAID)
    PaymentFactory(organisation=union_a, campaign=campaign, name="孙七")
    PaymentFactory(organisation=union_a, campaign=campaign, name="钱八", status=PaymentStatus.DRAFT)
    PaymentFactory(organisation=union_a, campaign=CampaignFactory(), name="周九")
    client.force_login(finance)
    response = client.post(reverse("letters:campaign_letters", args=[campaign.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    pages = pages_text(response.content)
    names = [re.search(r"尊敬的(.+?)(先生|女士)", page).group(1) for page in pages]
    assert names == sorted(["孙七", "赵六"]) + ["王五"]
    # One subset per face (regular, bold) for the whole file, however many letters it holds.
    reader = PdfReader(io.BytesIO(response.content))
    faces = {
        str(f.get_object()["/BaseFont"])
        for p in reader.pages
        for f in p["/Resources"]["/Font"].values()
    }
    assert len(faces) <= 2


def test_a_signoff_sheet_repeats_its_header_numbers_its_pages_and_totals_on_the_last(
    client, finance, federation, campaign
):
    school = OrganisationFactory(name="实验小学工会", parent=federation)
    for i in range(24):
        PaymentFactory(
            organisation=school,
            campaign=campaign,
            name=f"陈{i:02d}",
            method=PaymentMethod.CASH,
            amount=Decimal("500.50"),
        )
    PaymentFactory(organisation=school, campaign=campaign, name="银行转账者")
    client.force_login(finance)
    response = client.get(reverse("letters:campaign_signoff", args=[campaign.pk]))
    assert response.status_code == 200
    pages = pages_text(response.content)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "序号姓名单位金额（元）签名" in page  # the table header on every page
        assert f"第{number}页共{len(pages)}页" in page
    assert all("2020年春节送温暖慰问金签收表" in page for page in pages[1:])
    whole = "".join(pages)
    assert "陈00" in whole and "陈23" in whole and "银行转账者" not in whole
    assert "12,012.00" in pages[-1]
    assert "人民币壹万贰仟零壹拾贰元整" in pages[-1]
    assert "合计" not in "".join(pages[:-1])


def test_chunks_of_letters_become_one_document_and_report_progress(monkeypatch):
    import datetime

    from letters import rendering
    from letters.defaults import DEFAULT_TEMPLATE

    monkeypatch.setattr(rendering, "CHUNK", 1)
    letters = [
        rendering.build_letter(
            DEFAULT_TEMPLATE,
            rendering.values_for(
                name=name,
                gender="M",
                organisation="第一中学工会",
                campaign_name="送温暖",
                issuer="市教科文卫体工会",
                amount=Decimal("800.00"),
                issued_on=datetime.date(2020, 6, 5),
            ),
        )
        for name in ("甲一", "乙二")
    ]
    calls = []
    rendered = rendering.render_letters_pdf(letters, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (1, 2), (2, 2)]
    assert rendered.pages == 2
    assert [p.split("尊敬的")[1][:2] for p in pages_text(rendered.content)] == ["甲一", "乙二"]

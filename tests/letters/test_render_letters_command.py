import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from pypdf import PdfReader

from audits.models import AccessLog
from core.access import AccessAction
from letters.models import PrintChannel, PrintRecord
from payments.models import PaymentStatus

from .factories import CampaignFactory, PaymentFactory


@pytest.fixture
def campaign(federation):
    return CampaignFactory(organisation=federation, name="援鄂医疗队慰问")


def test_the_command_writes_every_letter_of_the_campaign(tmp_path, campaign, union_a, union_b):
    PaymentFactory(organisation=union_a, campaign=campaign, name="刘一")
    PaymentFactory(organisation=union_b, campaign=campaign, name="陈二", status=PaymentStatus.PAID)
    PaymentFactory(
        organisation=union_b,
        campaign=campaign,
        status=PaymentStatus.REJECTED,
        rejection_reason="材料不全",
    )
    out = tmp_path / "letters.pdf"
    stdout = io.StringIO()
    call_command(
        "render_letters", campaign=campaign.pk, out=str(out), date="2020-06-05", stdout=stdout
    )
    assert "2 封慰问信" in stdout.getvalue()
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert "二〇二〇年六月五日" in reader.pages[0].extract_text().replace(" ", "")
    record = PrintRecord.objects.get()
    assert (record.channel, record.payment_count, record.printed_by) == (
        PrintChannel.COMMAND,
        2,
        None,
    )
    assert record.printed_by_name.startswith("manage.py render_letters")
    assert record.organisation == campaign.organisation
    assert AccessLog.objects.filter(action=AccessAction.PRINT, object_id=str(campaign.pk)).exists()


def test_a_campaign_without_approved_payments_fails_with_a_message(tmp_path, campaign, union_a):
    PaymentFactory(organisation=union_a, campaign=campaign, status=PaymentStatus.SUBMITTED)
    out = tmp_path / "letters.pdf"
    with pytest.raises(CommandError, match="没有已审批或已发放的慰问金"):
        call_command("render_letters", campaign=campaign.pk, out=str(out))
    assert not out.exists() and not PrintRecord.objects.exists()


def test_an_unknown_campaign_fails_with_a_message(tmp_path, db):
    with pytest.raises(CommandError, match="慰问活动 999999 不存在"):
        call_command("render_letters", campaign=999999, out=str(tmp_path / "x.pdf"))


def test_a_bad_date_fails_with_a_message(tmp_path, campaign):
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command(
            "render_letters", campaign=campaign.pk, out=str(tmp_path / "x.pdf"), date="6/5"
        )


def test_the_command_exits_non_zero_with_the_message_on_stderr(tmp_path, campaign, capsys):
    """The contract is the exit status, as a script sees it."""
    argv = ["manage.py", "render_letters", "--campaign", str(campaign.pk), "--out"]
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line([*argv, str(tmp_path / "x.pdf")])
    assert exited.value.code != 0
    assert "没有已审批或已发放的慰问金" in capsys.readouterr().err

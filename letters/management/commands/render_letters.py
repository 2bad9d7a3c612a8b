"""`manage.py render_letters --campaign ID --out FILE.pdf`: every letter of a campaign."""

import datetime
import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.errors import RuleViolation
from letters import selectors
from letters.models import PrintChannel
from letters.services import print_campaign_letters
from payments.models import Campaign


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class Command(BaseCommand):
    help = "把一个慰问活动中所有已审批或已发放的慰问金的慰问信生成为一个 PDF（每封一页）。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="慰问活动编号（ID）")
        parser.add_argument("--out", required=True, help="输出的 PDF 文件")
        parser.add_argument(
            "--user",
            help="以该用户的身份和管辖范围打印（记入打印记录）；不填则打印全部并记为命令行",
        )
        parser.add_argument("--date", help="落款日期 YYYY-MM-DD，默认今天")

    def handle(self, *args, campaign, out, user=None, date=None, **options):
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"用户 {user} 不存在。")
        issued_on = None
        if date:
            try:
                issued_on = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"日期格式不正确：{date}，应为 YYYY-MM-DD。") from None
        found = (selectors.campaigns_visible_to(by) if by else Campaign.objects).filter(pk=campaign)
        target = found.select_related("organisation").first()
        if target is None:
            raise CommandError(
                f"慰问活动 {campaign} 不存在" + ("或不在该用户的管辖范围内。" if by else "。")
            )
        if by is not None:
            payments = selectors.printable_payments_of_campaign(by, target)
        else:
            payments = selectors.with_letter_relations(
                target.payments.filter(selectors.PRINTABLE)
            ).order_by(*selectors.LETTER_ORDER)
        path = Path(out)
        if not path.parent.exists():
            raise CommandError(f"输出目录不存在：{path.parent}")
        try:
            result = print_campaign_letters(
                campaign=target,
                payments=payments,
                by=by,
                by_name=f"manage.py render_letters ({_os_user()})",
                channel=PrintChannel.COMMAND,
                issued_on=issued_on,
            )
        except RuleViolation as error:
            raise CommandError(error.message) from None
        path.write_bytes(result.content)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {result.record.payment_count} 封慰问信，共 {result.pages} 页：{path}"
            )
        )

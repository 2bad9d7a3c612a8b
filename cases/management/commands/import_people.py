"""`manage.py import_people FILE [--dry-run]`: the roster import of DESIGN.md's contract.

All rows or none: on any invalid row nothing is imported, every error is printed as row number,
column and reason, and the command exits with status 1 (2 when the file itself is refused).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.transfers.files import FileRefused, check_size
from cases.transfers.people import import_people


class Command(BaseCommand):
    help = (
        "Import people from an XLSX or CSV roster "
        "(姓名, 身份证号, 性别, 手机号码, 所在单位, 岗位, 开户行, 银行账号)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv roster")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; write nothing"
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="record this user in the history and limit the import to their scope",
        )

    def handle(self, *args, file, dry_run, by, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": file}, returncode=2)
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(_("找不到用户：%(name)s") % {"name": by}, returncode=2)
        try:
            check_size(path.stat().st_size)
            plan = import_people(path.read_bytes(), filename=path.name, by=user, dry_run=dry_run)
        except FileRefused as refusal:
            raise CommandError(refusal.message, returncode=2) from None
        summary = plan.summary()
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(error.as_line())
            raise CommandError(
                _("%(bad)d行有错误（共%(errors)d处），未导入任何数据。")
                % {"bad": summary["invalid"], "errors": len(plan.errors)},
                returncode=1,
            )
        message = _("新增%(new)d人，更新%(updated)d人，未变%(unchanged)d人。") % summary
        if dry_run:
            message = _("试运行（未写入）：") + message
        self.stdout.write(self.style.SUCCESS(message))

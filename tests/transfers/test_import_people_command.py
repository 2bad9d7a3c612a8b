"""`manage.py import_people FILE [--dry-run]`: the contract of DESIGN.md."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Person
from tests.audit_helpers import assert_audit_intact

from .helpers import csv_bytes, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_people", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        err.write(str(error))
        code = error.returncode
    return code, out.getvalue(), err.getvalue()


def test_a_clean_file_is_imported_and_exit_code_is_zero(tmp_path, union_a):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([roster_row(n, "EDU01") for n in range(3)]))
    code, out, _ = run(str(path))
    assert code == 0 and "新增3人" in out
    assert Person.objects.count() == 3
    record = Person.history.first()
    assert record.history_user is None and record.history_change_reason == "导入：roster.xlsx"
    assert_audit_intact()


def test_the_by_option_records_the_user_and_limits_the_scope(tmp_path, union_a, officer_b):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([roster_row(1, "EDU01")]))
    code, _, err = run(str(path), "--by", "officer_b")
    assert code == 1 and "管辖范围" in err
    code, _, err = run(str(path), "--by", "nobody")
    assert code == 2 and "找不到用户" in err


def test_any_bad_row_prints_every_error_and_imports_nothing(tmp_path, union_a):
    rows = [roster_row(n, "EDU01") for n in range(5)]
    rows[1]["手机号码"] = "99"
    rows[3]["所在单位"] = "NOWHERE"
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(rows, encoding="gb18030"))
    code, out, err = run(str(path))
    assert code == 1 and out == ""
    assert "第3行，手机号码：" in err and "第5行，所在单位：找不到" in err
    assert "2行有错误" in err
    assert not Person.objects.exists()


def test_dry_run_reports_and_writes_nothing(tmp_path, union_a):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([roster_row(n, "EDU01") for n in range(2)], encoding="utf-8-sig"))
    code, out, _ = run(str(path), "--dry-run")
    assert code == 0 and "试运行" in out and "新增2人" in out
    assert not Person.objects.exists() and not Person.history.exists()


def test_a_missing_or_unreadable_file_exits_with_two(tmp_path, db):
    assert run(str(tmp_path / "nope.csv"))[0] == 2
    path = tmp_path / "roster.csv"
    path.write_bytes("姓名,身份证号\n".encode())
    code, _, err = run(str(path))
    assert code == 2 and "缺少列" in err

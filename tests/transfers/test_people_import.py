"""The roster import: every error kind, encodings, XLSX, all-or-nothing, history, scope."""

import pytest

from cases.models import Person
from cases.transfers.files import MAX_UPLOAD_BYTES, FileRefused
from cases.transfers.people import PEOPLE_COLUMNS, import_people, plan_people_import
from tests.audit_helpers import assert_audit_intact
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import csv_bytes, id_number, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def errors_of(plan):
    return [(e.row, e.column, e.message) for e in plan.errors]


def test_a_clean_csv_creates_everyone_with_derived_fields(union_a, officer):
    plan = import_people(
        csv_bytes([roster_row(n, "EDU01") for n in range(1, 4)]), filename="a.csv", by=officer
    )
    assert plan.ok and plan.summary() == {
        "rows": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
        "changes": [],
    }
    person = Person.objects.get(id_number=id_number(1, "M"))
    assert person.organisation == union_a and person.gender == "M"
    assert person.id_tail == person.id_number[-4:]
    assert person.birth_date.isoformat() == "1960-01-02"
    assert person.bank_account == "6222020000000011"


def test_history_rows_name_the_importing_user_and_the_file(union_a, officer):
    import_people(csv_bytes([roster_row(1, "EDU01")]), filename="名单.csv", by=officer)
    record = Person.history.get()
    assert record.history_type == "+"
    assert record.history_user == officer
    assert record.history_change_reason == "导入：名单.csv"


def test_existing_people_are_updated_and_empty_cells_keep_stored_values(union_a, officer):
    person = PersonFactory(
        id_number=id_number(1, "M"), organisation=union_a, mobile="13800000000", position="校医"
    )
    unchanged = PersonFactory(
        id_number=id_number(2, "F"),
        gender="F",
        name="原样",
        organisation=union_a,
        mobile="13900000002",
        position="教师",
        bank_name="中国工商银行",
        bank_account="6222020000000021",
    )
    rows = [
        roster_row(1, "", 姓名="", 手机号码="13711112222", 岗位="", 开户行="", 银行账号=""),
        roster_row(2, "EDU01", 姓名="原样", gender_code="F"),
    ]
    plan = import_people(csv_bytes(rows), filename="u.csv", by=officer)
    assert plan.summary()["updated"] == 1 and plan.summary()["unchanged"] == 1
    person.refresh_from_db()
    assert person.mobile == "13711112222"
    assert person.position == "校医"  # empty cell: left alone
    assert person.organisation == union_a
    update = person.history.first()
    assert update.history_type == "~" and update.history_user == officer
    assert unchanged.history.count() == 1  # its creation only


def test_utf8_with_bom_and_gb18030_files_are_read_alike(union_a, officer):
    rows = [roster_row(1, "第一中学工会", 岗位="护士长·𠀀")]
    for encoding in ("utf-8-sig", "gb18030", "gbk"):
        text_rows = rows if encoding != "gbk" else [roster_row(1, "第一中学工会", 岗位="护士长")]
        plan = plan_people_import(csv_bytes(text_rows, encoding=encoding), by=officer)
        assert plan.ok, (encoding, errors_of(plan))
        assert plan.new[0].name == "职工1" and plan.new[0].organisation == union_a
    assert plan_people_import(csv_bytes(rows, encoding="gb18030"), by=officer).new[0].position == (
        "护士长·𠀀"
    )


def test_xlsx_files_are_read_and_numbers_typed_as_numbers_are_caught(union_a, officer):
    good = roster_row(1, "EDU01")
    numeric = roster_row(2, "EDU01")
    row = [numeric[h] for h in PEOPLE_COLUMNS]
    row[1] = float(numeric["身份证号"][:-1] + "0")  # Excel stored the ID number as a number
    row[3] = int(numeric["手机号码"])  # a mobile number as a number is harmless
    plan = plan_people_import(xlsx_bytes([good, row]), by=officer)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "身份证号")]
    assert "文本" in plan.errors[0].message
    plan = plan_people_import(xlsx_bytes([good]), by=officer)
    assert plan.ok and plan.new[0].mobile == good["手机号码"]


@pytest.mark.parametrize(
    ("override", "column", "fragment"),
    [
        ({"身份证号": ""}, "身份证号", "必填"),
        ({"身份证号": "41010219800101123"}, "身份证号", "18位，当前为17位"),
        ({"身份证号": "410102800101123"}, "身份证号", "15位旧版"),
        ({"身份证号": "99010219800101123X"}, "身份证号", "省级行政区划代码"),
        ({"身份证号": "410102198002301230"}, "身份证号", "不是真实的日期"),
        ({"身份证号": "410102196001020010"}, "身份证号", "校验位"),
        ({"性别": "女"}, "性别", "第17位不一致"),
        ({"性别": "未知"}, "性别", "应填"),
        ({"手机号码": "1381234567"}, "手机号码", "11位数字"),
        ({"所在单位": "NOPE"}, "所在单位", "找不到"),
        ({"所在单位": "HEA01"}, "所在单位", "管辖范围"),
        ({"姓名": "长" * 51}, "姓名", "超过上限50"),
        ({"岗位": "岗" * 51}, "岗位", "超过上限50"),
        ({"开户行": "行" * 101}, "开户行", "超过上限100"),
        ({"银行账号": "6" * 33}, "银行账号", "超过上限32"),
        ({"银行账号": "6222-0000"}, "银行账号", "只能包含数字"),
        ({"姓名": ""}, "姓名", "必填"),
        ({"所在单位": ""}, "所在单位", "必填"),
    ],
)
def test_each_bad_cell_is_an_error_line_and_nothing_is_imported(
    union_a, union_b, officer, override, column, fragment
):
    rows = [roster_row(1, "EDU01"), roster_row(3, "EDU01", **override), roster_row(5, "EDU01")]
    plan = import_people(csv_bytes(rows), filename="bad.csv", by=officer)
    assert [(e.row, e.column) for e in plan.errors] == [(3, column)]
    assert fragment in plan.errors[0].message
    assert plan.summary()["invalid"] == 1
    assert not Person.objects.exists() and not Person.history.exists()


def test_every_error_of_a_row_is_reported_not_only_the_first(union_a, union_b, officer):
    bad = roster_row(3, "NOPE", 身份证号="410102196001020010", 手机号码="1380013", 性别="未知")
    out_of_scope = roster_row(4, "HEA01", 手机号码="1380013")
    plan = import_people(csv_bytes([bad, out_of_scope]), filename="e.csv", by=officer)
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "身份证号"),
        (2, "性别"),
        (2, "手机号码"),
        (2, "所在单位"),
        (3, "手机号码"),
        (3, "所在单位"),
    ]
    assert "找不到" in plan.errors[3].message and "管辖范围" in plan.errors[5].message
    assert not Person.objects.exists()


def test_a_duplicate_id_number_names_the_first_row(union_a, officer):
    rows = [roster_row(1, "EDU01"), roster_row(2, "EDU01"), roster_row(1, "EDU01")]
    plan = import_people(csv_bytes(rows), filename="d.csv", by=officer)
    assert errors_of(plan) == [(4, "身份证号", "身份证号与第2行重复。")]
    assert not Person.objects.exists()


def test_an_organisation_is_found_by_code_or_exact_name(union_a, officer):
    child = OrganisationFactory(code="EDU01-1", name="第一中学分校工会", parent=union_a)
    plan = plan_people_import(
        csv_bytes([roster_row(1, "EDU01-1"), roster_row(2, "第一中学分校工会")]), by=officer
    )
    assert plan.ok and {p.organisation for p in plan.new} == {child}


def test_an_officer_cannot_move_or_update_a_person_of_another_union(union_a, union_b, officer):
    PersonFactory(id_number=id_number(1, "M"), organisation=union_b)
    plan = import_people(
        csv_bytes([roster_row(1, "EDU01", 手机号码="13700000000")]), filename="x.csv", by=officer
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "身份证号")]
    assert "管辖范围以外" in plan.errors[0].message
    assert Person.objects.get().organisation == union_b


def test_a_user_without_organisation_may_import_into_nothing(union_a):
    from accounts.roles import Role
    from tests.factories import make_user

    nobody = make_user(Role.CASE_OFFICER, organisation=None)
    plan = plan_people_import(csv_bytes([roster_row(1, "EDU01")]), by=nobody)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "所在单位")]


def test_blank_lines_are_skipped_and_row_numbers_stay_those_of_the_file(union_a, officer):
    data = csv_bytes([roster_row(1, "EDU01"), {}, roster_row(2, "EDU01", 手机号码="x")])
    plan = plan_people_import(data, by=officer)
    assert plan.rows == 2 and [(e.row, e.column) for e in plan.errors] == [(4, "手机号码")]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "空的"),
        (b"   \n", "空的"),
        ("姓名,身份证号,性别,手机号码,所在单位,岗位,开户行\n".encode(), "缺少列：银行账号"),
        (
            "姓名,身份证号,性别,手机号码,所在单位,岗位,开户行,银行账号,备注\n".encode(),
            "无法识别的列：备注",
        ),
        (",".join(PEOPLE_COLUMNS).encode() + b"\n", "没有数据行"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是电子表格"),
        (b"PK\x03\x04 this is a zip but not a workbook", "不是有效的 .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
        (b"\xff\xfe\x00\x00 odd bytes \xff\xfe", "不是电子表格"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(officer, data, fragment):
    with pytest.raises(FileRefused) as refusal:
        plan_people_import(data, by=officer)
    assert fragment in refusal.value.message


def test_a_file_above_the_size_limit_is_refused_with_the_limit_stated(officer):
    data = csv_bytes([]) + b"x" * (MAX_UPLOAD_BYTES + 1)
    with pytest.raises(FileRefused) as refusal:
        plan_people_import(data, by=officer)
    assert "超过上限 20 MB" in refusal.value.message


def test_a_dry_run_writes_nothing(union_a, officer):
    plan = import_people(
        csv_bytes([roster_row(1, "EDU01")]), filename="a.csv", by=officer, dry_run=True
    )
    assert plan.ok and plan.summary()["new"] == 1
    assert not Person.objects.exists() and not Person.history.exists()


def test_set_based_validation_does_not_query_per_row(
    union_a, officer, django_assert_max_num_queries
):
    for n in range(0, 40, 2):
        PersonFactory(id_number=id_number(n, "F"), gender="F", organisation=union_a)
    data = csv_bytes([roster_row(n, "EDU01") for n in range(400)])
    with django_assert_max_num_queries(3):
        plan = plan_people_import(data, by=officer)
    assert plan.ok and len(plan.updated) + plan.unchanged == 20 and len(plan.new) == 380


def test_two_hundred_thousand_rows_with_the_last_bad_import_nothing_and_name_it(union_a, officer):
    good = [roster_row(n, "EDU01") for n in range(199_999)]
    data = csv_bytes(good + [roster_row(199_999, "EDU01", 手机号码="12345")])
    plan = import_people(data, filename="big.csv", by=officer)
    assert errors_of(plan) == [
        (200_001, "手机号码", "手机号码应为以1开头的11位数字（如13812345678）。")
    ]
    assert plan.summary()["rows"] == 200_000
    assert not Person.objects.exists()


def test_bulk_history_rows_hold_every_tracked_field_like_simple_history_writes(union_a, officer):
    import_people(csv_bytes([roster_row(7, "EDU01")]), filename="h.csv", by=officer)
    person = Person.objects.get()
    record = person.history.get()
    for field in Person.history.model.tracked_fields:
        assert getattr(record, field.attname) == getattr(person, field.attname), field.name
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        officer,
        "导入：h.csv",
    )
    assert record.history_date is not None and record.instance == person


def test_an_import_of_new_and_updated_people_leaves_the_audit_trail_intact(union_a, officer):
    """The fast history INSERT is indexed like every other write (it once broke verify_audit)."""
    from audits.models import ChangeEntry

    PersonFactory(id_number=id_number(1, "M"), organisation=union_a, mobile="13800000000")
    rows = [roster_row(1, "EDU01", 手机号码="13711112222")]
    rows += [roster_row(n, "EDU01") for n in range(2, 6)]
    import_people(csv_bytes(rows), filename="a.csv", by=officer)
    created = Person.history.filter(history_type="+", history_change_reason="导入：a.csv")
    assert created.count() == 4
    indexed = ChangeEntry.objects.filter(
        model="cases.person", history_id__in=created.values("history_id")
    )
    assert indexed.count() == 4
    assert {e.user_id for e in indexed} == {officer.pk}
    assert_audit_intact()


@pytest.mark.parametrize(
    "number",
    [
        id_number(3, "M"),
        id_number(3, "M")[:-1] + "0",
        "410102196002300019",
        "410102290001010016",
        "990102196001010016",
        "41010219600101001x".upper(),
        "41010218791231001X",
        "11010519491231002X",
    ],
)
def test_the_fast_id_check_agrees_with_validate_id_number(number):
    import datetime

    from django.core.exceptions import ValidationError

    from cases.idnumbers import validate_id_number
    from cases.transfers.people import _plainly_valid_id

    try:
        validate_id_number(number)
        valid = True
    except ValidationError:
        valid = False
    assert _plainly_valid_id(number, datetime.date.today()) == valid

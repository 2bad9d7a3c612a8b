"""Benchmark (not a test): importing a 100,000-row roster, side by side.

  (a) a plain django-import-export ModelResource with default settings (plus what full
      validation and history need: `clean_model_instances`, the derived birth date and ID tail,
      the 男/女 gender column), row by row as the library does it;
  (b) Relief's import (`cases.transfers.people.import_people`): set-based validation, bulk
      writes with history.

Both start from a clean database, validate everything and write history rows naming the user.
(a) is measured on a subset (default 10,000 rows) and extrapolated, because at its speed the
full file takes many minutes. Then 100,000 payments are exported to XLSX.

    .venv/bin/python bench/import_people.py [--rows 100000] [--plain-rows 10000]

Runs on SQLite in a temporary database file unless DATABASE_URL is set.
"""

import argparse
import csv
import datetime
import io
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> str:
    workdir = tempfile.mkdtemp(prefix="relief-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "relief.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def roster_csv(rows: int, org_codes: list[str]) -> bytes:
    from tests.transfers.helpers import id_number

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["姓名", "身份证号", "性别", "手机号码", "所在单位", "岗位", "开户行", "银行账号"]
    )
    for n in range(rows):
        male = n % 2 == 1
        writer.writerow(
            [
                f"职工{n}",
                id_number(n, "M" if male else "F"),
                "男" if male else "女",
                f"139{n:08d}",
                org_codes[n % len(org_codes)],
                "护士" if n % 3 else "医师",
                "中国工商银行",
                f"622202{n:09d}1",  # a last 0 would look cut by Excel
            ]
        )
    return out.getvalue().encode("utf-8")


def clean_people() -> None:
    from django.db import connection

    from cases.models import Person

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Person.history.model._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {Person._meta.db_table}")  # noqa: S608


def plain_resource_class():
    from import_export import fields, resources, widgets

    from cases.models import Organisation, Person
    from cases.services import fill_derived_person_fields

    class GenderWidget(widgets.CharWidget):
        def clean(self, value, row=None, **kwargs):
            return {"男": "M", "女": "F"}.get(value, value)

    class PlainPersonResource(resources.ModelResource):
        name = fields.Field("name", column_name="姓名")
        id_number = fields.Field("id_number", column_name="身份证号")
        gender = fields.Field("gender", column_name="性别", widget=GenderWidget())
        mobile = fields.Field("mobile", column_name="手机号码")
        organisation = fields.Field(
            "organisation",
            column_name="所在单位",
            widget=widgets.ForeignKeyWidget(Organisation, "code"),
        )
        position = fields.Field("position", column_name="岗位")
        bank_name = fields.Field("bank_name", column_name="开户行")
        bank_account = fields.Field("bank_account", column_name="银行账号")

        class Meta:
            model = Person
            fields = ("name", "id_number", "gender", "mobile", "organisation", "position")
            fields += ("bank_name", "bank_account")
            import_id_fields = ("id_number",)
            clean_model_instances = True  # full validation: the model's validators and clean()

        def before_save_instance(self, instance, row, **kwargs):
            fill_derived_person_fields(instance)
            instance._history_user = kwargs.get("user")
            instance._change_reason = "导入：bench.csv"

    return PlainPersonResource


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--plain-rows", type=int, default=10_000)
    args = parser.parse_args()
    workdir = setup_django()

    import tablib
    from django.db import connection

    from accounts.roles import Role
    from cases.models import Organisation, Person
    from cases.services import save_organisation
    from tests.factories import make_user

    federation = save_organisation(Organisation(code="FED", name="市教科文卫体工会"))
    codes = []
    for i in range(20):
        unit = save_organisation(
            Organisation(code=f"H{i:02d}", name=f"第{i}人民医院工会", parent=federation)
        )
        codes.append(unit.code)
    admin = make_user(Role.CASE_OFFICER, federation, username="bench")
    data = roster_csv(args.rows, codes)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL']})")
    print(f"roster: {args.rows:,} rows, {len(data) / 1024 / 1024:.1f} MB CSV")

    # (a) the plain ModelResource, on a subset
    subset = b"\n".join(data.split(b"\n")[: args.plain_rows + 1]) + b"\n"
    dataset = tablib.Dataset().load(subset.decode("utf-8"), format="csv")
    clean_people()
    started, cpu = time.perf_counter(), time.process_time()
    result = plain_resource_class()().import_data(
        dataset, dry_run=False, use_transactions=True, user=admin
    )
    plain_seconds = time.perf_counter() - started
    plain_cpu = time.process_time() - cpu
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows[:3]
    assert Person.objects.count() == args.plain_rows
    assert Person.history.filter(history_user=admin).count() == args.plain_rows
    plain_rate = args.plain_rows / plain_seconds
    print(
        f"(a) plain ModelResource: {args.plain_rows:,} rows in {plain_seconds:.1f} s = "
        f"{plain_rate:,.0f} rows/s -> {args.rows:,} rows extrapolated: "
        f"{args.rows / plain_rate:.0f} s; CPU {args.plain_rows / plain_cpu:,.0f} rows/s"
    )

    # (b) Relief's import, the whole file
    from cases.transfers.people import import_people

    clean_people()
    started, cpu = time.perf_counter(), time.process_time()
    plan = import_people(data, filename="bench.csv", by=admin)
    relief_seconds = time.perf_counter() - started
    relief_cpu = time.process_time() - cpu
    assert plan.ok and len(plan.new) == args.rows, plan.errors[:3]
    assert Person.objects.count() == args.rows
    assert Person.history.filter(history_user=admin).count() == args.rows
    relief_rate = args.rows / relief_seconds
    print(
        f"(b) Relief import: {args.rows:,} rows in {relief_seconds:.1f} s = "
        f"{relief_rate:,.0f} rows/s; CPU {relief_cpu:.1f} s = {args.rows / relief_cpu:,.0f} rows/s"
    )
    print(
        f"speed-up: {relief_rate / plain_rate:.1f}x wall, "
        f"{(args.rows / relief_cpu) / (args.plain_rows / plain_cpu):.1f}x CPU"
    )

    started = time.perf_counter()
    plan = import_people(data, filename="bench.csv", by=admin, dry_run=True)
    print(
        f"re-validating the same file against {args.rows:,} existing people (dry run): "
        f"{time.perf_counter() - started:.1f} s, unchanged={plan.unchanged:,}"
    )

    # exporting 100,000 payments to XLSX
    from cases.models import Case
    from cases.transfers.exporting import export_rows, write_xlsx
    from payments.models import Campaign, Payment
    from payments.transfers.exports import PAYMENTS_EXPORT, payments_for_export

    campaign = Campaign.objects.create(
        name="2020年援鄂医疗队慰问",
        year=2020,
        kind="hubei_team",
        organisation=federation,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
        budget=Decimal("200000000"),
        funding_source="federation",
        annual_cap=Decimal("5000"),
        second_approval_threshold=Decimal("3000"),
        status="open",
        created_by=admin,
    )
    people = list(Person.objects.values_list("pk", "organisation_id"))
    Case.objects.bulk_create(
        [
            Case(person_id=pk, organisation_id=org, category="hubei_team", opened_by=admin)
            for pk, org in people
        ],
        batch_size=5000,
    )
    cases = Case.objects.values_list("pk", "person_id", "organisation_id")
    Payment.objects.bulk_create(
        [
            Payment(
                reference=f"P2020{n:08d}",
                case_id=case,
                person_id=person,
                organisation_id=org,
                campaign=campaign,
                amount=Decimal("1000.00"),
                standard_amount=Decimal("1000.00"),
                method="bank",
                purpose="援鄂医疗队员慰问金",
                year=2020,
                created_by=admin,
            )
            for n, (case, person, org) in enumerate(cases)
        ],
        batch_size=5000,
    )
    from django.http import QueryDict

    qs = payments_for_export(admin, QueryDict(""))
    count = qs.count()
    target = Path(workdir) / "payments.xlsx"
    started, cpu = time.perf_counter(), time.process_time()
    write_xlsx(export_rows(PAYMENTS_EXPORT, qs, reveal=True), str(target), sheet_title="慰问金")
    export_seconds = time.perf_counter() - started
    export_cpu = time.process_time() - cpu
    print(
        f"export: {count:,} payments to XLSX in {export_seconds:.1f} s "
        f"(CPU {export_cpu:.1f} s; {target.stat().st_size / 1024 / 1024:.1f} MB)"
    )
    from cases.transfers.exporting import stream_csv

    started, cpu = time.perf_counter(), time.process_time()
    with (Path(workdir) / "payments.csv").open("wb") as handle:
        for chunk in stream_csv(export_rows(PAYMENTS_EXPORT, qs, reveal=True)):
            handle.write(chunk)
    print(
        f"export: {count:,} payments to CSV (the streamed response body) in "
        f"{time.perf_counter() - started:.1f} s (CPU {time.process_time() - cpu:.1f} s)"
    )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"peak memory (max RSS of the whole run): {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()

"""Benchmark (not a test): approve submitted payments one at a time through the service.

    createdb -h 127.0.0.1 -U postgres bench_payments
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_payments
    .venv/bin/python manage.py migrate && .venv/bin/python bench/approve.py

`BENCH_PROFILE=FILE` writes a cProfile of the timed loop (CPU time) to FILE (pstats format).
`BENCH_SYNC_COMMIT=off` runs the bench's session with `synchronous_commit = off` (for this
connection only): the rate without waiting for the disk's flush at each COMMIT, which on this
machine is a few milliseconds — a floor under any one-transaction-per-approval rate. Not a
setting Relief uses: it shows how much of the wall time is the flush.
`BENCH_STATEMENTS=1` also prints each statement's median time seen from the process (the
round trip and PostgreSQL's work; COMMIT is not a statement Django's wrappers see).
`BENCH_PROCESSES=N` (N > 1) then runs N processes at once, as N finance officers approving in N
campaigns (one campaign's approvals queue on its row lock by design), each `BENCH_COUNT`
payments, and prints their aggregate rate after the serial one: both figures, same run.
`BENCH_EXISTING=N` (default 25000) first fills the serial run's campaign with N payments already
committed (half approved, half paid), by bulk insert, their tallies added with the services' own
`record_moves`: the approvals are timed in a campaign of a city's size, not an empty one (the
budget check reads the campaign's committed money). `BENCH_EXISTING=0` is the empty campaign.
`BENCH_ALLOCATED=1` also allocates that campaign (下拨) to the union holding every payment, so each
approval checks the allocation's committed money and places too.

The set-up (people, cases, submitted payments) is written in bulk and not timed; the timed part
is what the approval queue's bulk action does: `approve_payment` once per payment, each in its
own transaction with the campaign and payment row locks, the budget and the cap checks.
Printed beside the wall time: the process's CPU time per approval (`time.process_time`), which
a machine shared with other work distorts far less, and the load average.
"""

import contextlib
import cProfile
import datetime
import multiprocessing
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.dev")
# As in production: with DEBUG on, Django's debug cursor records and logs every statement
# (about a tenth of an approval's CPU). DEBUG=1 measures it the old way.
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role, ensure_role_groups  # noqa: E402
from cases.models import Case, Organisation, Person  # noqa: E402
from cases.services import save_organisation  # noqa: E402
from payments.models import Allocation, Campaign, Payment  # noqa: E402
from payments.services import approve_payment  # noqa: E402
from tests.idnumbers import make_id_number  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", "1000"))
EXISTING = int(os.environ.get("BENCH_EXISTING", "25000"))
ALLOCATED = bool(os.environ.get("BENCH_ALLOCATED"))


def user(role, organisation, username):
    ensure_role_groups()
    account = User.objects.create(username=username, organisation=organisation)
    from django.contrib.auth.models import Group

    account.groups.add(Group.objects.get(name=role))
    return account


def set_up(
    count: int = COUNT, *, amount: Decimal = Decimal("500.00"), unions: int = 1, existing: int = 0
):
    """A campaign, its finance officer and `count` submitted payments, written in bulk, their
    people spread over `unions` grassroots unions; before them, `existing` payments of other
    people already committed (`_committed`)."""
    tag = uuid.uuid4().hex[:6]
    root = save_organisation(Organisation(code=f"B{tag}", name=f"基准测试工会{tag}"))
    members = [
        save_organisation(Organisation(code=f"U{tag}{n}", name=f"基准基层{tag}{n}", parent=root))
        for n in range(unions)
    ]
    officer = user(Role.CASE_OFFICER, members[0], f"bench-officer-{tag}")
    finance = user(Role.FINANCE, root, f"bench-finance-{tag}")
    campaign = Campaign.objects.create(
        name=f"基准测试{tag}",
        year=2026,
        kind="warmth",
        organisation=root,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        budget=Decimal("100000000.00"),
        funding_source="federation",
        annual_cap=Decimal("3000.00"),
        second_approval_threshold=Decimal("1000.00"),
        status="open",
        created_by=officer,
    )
    base = int(uuid.uuid4().int % 10_000_000)
    people = Person.objects.bulk_create(
        Person(
            name=f"职工{i}",
            gender="M",
            id_number=(
                number := make_id_number(
                    datetime.date(1960, 1, 1) + datetime.timedelta(days=(base + i) % 15000),
                    "M",
                    sequence=(base + i) % 499,
                )
            ),
            id_tail=number[-4:],
            birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            organisation=members[i % unions],
            bank_name="中国工商银行",
            bank_account=f"62220{base + i:014d}",
        )
        for i in range(count + existing)
    )
    cases = Case.objects.bulk_create(
        # A frontline-care case: hardship cases also need a current hardship file (not the
        # subject here).
        Case(person=p, category="frontline", organisation_id=p.organisation_id, opened_by=officer)
        for p in people
    )
    payments = Payment.objects.bulk_create(
        _payment(c, f"Z{tag}{i:06d}", campaign, amount, officer, status="submitted")
        for i, c in enumerate(cases[existing:])
    )
    if existing:
        _committed(campaign, cases[:existing], officer, finance, amount, tag)
    if ALLOCATED:
        # Written directly (not `allocate_campaign`): one allocation covering every payment.
        Allocation.objects.create(
            campaign=campaign,
            organisation=members[0] if unions == 1 else root,
            amount=campaign.budget,
            places=count + existing,
            created_by=officer,
        )
    return campaign, finance, payments


def _committed(campaign, cases, officer, finance, amount: Decimal, tag: str) -> None:
    """A payment per case, half approved and half paid, written in bulk, and the tallies moved
    as the services would have moved them (`record_moves`, from the submitted state)."""
    from payments.services.tallies import facts_of, record_moves

    now = timezone.now()
    committed = Payment.objects.bulk_create(
        (
            _payment(
                c,
                f"Y{tag}{i:06d}",
                campaign,
                amount,
                officer,
                status="paid" if i % 2 else "approved",
                approved_by=finance,
                approved_at=now,
                paid_at=now if i % 2 else None,
                paid_by=finance if i % 2 else None,
            )
            for i, c in enumerate(cases)
        ),
        batch_size=2000,
    )
    submitted = (
        Payment(**{**_fields(p), "status": "submitted", "paid_at": None}) for p in committed
    )
    record_moves(
        [(facts_of(before), facts_of(p)) for before, p in zip(submitted, committed, strict=True)],
        cases={c.pk: (c.category, c.hardship_level) for c in cases},
    )


def _payment(case, reference: str, campaign, amount: Decimal, officer, **fields) -> Payment:
    """A submitted-or-later payment of the bench's campaign for `case`, not saved."""
    return Payment(
        reference=reference,
        case=case,
        person_id=case.person_id,
        organisation_id=case.organisation_id,
        campaign=campaign,
        amount=amount,
        standard_amount=amount,
        method="bank",
        purpose="基准测试",
        year=2026,
        created_by=officer,
        submitted_by=officer,
        submitted_at=timezone.now(),
        **fields,
    )


def _fields(payment) -> dict:
    return {f.attname: getattr(payment, f.attname) for f in Payment._meta.concrete_fields}


def main() -> None:
    serial()
    processes = int(os.environ.get("BENCH_PROCESSES", "1"))
    if processes > 1:
        in_parallel(processes)


def serial() -> None:
    campaign, finance, payments = set_up(existing=EXISTING)
    sync_commit = _session_settings()
    load = os.getloadavg()[0]
    profile = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waits
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    timings: dict[str, list[float]] = {}
    with (
        connection.execute_wrapper(_timed(timings))
        if os.environ.get("BENCH_STATEMENTS")
        else contextlib.nullcontext()
    ):
        for payment in payments[:-1]:
            approve_payment(payment, by=finance)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    statements = _statements_of_one_more(payments[-1], finance)
    approved = Payment.objects.filter(pk__in=[p.pk for p in payments], status="approved").count()
    n = approved - 1
    print(
        f"{connection.vendor}: approved {n} of {COUNT} in a campaign of {EXISTING} committed "
        f"payments{' (allocated)' if ALLOCATED else ''} in {elapsed:.2f} s "
        f"= {n / elapsed:.0f} approvals per second; {1000 * elapsed / n:.2f} ms wall and "
        f"{1000 * cpu / n:.2f} ms CPU (this process) per approval; load average {load:.1f} → "
        f"{os.getloadavg()[0]:.1f}; DEBUG {settings.DEBUG}; "
        f"synchronous_commit {sync_commit or 'default'}; {statements} statements for one "
        f"approval incl. BEGIN/COMMIT (with its after-commit seal request, made at most once "
        f"per AUDIT_SEAL_DELAY; the seal itself is the db_worker's)"
    )
    for sql, times in sorted(timings.items(), key=lambda item: -sum(item[1])):
        times.sort()
        print(f"  {len(times):5} × median {1000 * times[len(times) // 2]:.3f} ms  {sql}")


def _timed(timings: dict[str, list[float]]):
    """An execute wrapper recording each statement's time under its first 60 characters."""

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.setdefault(sql[:60], []).append(time.perf_counter() - started)

    return wrapper


def _session_settings() -> str:
    """`BENCH_SYNC_COMMIT` on this process's connection; its value."""
    sync_commit = os.environ.get("BENCH_SYNC_COMMIT", "")
    if sync_commit and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [sync_commit])
    return sync_commit


def _approve_all(payments, finance, start, results) -> None:
    """One officer's process: wait for the others, approve its campaign's payments."""
    connection.close()  # the parent's socket is not this process's
    _session_settings()
    start.wait()
    cpu = time.process_time()
    for payment in payments:
        approve_payment(payment, by=finance)
    results.put((time.perf_counter(), time.process_time() - cpu))


def in_parallel(processes: int) -> None:
    """`processes` officers at once, each in its own campaign; timed from the common start to
    the last one's end."""
    work = [set_up() for _ in range(processes)]
    connection.close()  # not inherited by the children
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(processes + 1), context.Queue()
    children = [
        context.Process(target=_approve_all, args=(payments, finance, start, results))
        for _campaign, finance, payments in work
    ]
    for child in children:
        child.start()
    load = os.getloadavg()[0]
    start.wait()
    started = time.perf_counter()
    ends, cpus = zip(*(results.get() for _ in children), strict=True)
    for child in children:
        child.join()
    elapsed = max(ends) - started
    approved = Payment.objects.filter(
        campaign__in=[campaign for campaign, _f, _p in work], status="approved"
    ).count()
    if approved != processes * COUNT:
        raise SystemExit(f"approved {approved} of {processes * COUNT}")
    print(
        f"{connection.vendor}: {processes} processes at once (one campaign and officer each): "
        f"approved {approved} in {elapsed:.2f} s = {approved / elapsed:.0f} approvals per "
        f"second in all ({approved / elapsed / processes:.0f} per process); "
        f"{1000 * sum(cpus) / approved:.2f} ms CPU per approval (the processes'); load average "
        f"{load:.1f} → {os.getloadavg()[0]:.1f}; "
        f"synchronous_commit {os.environ.get('BENCH_SYNC_COMMIT') or 'default'}"
    )


def _statements_of_one_more(payment, finance) -> int:
    """SQL statements of one more approval, its after-commit seal request included."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        approve_payment(payment, by=finance)
    return len(context.captured_queries)


if __name__ == "__main__":
    main()

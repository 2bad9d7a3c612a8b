"""Benchmark (not a test): a 1,000-letter campaign as one PDF, against a naive baseline.

    .venv/bin/python bench/letters.py [--letters 1000]

Builds a throw-away SQLite database with one campaign of N approved payments, then runs each
variant in its own subprocess so that its peak memory (ru_maxrss) is its own:

- one:   `letters.services.print_campaign_letters`, what the web, the job and `render_letters`
         use: every letter a page of one WeasyPrint document, fonts subset once, and the print
         log written (query → PDF bytes → PrintRecord + 1,000 PrintedPayment rows);
- naive: the same letters, each rendered as its own WeasyPrint document (one-letter calls of
         the same renderer), then concatenated with pypdf.

Targets (issue 5): 1,000 letters in < 60 s on one core, ≥ 3× faster than naive, peak < 1 GB.
Wall time and CPU time are both reported: on a shared machine the wall time includes waiting
for a core, the CPU time is what one core spends (WeasyPrint is single-threaded).
"""

import argparse
import datetime
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISSUED_ON = datetime.date(2020, 6, 5)
RARE_NAMES = ["张𠈌", "王𠮷", "陈䶮"]  # CJK Ext B, B, A: all in Noto CJK


def setup_django(var_dir: str) -> None:
    os.environ["RELIEF_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_database(letters: int) -> int:
    """Migrate the fresh database and make one campaign with `letters` approved payments."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from cases.models import Case, Organisation, Person
    from cases.services import save_organisation
    from payments.models import Campaign, Payment
    from tests.idnumbers import make_id_number

    root = save_organisation(Organisation(code="FED", name="市教科文卫体工会"))
    unions = [
        save_organisation(
            Organisation(
                code=f"U{i:02d}", name=f"第{i + 1}中学工会", parent=root, sector="education"
            )
        )
        for i in range(20)
    ]
    user = User.objects.create(username="bench", organisation=root)
    campaign = Campaign.objects.create(
        name="2020年春节送温暖",
        year=2020,
        kind="warmth",
        organisation=root,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
        budget=Decimal("10000000"),
        funding_source="federation",
        annual_cap=Decimal("5000"),
        second_approval_threshold=Decimal("3000"),
        status="open",
        created_by=user,
    )
    people = []
    for i in range(letters):
        gender = "MF"[i % 2]
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i * 7)
        number = make_id_number(birth, gender, sequence=i)
        surname = RARE_NAMES[i % len(RARE_NAMES)] if i % 50 == 0 else "赵钱孙李周吴郑王"[i % 8]
        people.append(
            Person(
                name=f"{surname}{'明华建国秀英'[i % 6]}{i}",
                gender=gender,
                id_number=number,
                id_tail=number[-4:],
                birth_date=birth,
                organisation=unions[i % len(unions)],
            )
        )
    people = Person.objects.bulk_create(people)
    cases = Case.objects.bulk_create(
        Case(person=p, category="hardship", organisation=p.organisation, opened_by=user)
        for p in people
    )
    Payment.objects.bulk_create(
        Payment(
            reference=f"P2020{i:06d}",
            case=case,
            person=case.person,
            organisation=case.organisation,
            campaign=campaign,
            amount=Decimal(800 + (i % 7) * 100) + Decimal("0.50") * (i % 2),
            method="bank",
            purpose="春节慰问",
            year=2020,
            status="approved",
            created_by=user,
        )
        for i, case in enumerate(cases)
    )
    return campaign.pk


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def run_one(campaign_id: int) -> dict:
    from letters import selectors
    from letters.models import PrintChannel
    from letters.services import print_campaign_letters
    from payments.models import Campaign

    started, cpu = time.perf_counter(), time.process_time()
    campaign = Campaign.objects.select_related("organisation").get(pk=campaign_id)
    payments = selectors.with_letter_relations(
        campaign.payments.filter(selectors.PRINTABLE)
    ).order_by(*selectors.LETTER_ORDER)
    out = print_campaign_letters(
        campaign=campaign,
        payments=payments,
        by=None,
        by_name="bench",
        channel=PrintChannel.COMMAND,
        issued_on=ISSUED_ON,
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "pages": out.pages, "bytes": len(out.content)}


def run_naive(campaign_id: int) -> dict:
    from pypdf import PdfWriter

    from letters import rendering, selectors
    from payments.models import Campaign

    started, cpu = time.perf_counter(), time.process_time()
    campaign = Campaign.objects.select_related("organisation").get(pk=campaign_id)
    payments = selectors.with_letter_relations(
        campaign.payments.filter(selectors.PRINTABLE)
    ).order_by(*selectors.LETTER_ORDER)
    letters = rendering.letters_for_payments(payments, ISSUED_ON)
    writer = PdfWriter()
    for letter in letters:
        single = rendering.render_letters_pdf([letter])
        writer.append(io.BytesIO(single.content))
    buffer = io.BytesIO()
    writer.write(buffer)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "pages": len(writer.pages), "bytes": buffer.tell()}


def child(variant: str, var_dir: str, campaign_id: int) -> None:
    setup_django(var_dir)
    result = (run_one if variant == "one" else run_naive)(campaign_id)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def spawn(variant: str, var_dir: str, campaign_id: int) -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            variant,
            "--var-dir",
            var_dir,
            "--campaign",
            str(campaign_id),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--child", choices=["one", "naive"])
    parser.add_argument("--var-dir")
    parser.add_argument("--campaign", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.var_dir, args.campaign)
        return

    with tempfile.TemporaryDirectory(prefix="bench-letters-") as var_dir:
        prepared = ROOT / "var" / "fonts"  # the Chinese faces `make setup` cut down, as deployed
        if prepared.is_dir():
            (Path(var_dir) / "fonts").symlink_to(prepared)
        setup_django(var_dir)
        started = time.perf_counter()
        campaign_id = build_database(args.letters)
        print(
            f"database: {args.letters} approved payments in {time.perf_counter() - started:.1f} s"
        )
        results = {}
        for variant in ("one", "naive"):
            results[variant] = spawn(variant, var_dir, campaign_id)
            r = results[variant]
            print(
                f"{variant:>5}: {r['seconds']:7.1f} s wall ({r['cpu']:.1f} s CPU), "
                f"{r['seconds'] / args.letters * 1000:6.1f} ms/letter wall, "
                f"{r['cpu'] / args.letters * 1000:6.1f} ms/letter CPU, "
                f"{r['pages']} pages, {r['bytes'] / 1e6:.1f} MB PDF, "
                f"peak RSS {r['peak_rss_mb']:.0f} MB"
            )
        one, naive = results["one"], results["naive"]
        speedup = naive["seconds"] / one["seconds"]
        print(
            f"speed-up: {speedup:.1f}× wall, {naive['cpu'] / one['cpu']:.1f}× CPU "
            "(one document vs one document per letter + pypdf)"
        )
        print(f"load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        checks = {
            f"{args.letters} letters < 60 s on one core (CPU time)": one["cpu"] < 60,
            f"{args.letters} letters < 60 s wall clock on this machine now": one["seconds"] < 60,
            "≥ 3× faster than naive (wall)": speedup >= 3,
            "≥ 3× faster than naive (CPU)": naive["cpu"] / one["cpu"] >= 3,
            "peak RSS < 1 GB": one["peak_rss_mb"] < 1024,
        }
        for label, ok in checks.items():
            print(f"  [{'ok' if ok else 'MISSED'}] {label}")


if __name__ == "__main__":
    main()

"""The campaigns' summary tally rows (`MoneyTally` year 0: the budget check's figure), filled from
the payments as they stand; the services keep them from then on."""

from django.db import migrations
from django.db.models import BigIntegerField, Count, F, Sum
from django.db.models.functions import Cast, Round

UNPAID_COMMITTED = ("approved", "second_approved", "in_batch", "failed")


def fill(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    MoneyTally = apps.get_model("payments", "MoneyTally")
    fen = Sum(Cast(Round(F("amount") * 100), BigIntegerField()))
    rows: dict[int, dict[str, int]] = {}
    for prefix, statuses in (("paid", ["paid"]), ("pending", UNPAID_COMMITTED)):
        found = (
            Payment.objects.filter(status__in=statuses)
            .order_by()
            .values_list("campaign_id")
            .annotate(n=Count("id"), fen=fen)
        )
        for campaign, n, total in found:
            rows.setdefault(campaign, {})[f"{prefix}_n"] = n
            rows[campaign][f"{prefix}_fen"] = total or 0
    MoneyTally.objects.filter(year=0).delete()
    MoneyTally.objects.bulk_create(
        MoneyTally(
            year=0,
            month=0,
            campaign_id=campaign,
            organisation_id=0,
            category="",
            tier="",
            assistance_item="",
            **values,
        )
        for campaign, values in rows.items()
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0010_order_by_tree_order")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

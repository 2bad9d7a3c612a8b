"""The campaigns' summary tally rows per organisation beside the campaign-wide ones (`MoneyTally`
year 0: the allocation check's figure), refilled from the payments as they stand, as
`rebuild_statistics` computes them; the services keep them from then on."""

from django.db import migrations
from django.db.models import BigIntegerField, Count, F, Sum
from django.db.models.functions import Cast, Round

UNPAID_COMMITTED = ("approved", "second_approved", "in_batch", "failed")


def fill(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    MoneyTally = apps.get_model("payments", "MoneyTally")
    fen = Sum(Cast(Round(F("amount") * 100), BigIntegerField()))
    rows: dict[tuple[int, int], dict[str, int]] = {}
    for prefix, statuses in (("paid", ["paid"]), ("pending", UNPAID_COMMITTED)):
        for group in (("campaign_id",), ("campaign_id", "organisation_id")):
            found = (
                Payment.objects.filter(status__in=statuses)
                .order_by()
                .values_list(*group)
                .annotate(n=Count("id"), fen=fen)
            )
            for *coordinates, n, total in found:
                key = (coordinates[0], coordinates[1] if len(coordinates) > 1 else 0)
                rows.setdefault(key, {})[f"{prefix}_n"] = n
                rows[key][f"{prefix}_fen"] = total or 0
    MoneyTally.objects.filter(year=0).delete()
    MoneyTally.objects.bulk_create(
        MoneyTally(
            year=0,
            month=0,
            campaign_id=campaign,
            organisation_id=organisation,
            category="",
            tier="",
            assistance_item="",
            **values,
        )
        for (campaign, organisation), values in rows.items()
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0011_campaign_summary_tallies")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

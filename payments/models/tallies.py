"""Pre-aggregated money figures, kept by the payment services in the same transaction.

The statistics page and the year-end return read these instead of scanning a year of payments
(two hundred thousand rows at a city's scale). A tally row is the sum of every payment's
contribution (`payments.services.tallies.contributions`) at one key; a payment's move changes
its rows by the difference between its contribution after and before, under the same locks as
the move itself, so the tallies are exactly the payments summed one by one at every commit.
`manage.py rebuild_statistics` recomputes them from the payments (`--check` compares).

Amounts are kept in fen (integers): exact on SQLite as on PostgreSQL, where a running sum of
decimals would drift through SQLite's floating point.
"""

from decimal import Decimal

from django.db import models


class MoneyTally(models.Model):
    """Paid, reversed and approved-not-paid, in 人次 and fen, per period and coordinates.

    `month` is the local calendar month of the movement (paid at, reversed at); month 0 holds
    approved-not-paid, which belongs to the payment's `year` and to no month. `tier` and
    `category` are the case's (its current tier: a tier change moves the case's payments).

    Year 0 (`SUMMARY_YEAR`, `summaries()`) holds one row per campaign (month 0, organisation 0,
    the other coordinates empty): its money now, all years together — paid and kept in `paid_*`,
    approved-not-paid in `pending_*`, so `paid_fen + pending_fen` is the campaign's committed
    money, which the budget check reads from this one row whatever the campaign's size. The
    same per organisation of the campaign (`organisation_summaries()`): an allocation's committed
    money is the sum of its union subtree's rows, not of its payments. No figure reads year 0
    (they read a year in scope), and no payment has it.
    """

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    # No database constraints: a tally row is derived from payments that carry them, and the
    # rebuild inserts a row per kept payment, whose deferred checks took minutes at commit.
    campaign = models.ForeignKey(
        "payments.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    category = models.CharField(max_length=20)
    tier = models.CharField(max_length=20, blank=True)
    assistance_item = models.CharField(max_length=20, blank=True)
    paid_n = models.BigIntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)
    reversed_n = models.BigIntegerField(default=0)
    reversed_fen = models.BigIntegerField(default=0)
    pending_n = models.BigIntegerField(default=0)
    pending_fen = models.BigIntegerField(default=0)

    KEY = ("year", "month", "campaign", "organisation", "category", "tier", "assistance_item")
    VALUES = ("paid_n", "paid_fen", "reversed_n", "reversed_fen", "pending_n", "pending_fen")
    SUMMARY_YEAR = 0

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "month",
                    "campaign",
                    "organisation",
                    "category",
                    "tier",
                    "assistance_item",
                ],
                name="money_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.campaign_id}/{self.organisation_id}"

    @classmethod
    def summary_key(cls, campaign_id: int, organisation_id: int = 0) -> tuple:
        """The key, in `KEY` order, of the campaign's summary row (organisation 0) or of its
        row for one organisation."""
        return (cls.SUMMARY_YEAR, 0, campaign_id, organisation_id, "", "", "")

    @classmethod
    def summaries(cls) -> models.QuerySet:
        """The campaigns' summary rows (found by the key's unique index)."""
        return cls._summary_rows().filter(organisation_id=0)

    @classmethod
    def organisation_summaries(cls) -> models.QuerySet:
        """The campaigns' summary rows per organisation."""
        return cls._summary_rows().exclude(organisation_id=0)

    @classmethod
    def _summary_rows(cls) -> models.QuerySet:
        return cls.objects.filter(
            year=cls.SUMMARY_YEAR, month=0, category="", tier="", assistance_item=""
        )


class PersonTally(models.Model):
    """How many of a person's payments of a year are paid and kept (not reversed), per campaign
    and coordinates: coverage counts distinct people (a person paid twice is reached once), which
    a sum cannot give. `year` is the local year of the payment's `paid_at`."""

    year = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # No database constraints: a tally row is derived from payments that carry them, and the
    # rebuild inserts a row per kept payment, whose deferred checks took minutes at commit.
    campaign = models.ForeignKey(
        "payments.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    category = models.CharField(max_length=20)
    kept_n = models.BigIntegerField(default=0)

    KEY = ("year", "person", "campaign", "organisation", "category")
    VALUES = ("kept_n",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "person", "campaign", "organisation", "category"],
                name="person_tally_key",
            )
        ]
        indexes = [
            # The coverage figure reads a year's kept rows of the frontline (or Hubei-team)
            # campaigns: from this index alone (no row visited), and not the rows a reversal
            # left at zero.
            models.Index(
                fields=["year", "campaign", "person"],
                include=["organisation", "category"],
                condition=models.Q(kept_n__gt=0),
                name="person_tally_kept",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person_id}/{self.campaign_id}"


def to_fen(amount) -> int:
    """Money as the tallies keep it: whole fen."""
    return int((Decimal(amount) * 100).quantize(Decimal(1)))


def from_fen(fen) -> Decimal:
    """A tallied sum of fen (None: no row) back as money with its two places."""
    return Decimal(fen or 0).scaleb(-2).quantize(Decimal("0.01"))

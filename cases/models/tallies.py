"""Hardship files counted per year, organisation and tier, kept by the case services.

The statistics page and the year-end return read these instead of counting the files (three
hundred thousand of a city's million cases) on every request. A row is the sum of every file's
contribution (`cases.services.file_tallies.file_contributions`, from its spells `FileSpell`) at
one key: a service that changes a file adds the difference between its contribution after and
before, under the case's row lock, so the tallies equal the files counted one by one at every
commit.
`manage.py rebuild_statistics` recomputes them (`--check` compares).
"""

from django.db import models


class FileTally(models.Model):
    """Per calendar year (local), the case's organisation and its current tier:

    - `entered` / `departed`: files that came into the register that year (approved) and left it
      (closed); the files in file at the end of year Y are the sum of `entered - departed` over the
      years up to Y, and the reviews due in Y are that sum up to Y - 1;
    - `new`: files approved that year (not a return's re-approval); `exited` (脱困) and
      `withdrawn` (退档): closed that year; `returned` (返困): reopened after 脱困 that year.

    A file counts at most once per figure and year, as the list behind the figure lists it once.
    """

    year = models.PositiveSmallIntegerField()
    # No database constraint: a tally row is derived from the cases, which carry it.
    organisation = models.ForeignKey(
        "cases.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    tier = models.CharField(max_length=20, blank=True)
    entered = models.BigIntegerField(default=0)
    departed = models.BigIntegerField(default=0)
    new = models.BigIntegerField(default=0)
    exited = models.BigIntegerField(default=0)
    withdrawn = models.BigIntegerField(default=0)
    returned = models.BigIntegerField(default=0)

    KEY = ("year", "organisation", "tier")
    VALUES = ("entered", "departed", "new", "exited", "withdrawn", "returned")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "organisation", "tier"], name="file_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organisation_id}/{self.tier}"

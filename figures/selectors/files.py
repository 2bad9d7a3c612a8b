"""The hardship files (困难职工档案) of the period: households by tier, entries and exits.

Each figure is one `Q` over the files (`file_q`): the list behind the figure counts the files
it selects. The page reads the same figures from the tallies the case services keep
(`cases.FileTally`, `cases.services.file_tallies`), which follow the same rules from the same
spells (`cases.FileSpell`, a file's passes through the register). 返困 (a household back in
hardship) is a file that had left by 脱困 and was reopened in the period.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from cases.models import (
    Case,
    CaseCategory,
    CaseReview,
    FileSpell,
    FileStage,
    FileTally,
    HardshipLevel,
)

from ..filters import StatFilter
from .scope import narrowed

FILE_FIGURES = ("in_file", "new", "exited", "returned", "withdrawn", "due")


def file_q(figure: str, f: StatFilter, tier: str = "") -> Q:
    """The files one figure counts, by their spells (`cases.FileSpell`): a file is listed once
    however many of its spells match. `in_file` is the households in file at the period's end."""
    spells = FileSpell.objects.filter(case=OuterRef("pk"))
    if figure == "in_file":
        spells = spells.filter(approved_on__lte=f.last_day).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=f.end)
        )
    elif figure == "due":
        # In file when the year began: each of these owes the year's review.
        spells = spells.filter(approved_on__lt=f.first_day).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=f.start)
        )
    elif figure == "new":
        spells = spells.filter(
            returned_on__isnull=True, approved_on__gte=f.first_day, approved_on__lte=f.last_day
        )
    elif figure in ("exited", "withdrawn"):
        stage = FileStage.EXITED if figure == "exited" else FileStage.WITHDRAWN
        spells = spells.filter(ended_as=stage, ended_at__gte=f.start, ended_at__lt=f.end)
    elif figure == "returned":
        spells = spells.filter(returned_on__gte=f.first_day, returned_on__lte=f.last_day)
    else:
        raise ValueError(figure)
    q = Q(Exists(spells))
    return q & Q(hardship_level=tier) if tier else q


def filtered_files(user, f: StatFilter) -> QuerySet[Case]:
    """Hardship files in scope; another case category chosen in the filters means none.
    `narrowed` applies the user's scope once (see `money.filtered_payments`)."""
    qs = narrowed(Case.objects.all(), user, f).filter(category=CaseCategory.HARDSHIP)
    if f.category and f.category != CaseCategory.HARDSHIP:
        return qs.none()
    if f.tier:
        qs = qs.filter(hardship_level=f.tier)
    return qs


@dataclass
class FileFigures:
    in_file: dict[str, int]
    new: int
    exited: int
    returned: int
    withdrawn: int
    due: int
    reviewed: int

    @property
    def in_file_total(self) -> int:
        return sum(self.in_file.values())


def file_figures(user, f: StatFilter) -> FileFigures:
    """Two queries: the files' figures from the tallies (`cases.FileTally`, a few rows per
    organisation, tier and year) and the year's approved reviews. The lists behind the figures
    count the files themselves (`file_q`)."""
    year = f.year
    balance = F("entered") - F("departed")
    sums = {
        "new": Sum("new", filter=Q(year=year)),
        "exited": Sum("exited", filter=Q(year=year)),
        "withdrawn": Sum("withdrawn", filter=Q(year=year)),
        "returned": Sum("returned", filter=Q(year=year)),
        "due": Sum(balance, filter=Q(year__lt=year)),  # in file when the year began
    }
    for level in HardshipLevel.values:
        sums[f"in_file_{level}"] = Sum(balance, filter=Q(year__lte=year, tier=level))
    row = _file_tallies(user, f).aggregate(**sums)
    return FileFigures(
        in_file={level: row[f"in_file_{level}"] or 0 for level in HardshipLevel.values},
        new=row["new"] or 0,
        exited=row["exited"] or 0,
        returned=row["returned"] or 0,
        withdrawn=row["withdrawn"] or 0,
        due=row["due"] or 0,
        reviewed=reviews_done(user, f).count(),
    )


def _file_tallies(user, f: StatFilter) -> QuerySet[FileTally]:
    """The tallies in scope up to the year, narrowed like `filtered_files`."""
    qs = narrowed(FileTally.objects.filter(year__lte=f.year), user, f)
    if f.category and f.category != CaseCategory.HARDSHIP:
        return qs.none()
    if f.tier:
        qs = qs.filter(tier=f.tier)
    return qs


def reviews_done(user, f: StatFilter) -> QuerySet[CaseReview]:
    """The year's reviews approved by the upper level, of the files in the filters."""
    return CaseReview.objects.filter(
        year=f.year,
        approved_on__isnull=False,
        case__in=filtered_files(user, f).values("id"),
    )

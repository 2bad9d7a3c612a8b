"""The hardship files (困难职工档案) of the period: households by tier, entries and exits.

Each figure is one `Q` over the files (`file_q`): the list behind the figure counts the files
it selects. The page reads the same figures from the tallies the case services keep
(`cases.FileTally`, `cases.services.file_tallies`), which follow the same rules. 返困 (a
household back in hardship) is a file that had left by 脱困 and was reopened in the period: read
from the files' history, where the reopening shows as a row back at the application stage after
an earlier row at 脱困.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from cases.models import Case, CaseCategory, CaseReview, FileStage, FileTally, HardshipLevel
from cases.selectors import cases_visible_to
from cases.services.file_tallies import ONCE_IN_FILE

from ..filters import StatFilter
from .scope import narrowed

FILE_FIGURES = ("in_file", "new", "exited", "returned", "withdrawn", "due")


def file_q(figure: str, f: StatFilter, tier: str = "") -> Q:
    """The files one figure counts. `in_file` is the households in file at the period's end."""
    if figure == "in_file":
        q = Q(file_stage__in=ONCE_IN_FILE, file_approved_on__lte=f.last_day) & (
            Q(closed_at__isnull=True) | Q(closed_at__gte=f.end)
        )
        return q & Q(hardship_level=tier) if tier else q
    if figure == "new":
        return Q(file_approved_on__gte=f.first_day, file_approved_on__lte=f.last_day)
    if figure in ("exited", "withdrawn"):
        stage = FileStage.EXITED if figure == "exited" else FileStage.WITHDRAWN
        return Q(file_stage=stage, closed_at__gte=f.start, closed_at__lt=f.end)
    if figure == "due":
        # In file when the year began: each of these owes the year's review.
        return Q(file_stage__in=ONCE_IN_FILE, file_approved_on__lt=f.first_day) & (
            Q(closed_at__isnull=True) | Q(closed_at__gte=f.start)
        )
    if figure == "returned":
        return Q(pk__in=_returned_ids(f))
    raise ValueError(figure)


def _returned_ids(f: StatFilter):
    history = Case.history.model
    earlier_exit = history.objects.filter(
        id=OuterRef("id"), file_stage=FileStage.EXITED, history_date__lt=OuterRef("history_date")
    )
    return (
        history.objects.filter(
            category=CaseCategory.HARDSHIP,
            file_stage=FileStage.APPLIED,
            applied_on__gte=f.first_day,
            applied_on__lte=f.last_day,
        )
        .filter(Exists(earlier_exit))
        .values("id")
    )


def filtered_files(user, f: StatFilter) -> QuerySet[Case]:
    """Hardship files in scope; another case category chosen in the filters means none."""
    qs = narrowed(cases_visible_to(user), user, f).filter(category=CaseCategory.HARDSHIP)
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
    """Three queries: the files' figures from the tallies (`cases.FileTally`, a few rows per
    organisation, tier and year), the year's 返困 from the files' history and the year's
    approved reviews. The lists behind the figures count the files themselves (`file_q`)."""
    year = f.year
    balance = F("entered") - F("departed")
    sums = {
        "new": Sum("new", filter=Q(year=year)),
        "exited": Sum("exited", filter=Q(year=year)),
        "withdrawn": Sum("withdrawn", filter=Q(year=year)),
        "due": Sum(balance, filter=Q(year__lt=year)),  # in file when the year began
    }
    for level in HardshipLevel.values:
        sums[f"in_file_{level}"] = Sum(balance, filter=Q(year__lte=year, tier=level))
    row = _file_tallies(user, f).aggregate(**sums)
    return FileFigures(
        in_file={level: row[f"in_file_{level}"] or 0 for level in HardshipLevel.values},
        new=row["new"] or 0,
        exited=row["exited"] or 0,
        returned=filtered_files(user, f).filter(file_q("returned", f)).count(),
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

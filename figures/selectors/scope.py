"""The organisations a figure may count, resolved once per page.

Every statistics query starts from the user's scope (`cases.selectors`), then narrows to the
chosen union's subtree and sector through a subquery on the small organisation table, so the
big tables are filtered by `organisation_id IN (…)` as everywhere else.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import Organisation
from cases.selectors import organisations_visible_to, scoped_by_organisation

from ..filters import NO_SECTOR, StatFilter


def narrowed(qs: QuerySet, user, f: StatFilter, field: str = "organisation") -> QuerySet:
    """`qs` in the user's scope, then in the chosen union's subtree and sector.

    The subtree is resolved to organisation ids first (one small query, remembered on the user
    for the request): as `cases.selectors` explains, the planner misjudges a join or subquery on
    `path LIKE` over the big tables, and an id list is an index range.
    """
    qs = scoped_by_organisation(qs, user, field)
    if f.organisation is None and not f.sector:
        return qs
    return qs.filter(**{f"{field}_id__in": _chosen_ids(user, f)})


_CACHE_ATTR = "_figures_chosen_ids"


def _chosen_ids(user, f: StatFilter) -> list[int]:
    key = (f.organisation.pk if f.organisation else None, f.own, f.sector)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == key:
        return cached[1]
    organisations = Organisation.objects.order_by()
    if f.organisation is not None and f.own:
        organisations = organisations.filter(pk=f.organisation.pk)
    elif f.organisation is not None:
        organisations = organisations.filter(path__startswith=f.organisation.path)
    if f.sector:
        organisations = organisations.filter(sector="" if f.sector == NO_SECTOR else f.sector)
    ids = sorted(organisations.values_list("id", flat=True))
    setattr(user, _CACHE_ATTR, (key, ids))
    return ids


@dataclass(frozen=True)
class Unit:
    pk: int
    name: str
    path: str
    sector: str
    tree_order: int


class OrganisationMap:
    """The organisations in scope, to roll figures up by sector and by union (the anchor's
    children: the chosen union's, else the user's organisation's, else the top level)."""

    def __init__(self, user, f: StatFilter):
        rows = (
            organisations_visible_to(user)
            .order_by("tree_order")
            .values_list("id", "name", "path", "sector", "tree_order")
        )
        self.units = {row[0]: Unit(*row) for row in rows}
        anchor = f.organisation or getattr(user, "organisation", None)
        self.anchor: Unit | None = self.units.get(anchor.pk) if anchor is not None else None
        self._depth = len(_parts(self.anchor.path)) if self.anchor else 0

    def sector_of(self, pk: int) -> str:
        unit = self.units.get(pk)
        return unit.sector if unit else ""

    def union_of(self, pk: int) -> int | None:
        """The anchor's child whose subtree holds `pk`, the anchor itself, or None (outside)."""
        unit = self.units.get(pk)
        if unit is None:
            return None
        parts = _parts(unit.path)
        if self.anchor is not None and not unit.path.startswith(self.anchor.path):
            return None
        if len(parts) == self._depth:
            return unit.pk
        return parts[self._depth]

    def union_order(self, pk: int) -> int:
        """Sort key of the by-union rows: the tree order, so the anchor's own row (本级) comes
        first, then its unions by their code as the federation numbers them."""
        return self.units[pk].tree_order

    def union_label(self, pk: int) -> str:
        unit = self.units[pk]
        if self.anchor is not None and pk == self.anchor.pk:
            return _("%(name)s（本级）") % {"name": unit.name}
        return unit.name

    def in_subtree(self, pk: int, root_pk: int) -> bool:
        unit, root = self.units.get(pk), self.units.get(root_pk)
        return bool(unit and root and unit.path.startswith(root.path))


def _parts(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]

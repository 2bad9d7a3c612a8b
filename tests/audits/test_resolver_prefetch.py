"""A bulk write's history rows name many organisations; their paths are read in one query."""

import pytest

from audits.registry import OrganisationResolver


@pytest.mark.django_db
def test_prefetched_paths_need_no_query_per_organisation(
    federation, union_a, union_b, django_assert_num_queries
):
    rows = [
        {"organisation_id": union_a.pk},
        {"organisation_id": union_b.pk},
        {"organisation_id": federation.pk},
        {"organisation_id": union_a.pk},
        {"organisation_id": None},
    ]
    resolver = OrganisationResolver()
    with django_assert_num_queries(1):
        resolver.prefetch_paths(rows)
    with django_assert_num_queries(0):
        paths = [resolver.path_of(row["organisation_id"]) for row in rows]
    union_a.refresh_from_db()
    assert paths == [union_a.path, union_b.path, federation.path, union_a.path, ""]
    with django_assert_num_queries(0):
        resolver.prefetch_paths(rows)  # all known: nothing to read

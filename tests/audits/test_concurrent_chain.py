"""The chain stays whole when many writers and sealers run at once (PostgreSQL: real locks)."""

import threading

import pytest
from django.db import connection, connections

from audits.chain import seal_pending, verify
from audits.models import ChainHead, ChangeEntry
from cases.services import save_person
from tests.factories import PersonFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_leave_one_unbroken_chain(officer, union_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    people = [PersonFactory.build(organisation=union_a) for _ in range(24)]
    barrier = threading.Barrier(4)
    errors = []

    def work(chunk):
        try:
            barrier.wait()
            for person in chunk:
                save_person(person, by=officer, reason="并发登记")  # seals on commit
                seal_pending()
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(people[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seal_pending()
    seqs = list(ChangeEntry.objects.order_by("chain_seq").values_list("chain_seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert ChainHead.objects.get(name="change").seq == len(seqs)
    assert list(verify()) == []

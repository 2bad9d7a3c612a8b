"""The chain's key: its own setting, recorded by id on every row, rotatable, and a wrong key
reported as a key mismatch rather than as tampering."""

import pytest

from audits.chain import current_key_id, seal_pending, verify
from audits.models import AccessLog, ChangeEntry
from cases.services import save_person
from tests.audit_helpers import assert_audit_intact

from .test_verify_audit import trail  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def problems() -> list[str]:
    return [str(p) for p in verify()]


def test_every_entry_and_access_row_names_the_key_that_signed_it(trail):  # noqa: F811
    seal_pending()
    kid = current_key_id()
    assert len(kid) == 12
    assert set(ChangeEntry.objects.values_list("key_id", flat=True)) == {kid}
    assert set(AccessLog.objects.values_list("key_id", flat=True)) == {kid}


def test_rotating_the_secret_key_leaves_the_chain_intact(trail, settings):  # noqa: F811
    settings.SECRET_KEY = "a-new-secret-key"
    assert_audit_intact()


def test_after_a_rotation_old_rows_verify_with_the_old_key_and_new_rows_with_the_new(
    trail,  # noqa: F811
    settings,
    officer,
):
    seal_pending()
    old = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "the-new-audit-key"
    settings.AUDIT_CHAIN_OLD_KEYS = [old]
    person = trail[0]
    person.position = "校长"
    save_person(person, by=officer, reason="轮换之后")
    newest = ChangeEntry.objects.order_by("-id").first()
    assert newest.key_id == current_key_id() != ChangeEntry.objects.order_by("id")[0].key_id
    assert_audit_intact()


def test_a_missing_old_key_is_a_key_mismatch_not_tampering(trail, settings):  # noqa: F811
    seal_pending()
    settings.AUDIT_CHAIN_KEY = "the-new-audit-key"
    found = problems()
    assert found and all("key mismatch" in p for p in found), found
    assert not any("被改动" in p or "伪造" in p for p in found)

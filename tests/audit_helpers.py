"""The audit trail's full verification, for the end of every flow test.

A write path that leaves history unindexed (a raw INSERT, a new bulk helper, a data migration)
makes `verify_audit` fail in production; calling this at the end of a flow makes it fail the
suite first.
"""

from audits.chain import seal_pending, verify


def assert_audit_intact() -> None:
    """Seal what is pending and verify every history table, entry, chain and the access log."""
    seal_pending()
    problems = [str(problem) for problem in verify(seal=False)]
    assert not problems, "audit trail not intact:\n" + "\n".join(problems[:20])

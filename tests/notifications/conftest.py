from tests.payments.conftest import campaign, case, case_b, walk  # noqa: F401

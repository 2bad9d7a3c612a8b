"""Fixtures of other suites (payments, letters, recuperation, attachments) used here."""

from tests.cases.conftest import private_storage  # noqa: F401
from tests.letters.conftest import fake_pdf  # noqa: F401
from tests.payments.conftest import campaign, case, case_b, walk  # noqa: F401
from tests.recuperation.conftest import approver, nurse, programme, quotas, session  # noqa: F401

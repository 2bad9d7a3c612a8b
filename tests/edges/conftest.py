"""The payments fixtures (`campaign`, `walk`…) and the letters' PDF fake for the edge tests."""

from tests.letters.conftest import fake_pdf  # noqa: F401
from tests.payments.conftest import campaign, case, case_b, walk  # noqa: F401
from tests.recuperation.conftest import approver, nurse, programme, quotas, session  # noqa: F401

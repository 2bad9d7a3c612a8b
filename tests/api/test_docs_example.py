"""The Python example of docs/api.md, run as written against a live server: an integrator's
draft → submit → approve (another user) → letter, with the audit trail intact afterwards."""

import re
from pathlib import Path

import pytest

from api.services import create_token
from payments.models import Payment, PaymentStatus
from tests.audit_helpers import assert_audit_intact
from tests.payments.factories import CampaignFactory, case_in

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.mark.django_db(transaction=True)
def test_the_python_example_of_the_docs_runs(
    live_server, federation, union_a, officer, finance, administrator, tmp_path, monkeypatch
):
    from letters import rendering
    from letters.rendering import Rendered

    monkeypatch.setattr(
        rendering, "render_letters_pdf", lambda letters, **kw: Rendered(b"%PDF-1.7", len(letters))
    )
    CampaignFactory(organisation=federation, created_by=administrator)
    case = case_in(union_a, officer=officer)
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    code = code.replace('"1234"', repr(case.person.id_tail))
    code = code.replace('"https://relief.example.org/api/v1"', repr(live_server.url + "/api/v1"))
    monkeypatch.chdir(tmp_path)
    exec(  # noqa: S102 (our own documentation, run as a reader would)
        code,
        {
            "OFFICER_TOKEN": create_token(owner=officer, by=officer, name="doc").secret,
            "FINANCE_TOKEN": create_token(owner=finance, by=finance, name="doc").secret,
        },
    )
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.APPROVED and payment.approved_by == finance
    assert (tmp_path / f"letter-{payment.reference}.pdf").read_bytes().startswith(b"%PDF")
    assert_audit_intact()

import pytest

from letters import rendering
from letters.rendering import Rendered


@pytest.fixture
def fake_pdf(monkeypatch):
    """Skip WeasyPrint where a test is about records, scope or flow rather than the PDF."""
    calls = []

    def letters_pdf(letters, *, title="慰问信", progress=None):
        calls.append(("letters", len(letters)))
        if progress:
            progress(len(letters), len(letters))
        return Rendered(b"%PDF-1.7 fake", len(letters))

    def signoff_pdf(payments, **kwargs):
        calls.append(("signoff", len(payments)))
        return Rendered(b"%PDF-1.7 fake", 1)

    monkeypatch.setattr(rendering, "render_letters_pdf", letters_pdf)
    monkeypatch.setattr(rendering, "render_signoff_pdf", signoff_pdf)
    return calls

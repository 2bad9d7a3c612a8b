"""Cases and visits: open, record a visit, verify, close, reopen (the cases issue)."""

__all__: list[str] = []

"""Reading a record id or a year from a request: ASCII digits only, and small enough for the
database. `"²".isdigit()` and `"①".isdigit()` are True yet `int()` refuses them, and a 30-digit
number overflows PostgreSQL's integer columns: both used to end in HTTP 500."""

_MAX_INT = 2_147_483_647


def as_id(value) -> int | None:
    """The integer `value` spells in ASCII digits within a database integer, else None."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= _MAX_INT else None


def is_id(value) -> bool:
    return as_id(value) is not None

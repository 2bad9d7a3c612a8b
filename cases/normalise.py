"""Input normalisation in one place: every way a person's data comes in (form, import, API)
passes through these before it is validated or stored.

NFKC turns full-width digits and letters (`４１０１…`, `Ｘ`) into ASCII and the ideographic and
no-break spaces (U+3000, U+00A0) into plain spaces. Numbers then lose every space; text keeps
single spaces between words.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_text(value: str | None) -> str:
    """A name or other text: NFKC, runs of any whitespace collapsed to one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value or "")).strip()


def normalise_number(value: str | None) -> str:
    """An ID number, bank account or mobile: NFKC, no whitespace at all, upper case (X)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def looks_cut_by_excel_id(number: str) -> bool:
    """18 digits ending in 000: what Excel leaves of an ID number stored as a number (15
    significant digits, the rest zero-filled)."""
    return len(number) == 18 and number.isascii() and number.isdigit() and number.endswith("000")


def looks_cut_by_excel_account(account: str) -> bool:
    """16 to 19 digits whose digits after the 15th are all zero: a cut bank account."""
    return (
        16 <= len(account) <= 19
        and account.isascii()
        and account.isdigit()
        and set(account[15:]) == {"0"}
    )

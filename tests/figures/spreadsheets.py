"""Sections of the annual return as LibreOffice shows it (`tests.payments.spreadsheets`)."""


def section_rows(rows: list[list[str]], title_start: str) -> list[list[str]]:
    """The rows of the return's section whose title starts with `title_start` (header first)."""
    start = next(i for i, row in enumerate(rows) if row and row[0].startswith(title_start))
    section = []
    for row in rows[start + 1 :]:
        if not any(row):
            break
        section.append(row)
    return section


def yuan(text: str) -> str:
    return text.replace(",", "")

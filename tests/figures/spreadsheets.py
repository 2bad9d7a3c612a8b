"""Open a downloaded spreadsheet the way a user would: LibreOffice, converted to CSV."""

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def soffice_csv(content: bytes, suffix: str = ".xlsx") -> list[list[str]]:
    """The first sheet as LibreOffice reads it (`soffice --headless --convert-to csv`)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"download{suffix}"
        source.write_bytes(content)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with open(Path(folder) / "download.csv", encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))


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

"""Open a spreadsheet the way a clerk would: LibreOffice computes every formula and writes what
it shows as CSV (`soffice --headless --convert-to csv`)."""

import atexit
import csv
import functools
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8


@functools.cache
def _profile() -> str:
    """One LibreOffice profile per test process: a new profile makes soffice build it and start
    twice (seconds per call); each xdist worker has its own, so no two run on one profile."""
    folder = tempfile.mkdtemp(prefix="relief-lo-profile-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def libreoffice_rows(content: bytes) -> list[list[str]]:
    soffice = shutil.which("soffice")
    assert soffice, (
        "LibreOffice is missing: bash scripts/ensure-system-packages.sh libreoffice-calc-nogui"
    )
    with tempfile.TemporaryDirectory(prefix="relief-lo-") as folder:
        source = Path(folder) / "file.xlsx"
        source.write_bytes(content)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{_profile()}",
                "--headless",
                "--convert-to",
                CSV_FILTER,
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        with open(Path(folder) / "file.csv", encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))


def money(text: str) -> Decimal:
    """A cell as LibreOffice shows it ("1,200.00" or "1200") as exact yuan."""
    return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))

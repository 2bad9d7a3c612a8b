"""The text of a PDF the tests downloaded, as poppler's pdftotext reads it."""

import subprocess


def pdf_text(content: bytes, tmp_path, *options: str) -> str:
    """`options` for pdftotext, e.g. "-layout" to keep a table's columns on one line."""
    path = tmp_path / "return.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

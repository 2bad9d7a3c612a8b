"""The Chinese faces the PDFs print with, cut down once to what the forms print.

WeasyPrint subsets every font it embeds, each time it writes a PDF. The installed Chinese face
(Noto Serif CJK SC: a 26 MB collection of 65,535 glyphs a face) made that the largest single
cost of a PDF: ~100 ms of CPU for its regular and bold faces, a third of a condolence letter's
rendering, whatever the letter says. `prepare_fonts` writes, once per machine (`make setup`,
each deployment), the same two faces cut down to GB 2312 (its 6,763 hanzi and its symbols),
ASCII, Latin-1 and the punctuation blocks: about 7,600 characters, 4 MB a face, which WeasyPrint
subsets in ~10 ms.

They are the installed faces' own outlines, metrics, layout features and baseline table (BASE:
without it a line mixing the two fonts would sit 0.4 pt taller), under the family name below,
listed first in every PDF's font stack. A character outside them (a rare 生僻字 in a name) falls
back to the installed face, which draws it in the same design. Missing, half-written or made
from another version of the installed font (a package upgrade), they are not used, both faces
or neither: the PDFs print with the installed faces as before, slower, and the system check
core.W001 says to run `prepare_fonts`.
"""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

FAMILY = "Relief Serif"
# (file stem, fontconfig style, CSS font-weight)
FACES = (("regular", "Regular", "normal"), ("bold", "Bold", "bold"))
MANIFEST = "manifest.json"
FC_FORMAT = "%{family}\t%{style}\t%{file}\t%{index}"
# Bumped when what a prepared face holds changes, so that older preparations are not used.
VERSION = 1
# Beside GB 2312: ASCII, Latin-1, general punctuation, number forms (Ⅻ), enclosed numbers (①),
# CJK symbols and punctuation (〇、《》), full-width forms.
BLOCKS = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2000, 0x206F),
    (0x2150, 0x218F),
    (0x2460, 0x24FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


@dataclass(frozen=True)
class Source:
    """An installed face: its file, its index in a collection, and what identifies its version."""

    file: str
    index: int
    size: int
    mtime_ns: int


def codepoints() -> list[int]:
    """The characters the prepared faces hold: GB 2312 (rows 1-9 symbols, 16-87 hanzi)
    and the blocks above."""
    points = {c for first, last in BLOCKS for c in range(first, last + 1)}
    for row in (*range(0xA1, 0xAA), *range(0xB0, 0xF8)):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned cell of the table
    return sorted(points)


def installed_faces(family: str) -> dict[str, Source] | None:
    """The regular and bold faces fontconfig gives `family`; None unless it has both."""
    executable = shutil.which("fc-match")
    if executable is None:
        return None
    faces = {}
    for stem, style, _weight in FACES:
        try:
            found = subprocess.run(
                [executable, "-f", FC_FORMAT, f"{family}:style={style}"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.split("\t")
        except (OSError, subprocess.SubprocessError):
            return None
        # fc-match always answers: with another family (or weight) when this one lacks the face.
        if len(found) != 4 or family not in found[0].split(",") or style not in found[1].split(","):
            return None
        try:
            stat = os.stat(found[2])
        except OSError:  # fontconfig's cache names a file removed since
            return None
        faces[stem] = Source(found[2], int(found[3]), stat.st_size, stat.st_mtime_ns)
    return faces


def prepare_face(source: Source, target: Path, points: list[int] | None = None) -> None:
    """Write `source` cut down to `points` (the forms' characters) as an OpenType file."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source.file, fontNumber=source.index, lazy=True)
    options = subset.Options()
    options.layout_features += ["tnum"]  # the return's figures are set in tabular digits
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # CFF hints: WeasyPrint drops them from what it embeds anyway
    options.desubroutinize = True  # done once here rather than in every PDF
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints() if points is None else points)
    subsetter.subset(font)
    with _partial(target) as partial:
        font.save(partial)


def write_manifest(directory: Path, family: str, faces: dict[str, Source]) -> None:
    """Written last, after both faces: the preparation counts only once it is there."""
    manifest = {
        "version": VERSION,
        "family": family,
        "faces": {stem: asdict(source) for stem, source in faces.items()},
    }
    with _partial(directory / MANIFEST) as partial:
        partial.write_text(json.dumps(manifest, indent=1), encoding="utf-8")


@contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A file of its own to write, put in `target`'s place once written (two preparations at
    once each write theirs; the last one written stays), removed if the writing fails."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def face_path(directory: Path, stem: str) -> Path:
    return directory / f"relief-serif-{stem}.otf"


def is_current(directory: Path, family: str, faces: dict[str, Source] | None) -> bool:
    """Both faces prepared from exactly the installed `faces` of `family`, by this version."""
    if not faces:
        return False
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        manifest.get("version") == VERSION
        and manifest.get("family") == family
        and manifest.get("faces") == {stem: asdict(source) for stem, source in faces.items()}
        and all(face_path(directory, stem).is_file() for stem, _style, _weight in FACES)
    )


def manifest_text(directory: Path) -> str:
    """The manifest as written, or "" when there is none."""
    try:
        return (directory / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return ""


def face_rules(directory: Path, family: str) -> str:
    """The `@font-face` rules of the prepared faces, or "" when they cannot be used."""
    if not is_current(directory, family, installed_faces(family)):
        return ""
    return "".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
        f'src: url("{face_path(directory, stem).resolve().as_uri()}"); }}\n'
        for stem, _style, weight in FACES
    )

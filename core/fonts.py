"""Which installed fonts can print Chinese, asked of fontconfig (the font source WeasyPrint uses).

Tests replace `run_fc_list` to simulate a machine without Chinese fonts.
"""

import logging
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from . import font_subsets

logger = logging.getLogger(__name__)

# The letter's font stack, in order. Noto Serif CJK SC (Debian: fonts-noto-cjk) covers GB 18030
# including many CJK Extension B characters such as 𠈌 (U+2020C); the others are fallbacks for
# machines set up differently. Each face must be one Pango finds through fontconfig.
FONT_STACK = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "AR PL UMing CN",
    "WenQuanYi Zen Hei",
)
# A rare character the fonts must have (a 生僻字 found in real names).
RARE_SAMPLE = "\U0002020c"


def run_fc_list(pattern: str) -> list[str]:
    """Family names fontconfig reports for `pattern`; [] when fontconfig is missing."""
    executable = shutil.which("fc-list")
    if executable is None:
        return []
    try:
        completed = subprocess.run(
            [executable, pattern, "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    families: list[str] = []
    for line in completed.stdout.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and name not in families:
                families.append(name)
    return families


def families_covering_chinese() -> list[str]:
    return run_fc_list(":lang=zh")


def families_covering(char: str) -> list[str]:
    return run_fc_list(f":charset={ord(char):x}")


def _is_rare(char: str) -> bool:
    """Outside the CJK blocks every Chinese font has: Extension A, B and later, compatibility."""
    code = ord(char)
    return 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code > 0xFFFF


@lru_cache(maxsize=4096)
def _covered(char: str) -> bool:
    return bool(families_covering(char))


def uncovered_characters(text: str) -> list[str]:
    """Rare characters of `text` that no installed font can draw (they would print as boxes).

    Only rare characters are asked about, each once per process, so checking a 1,000-name
    campaign costs a handful of fontconfig calls at most.
    """
    missing: list[str] = []
    for char in text:
        if _is_rare(char) and char not in missing and not _covered(char):
            missing.append(char)
    return missing


def installed_stack() -> list[str]:
    """The stack's installed Chinese families; the first that covers the rare sample first,
    so a name like 𠈌 is drawn by the same font as the rest of the letter instead of a
    mismatched fallback."""
    chinese = set(families_covering_chinese())
    rare = set(families_covering(RARE_SAMPLE))
    installed = [name for name in FONT_STACK if name in chinese]
    installed.sort(key=lambda name: name not in rare)  # stable: keeps the stack order otherwise
    return installed


@lru_cache(maxsize=1)
def font_family_css() -> str:
    """The CSS `font-family` list: the stack's installed faces first, each quoted, then serif."""
    return ", ".join([f'"{name}"' for name in installed_stack() or FONT_STACK] + ["serif"])


def subset_directory() -> Path:
    """Where `prepare_fonts` writes the cut-down faces (core.font_subsets)."""
    return Path(settings.VAR_DIR) / "fonts"


@lru_cache(maxsize=1)
def subset_face_rules() -> str:
    """The prepared faces' `@font-face` rules, or "" (not prepared, or for another font)."""
    stack = installed_stack()
    rules = font_subsets.face_rules(subset_directory(), stack[0]) if stack else ""
    if not rules and font_subsets.manifest_text(subset_directory()):
        logger.warning(
            "The prepared PDF fonts in %s are out of date (the font package changed?): PDFs print "
            "with the installed faces, slower, until `manage.py prepare_fonts` runs.",
            subset_directory(),
        )
    return rules


def subset_signature() -> str:
    """What identifies the prepared faces this process prints with ("" for none)."""
    return font_subsets.manifest_text(subset_directory()) if subset_face_rules() else ""


def stylesheet_text(css: str) -> str:
    """A PDF stylesheet with its fonts: `__FONTS__` becomes the font stack, led by the
    prepared faces when they can be used (their rules put before the stylesheet)."""
    rules = subset_face_rules()
    families = font_family_css()
    if rules:
        families = f'"{font_subsets.FAMILY}", {families}'
    return rules + css.replace("__FONTS__", families)

"""The prepared Chinese faces (core.font_subsets): printed exactly as the installed faces,
used only when current, prepared by `manage.py prepare_fonts`."""

import json

import pytest
from django.core.management import call_command

from core import checks, font_subsets, fonts

# A form's words, tabular figures, bold, 〇 in a date, and 𠈌: outside GB 2312, so drawn by the
# installed face inside a line of prepared glyphs.
SAMPLE = "二〇二六年 期末在档合计 1,234,567.89 王𠈌"
HTML = (
    "<p>二〇二六年 期末在档合计</p><p class=n>1,234,567.89</p><p><b>合计 1,234,567.89</b></p>"
    "<table><tr><td>王𠈌</td><td class=n>12,000.00</td></tr></table>"
)
CSS = (
    "html { font-family: __FONTS__; font-size: 9.5pt; line-height: 1.3; }"
    " .n { font-variant-numeric: tabular-nums; } td { border: .6pt solid #000; }"
)


@pytest.fixture(scope="module")
def family():
    return fonts.installed_stack()[0]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, family):
    """Both faces prepared for the sample's characters only: seconds, not 45 s for GB 2312."""
    directory = tmp_path_factory.mktemp("fonts")
    faces = font_subsets.installed_faces(family)
    points = sorted({ord(c) for c in SAMPLE if c != "𠈌"} | {0x20})
    for stem, source in faces.items():
        font_subsets.prepare_face(source, font_subsets.face_path(directory, stem), points)
    font_subsets.write_manifest(directory, family, faces)
    return directory


def _render(css_text: str):
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML as WeasyHTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = WeasyHTML(string=HTML).render(
        stylesheets=[WeasyCSS(string=css_text, font_config=font_config)], font_config=font_config
    )
    return document


def _geometry(box, found=None):
    found = [] if found is None else found
    found.append(
        (
            type(box).__name__,
            *(
                round(getattr(box, a) or 0, 3)
                for a in ("position_x", "position_y", "width", "height")
            ),
        )
    )
    for child in getattr(box, "children", ()):
        _geometry(child, found)
    return found


def test_the_prepared_faces_lay_out_and_print_exactly_as_the_installed_ones(
    prepared, family, monkeypatch, tmp_path
):
    rules = font_subsets.face_rules(prepared, family)
    assert rules.count("@font-face") == 2 and "relief-serif-bold.otf" in rules
    installed = _render(CSS.replace("__FONTS__", fonts.font_family_css()))
    with_subsets = _render(
        rules + CSS.replace("__FONTS__", f'"{font_subsets.FAMILY}", {fonts.font_family_css()}')
    )
    # Every box at the same place with the same size: same advances, tabular figures, bold,
    # and the line mixing a prepared and an installed glyph no taller (the BASE table kept).
    assert _geometry(with_subsets.pages[0]._page_box) == _geometry(installed.pages[0]._page_box)

    pdf = tmp_path / "sample.pdf"
    pdf.write_bytes(with_subsets.write_pdf())
    embedded = _fonts_in(pdf)
    assert "Relief-Serif" in embedded and "Relief-Serif-Bold" in embedded
    assert any(name.startswith("Noto") for name in embedded)  # 𠈌 only, from the installed face


def _fonts_in(pdf) -> set[str]:
    import re
    import subprocess

    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listing.stdout.splitlines()[2:]}


def test_a_preparation_is_used_only_whole_and_made_from_the_installed_faces(
    prepared, family, tmp_path
):
    assert font_subsets.face_rules(tmp_path, family) == ""  # nothing prepared there
    manifest = json.loads((prepared / font_subsets.MANIFEST).read_text())

    stale = tmp_path / "stale"
    stale.mkdir()
    for stem in ("regular", "bold"):
        path = font_subsets.face_path(prepared, stem)
        font_subsets.face_path(stale, stem).write_bytes(path.read_bytes())
    manifest["faces"]["bold"]["size"] += 1  # the font package was upgraded since
    (stale / font_subsets.MANIFEST).write_text(json.dumps(manifest))
    assert font_subsets.face_rules(stale, family) == ""

    manifest["faces"]["bold"]["size"] -= 1
    (stale / font_subsets.MANIFEST).write_text(json.dumps(manifest))
    assert font_subsets.face_rules(stale, family) != ""
    font_subsets.face_path(stale, "bold").unlink()  # half a preparation: neither face is used
    assert font_subsets.face_rules(stale, family) == ""
    assert font_subsets.face_rules(prepared, "Noto Sans CJK SC") == ""  # made for another family


def test_the_characters_prepared_are_gb2312_and_the_forms_punctuation():
    points = set(font_subsets.codepoints())
    hanzi = [p for p in points if 0x4E00 <= p <= 0x9FFF]
    assert len(hanzi) == 6763  # GB 2312's hanzi, both levels
    assert {ord(c) for c in "〇、。《》（）：；，·—…①Ⅻ￥0aZ"} <= points
    assert 0x2020C not in points


def test_prepare_fonts_writes_both_faces_once_and_the_check_then_passes(
    settings, tmp_path, monkeypatch, family
):
    settings.VAR_DIR = tmp_path
    [warning] = checks.check_prepared_fonts()
    assert warning.id == "core.W001" and family in warning.msg and "prepare_fonts" in warning.hint

    monkeypatch.setattr(font_subsets, "codepoints", lambda: [ord(c) for c in "合计 0123456789"])
    call_command("prepare_fonts", stdout=(out := _Output()))
    assert "prepared" in out.text and (tmp_path / "fonts" / font_subsets.MANIFEST).is_file()
    assert checks.check_prepared_fonts() == []
    call_command("prepare_fonts", stdout=(again := _Output()))
    assert "current" in again.text


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_every_pdf_stylesheet_leads_with_the_prepared_faces_when_current(monkeypatch):
    monkeypatch.setattr(fonts, "subset_face_rules", lambda: "@font-face {}\n")
    text = fonts.stylesheet_text("html { font-family: __FONTS__; }")
    assert text.startswith("@font-face {}\n")
    assert f'font-family: "{font_subsets.FAMILY}", {fonts.font_family_css()};' in text
    monkeypatch.setattr(fonts, "subset_face_rules", lambda: "")
    assert fonts.stylesheet_text("a { font-family: __FONTS__; }") == (
        f"a {{ font-family: {fonts.font_family_css()}; }}"
    )


def test_a_preparation_gone_stale_is_logged_once_and_not_used(settings, tmp_path, caplog):
    directory = tmp_path / "fonts"
    directory.mkdir()
    (directory / font_subsets.MANIFEST).write_text('{"version": 0}')
    settings.VAR_DIR = tmp_path
    fonts.subset_face_rules.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="core.fonts"):
            assert fonts.subset_face_rules() == "" and fonts.subset_signature() == ""
        assert "out of date" in caplog.text and "prepare_fonts" in caplog.text
    finally:
        fonts.subset_face_rules.cache_clear()

from core import fonts
from letters.checks import check_chinese_font


def fake_fc_list(chinese, rare):
    def run(pattern):
        if pattern == ":lang=zh":
            return chinese
        if pattern == ":charset=2020c":
            return rare
        raise AssertionError(pattern)

    return run


def test_the_check_fails_clearly_when_no_font_covers_chinese(monkeypatch):
    monkeypatch.setattr(fonts, "run_fc_list", fake_fc_list([], []))
    [error] = check_chinese_font()
    assert error.id == "letters.E001" and error.is_serious()
    assert "中文" in error.msg and "fonts-noto-cjk" in error.hint


def test_the_check_warns_when_rare_characters_would_print_as_boxes(monkeypatch):
    monkeypatch.setattr(fonts, "run_fc_list", fake_fc_list(["AR PL UMing CN"], []))
    [warning] = check_chinese_font()
    assert warning.id == "letters.W001" and not warning.is_serious()


def test_the_check_passes_with_a_cjk_font(monkeypatch):
    monkeypatch.setattr(
        fonts, "run_fc_list", fake_fc_list(["Noto Serif CJK SC"], ["Noto Serif CJK SC"])
    )
    assert check_chinese_font() == []


def test_this_machine_has_a_font_for_chinese_and_for_rare_characters():
    """The set-up installs fonts-noto-cjk; letters are printed with it."""
    assert check_chinese_font() == []
    assert "Noto Serif CJK SC" in fonts.families_covering(fonts.RARE_SAMPLE)


def test_the_font_stack_puts_a_face_with_rare_characters_first(monkeypatch):
    monkeypatch.setattr(
        fonts,
        "run_fc_list",
        fake_fc_list(["AR PL UMing CN", "Noto Sans CJK SC"], ["Noto Sans CJK SC"]),
    )
    fonts.font_family_css.cache_clear()
    try:
        assert fonts.font_family_css() == '"Noto Sans CJK SC", "AR PL UMing CN", serif'
    finally:
        fonts.font_family_css.cache_clear()

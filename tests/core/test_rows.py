"""List rows written in Python escape as a template does and link by a once-reversed route."""

from django.urls import reverse, set_script_prefix
from django.utils.safestring import mark_safe

from core.rows import cell, pk_url, table_rows


def test_cell_escapes_plain_text_and_keeps_safe_html():
    assert cell('<b>"O\'Neil" & co</b>') == "&lt;b&gt;&quot;O&#x27;Neil&quot; &amp; co&lt;/b&gt;"
    assert cell(mark_safe("<i>ok</i>")) == "<i>ok</i>"
    assert cell(42) == "42"


def test_pk_url_gives_what_reverse_gives_for_each_pk():
    url = pk_url("cases:person_detail")
    for pk in (1, 7, 123456789):
        assert url(pk) == reverse("cases:person_detail", args=[pk])


def test_pk_url_follows_the_script_prefix():
    set_script_prefix("/relief/")
    try:
        assert pk_url("cases:case_detail")(5) == "/relief/cases/5/"
    finally:
        set_script_prefix("/")


def test_table_rows_label_each_cell_and_escape_the_labels():
    html = table_rows([("名 & 姓", ""), ("号", "mono")], [["a", "b"], ["c", "d"]])
    assert html == (
        '<tr><td data-label="名 &amp; 姓">a</td><td data-label="号" class="mono">b</td></tr>'
        '<tr><td data-label="名 &amp; 姓">c</td><td data-label="号" class="mono">d</td></tr>'
    )

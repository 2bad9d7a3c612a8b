import pytest

from letters.placeholders import find_problems, substitute, to_html_paragraphs


def offenders(text):
    return [p.offender for p in find_problems(text)]


def test_known_placeholders_with_or_without_spaces_are_accepted():
    text = (
        "尊敬的{{收信人}}：{{ 姓名 }}{{称呼}}，{{单位}}{{活动名称}}"
        "{{金额}}{{金额大写}}{{日期}}{{发文单位}}"
    )
    assert find_problems(text) == []


@pytest.mark.parametrize(
    ("text", "offender", "words"),
    [
        ("尊敬的{{收件人}}：", "{{收件人}}", "未知的占位符"),
        ("{{ settings.SECRET_KEY }}", "{{ settings.SECRET_KEY }}", "属性"),
        ("{{ person.id_number }}", "{{ person.id_number }}", "属性"),
        ("{{姓名|upper}}", "{{姓名|upper}}", "过滤器"),
        ("{{ 姓名 | safe }}", "{{ 姓名 | safe }}", "过滤器"),
        ("{% load static %}致辞", "{% load static %}", "模板标签"),
        ("{% if 1 %}x{% endif %}", "{% endif %}", "模板标签"),
        ("正文{% now 'Y' ", "{% now 'Y' ", "模板标签"),
        ("{# 注释 #}", "{# 注释 #}", "注释"),
        ("尊敬的{{姓名：", "{{姓名：", "花括号"),
        ("{{ items[0] }}", "{{ items[0] }}", "属性"),
    ],
)
def test_unsafe_text_is_refused_naming_the_offender(text, offender, words):
    problems = find_problems(text)
    assert offender in [p.offender for p in problems]
    message = next(p.message for p in problems if p.offender == offender)
    assert words in message and offender in message


def test_each_offender_is_reported_once():
    assert offenders("{{甲}}{{甲}}{{乙}}") == ["{{甲}}", "{{乙}}"]


def test_substitution_replaces_names_and_never_interprets_values():
    values = {"姓名": "{{日期}}", "日期": "二〇二〇年六月五日"}
    assert substitute("{{姓名}}/{{ 日期 }}", values) == "{{日期}}/二〇二〇年六月五日"


def test_substitution_refuses_unsafe_text_even_if_it_was_stored():
    with pytest.raises(ValueError, match="属性"):
        substitute("{{ a.b }}", {})


def test_html_paragraphs_escape_both_the_text_and_the_values():
    html = to_html_paragraphs("<b>尊敬的</b>{{姓名}}\n\n第二段", {"姓名": "<script>x</script>"})
    assert html == ("<p>&lt;b&gt;尊敬的&lt;/b&gt;&lt;script&gt;x&lt;/script&gt;</p><p>第二段</p>")

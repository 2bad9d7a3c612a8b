"""Letter templates are plain text with named placeholders, never Django template code.

An administrator writes `尊敬的{{姓名}}{{称呼}}：`; we find each `{{…}}` ourselves, check its name
against `PLACEHOLDERS`, and substitute escaped values. The text never reaches a template engine,
so a template cannot run code, read attributes or leak data, whatever an administrator types.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

# name → what it stands for (shown to administrators next to the editor).
PLACEHOLDERS: dict[str, str] = {
    "收信人": _("收信人全称，如“张三女士”（姓名加称呼）"),
    "姓名": _("收信人姓名"),
    "称呼": _("按性别称“先生”或“女士”"),
    "单位": _("收信人所在单位"),
    "活动名称": _("慰问活动名称"),
    "金额": _("慰问金额（小写），如 1,200.00"),
    "金额大写": _("慰问金额（大写），如 人民币壹仟贰佰元整"),
    "日期": _("落款日期（中文），如 二〇二〇年六月五日"),
    "发文单位": _("发文单位（活动主办工会）"),
}

# `{{ name }}` with optional spaces inside; anything else between braces is reported.
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG_MARKERS = ("{%", "%}", "{#", "#}")


@dataclass(frozen=True)
class Problem:
    offender: str
    message: str

    def __str__(self) -> str:
        return self.message


def find_problems(text: str) -> list[Problem]:
    """Every reason to refuse `text`, each naming the offending piece. Empty when it is safe."""
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(offender: str, message) -> None:
        if offender not in seen:
            seen.add(offender)
            problems.append(Problem(offender, str(message)))

    tag_message = _("不允许使用模板标签或注释：“%(x)s”。只能使用 {{占位符}}。")
    for match in _TAG.finditer(text):
        add(match.group(0), tag_message % {"x": match.group(0)})
    without_tags = _TAG.sub("", text)
    for marker in _TAG_MARKERS:
        start = without_tags.find(marker)
        if start >= 0:
            snippet = _snippet(without_tags, start)
            add(snippet, tag_message % {"x": snippet})
    text = without_tags

    for match in _PLACEHOLDER.finditer(text):
        raw = match.group(0)
        name = match.group(1).strip()
        if "|" in name:
            add(raw, _("不允许使用过滤器：“%(x)s”。只能使用 {{占位符}}，不能加“|”。") % {"x": raw})
        elif "." in name or "[" in name:
            add(raw, _("不允许访问属性：“%(x)s”。只能使用列出的占位符名称。") % {"x": raw})
        elif name not in PLACEHOLDERS:
            add(
                raw,
                _("未知的占位符：“%(x)s”。可用的占位符：%(names)s。")
                % {"x": raw, "names": "、".join(PLACEHOLDERS)},
            )

    # Braces left over once every well-formed placeholder is removed are unbalanced.
    leftover = _PLACEHOLDER.sub("", text)
    for marker in ("{{", "}}"):
        start = leftover.find(marker)
        if start >= 0:
            snippet = _snippet(leftover, start)
            add(snippet, _("花括号不成对：“%(x)s”。占位符应写作 {{姓名}}。") % {"x": snippet})
    return problems


def _snippet(text: str, start: int, width: int = 20) -> str:
    return text[start : start + width].split("\n", 1)[0]


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace each placeholder with its value. Plain text in, plain text out (not escaped).

    Refuses unsafe text the same way the form does, so a template edited directly in the
    database is still never interpreted.
    """
    problems = find_problems(text)
    if problems:
        raise ValueError("；".join(p.message for p in problems))
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1).strip(), "")), text)


def to_html_paragraphs(text: str, values: dict[str, str], *, css_class: str = "") -> str:
    """Substituted text as escaped HTML: each non-empty line a paragraph.

    Escaping happens after substitution on the whole line, so neither the administrator's text
    nor a recipient's name can inject markup.
    """
    lines = [line.strip() for line in substitute(text, values).splitlines()]
    attr = f' class="{escape(css_class)}"' if css_class else ""
    return "".join(f"<p{attr}>{escape(line)}</p>" for line in lines if line)

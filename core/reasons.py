"""Reasons the system writes into the history, stored in Chinese and shown in the reader's
language.

A reason is part of the record: it is stored once, in the interface's source language, whoever
wrote it. Fixed reasons ("提交审批") are their own msgid; reasons with a value in them are
built from a format declared with `reason_format`, so that `translate_reason` can find the
format again, translate it and put the same values back. Free text typed by a person is shown as
typed. Each app declares its formats in a `reasons` module, found the first time one is shown.
"""

import re
from functools import lru_cache

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

_FORMATS: list[str] = []
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def reason_format(msgid: str) -> str:
    """Declare a reason format (wrap the literal in gettext_noop so it is extracted)."""
    if msgid not in _FORMATS:
        _FORMATS.append(msgid)
        _patterns.cache_clear()
    return msgid


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    autodiscover_modules("reasons")
    patterns = []
    for msgid in _FORMATS:
        parts = _PLACEHOLDER.split(msgid)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        patterns.append((re.compile(f"^{regex}$", re.DOTALL), msgid))
    # The longest fixed text first, so "收款账户变更后重新审批：…" wins over a bare "…：…".
    patterns.sort(key=lambda p: -len(_PLACEHOLDER.sub("", p[1])))
    return patterns


def translate_reason(text: str | None) -> str:
    """The stored reason in the active language (unchanged in Chinese or when unknown)."""
    if not text:
        return ""
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, msgid in _patterns():
        match = pattern.match(text)
        if match:
            values = {k: translate_reason(v) for k, v in match.groupdict().items()}
            if _is_bare(msgid) and values == match.groupdict():
                continue  # free text that merely has the same shape ("甲：乙") stays as typed
            return gettext(msgid) % values
    return text


def _is_bare(msgid: str) -> bool:
    """A format whose fixed text is only punctuation, such as "%(label)s：%(note)s"."""
    return not re.search(r"\w", _PLACEHOLDER.sub("", msgid))

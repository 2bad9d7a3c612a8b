"""System checks: refuse to run when letters would print boxes instead of Chinese characters.

Registered in `LettersConfig.ready()`.
"""

from django.core.checks import Error, Warning

from core import fonts


def check_chinese_font(app_configs=None, **kwargs):
    chinese = fonts.families_covering_chinese()
    if not chinese:
        return [
            Error(
                "没有安装能显示中文的字体，慰问信和签收表的 PDF 会把汉字印成方框。",
                hint=(
                    "安装一套中文字体并确认 `fc-list :lang=zh` 能列出它，例如 Debian/Ubuntu："
                    "apt-get install fonts-noto-cjk。"
                ),
                id="letters.E001",
            )
        ]
    if not fonts.families_covering(fonts.RARE_SAMPLE):
        return [
            Warning(
                "已安装的中文字体都不含生僻字 𠈌（U+2020C），这类姓名会印成方框。",
                hint="安装覆盖 CJK 扩展 B 区的字体，例如 fonts-noto-cjk 或 fonts-hanazono。",
                id="letters.W001",
            )
        ]
    return []

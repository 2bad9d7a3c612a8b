"""System check: say when the PDFs print without the prepared faces (core.font_subsets).

Registered in `CoreConfig.ready()`. A warning, not an error: the PDFs are right without them,
only slower.
"""

from django.core.checks import Warning

from . import font_subsets, fonts


def check_prepared_fonts(app_configs=None, **kwargs):
    stack = fonts.installed_stack()
    if not stack:
        return []  # no Chinese font at all: letters.E001 says so
    faces = font_subsets.installed_faces(stack[0])
    if font_subsets.is_current(fonts.subset_directory(), stack[0], faces):
        return []
    return [
        Warning(
            f"PDF 所用的精简中文字体（{stack[0]}）尚未准备或已过期，每份 PDF 要多花约 0.1 秒。",
            hint="运行 `manage.py prepare_fonts`（约 45 秒；make setup 和升级步骤都会运行）。",
            id="core.W001",
        )
    ]

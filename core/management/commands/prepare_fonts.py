"""`manage.py prepare_fonts`: the cut-down Chinese faces every PDF prints with (core.font_subsets).

Run by `make setup` and on each deployment, and again after the Chinese font package is
upgraded (the system check core.W001 says when). Does nothing when they are current.
"""

import time
from concurrent.futures import ProcessPoolExecutor

from django.core.management.base import BaseCommand, CommandError

from core import font_subsets, fonts


class Command(BaseCommand):
    help = "为 PDF 准备精简的中文字体（GB 2312 字符集），打印更快；已是最新则不做。"
    requires_system_checks: list[str] = []  # it is what clears core.W001

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Prepare them even if current.")

    def handle(self, *args, force: bool = False, **options):
        stack = fonts.installed_stack()
        if not stack:
            raise CommandError("没有安装能显示中文的字体（例如 Debian 的 fonts-noto-cjk）。")
        family = stack[0]
        faces = font_subsets.installed_faces(family)
        if faces is None:
            raise CommandError(f"fontconfig 找不到 {family} 的常规体和粗体。")
        directory = fonts.subset_directory()
        if not force and font_subsets.is_current(directory, family, faces):
            self.stdout.write(f"prepared faces of {family} in {directory} are current")
            return
        started = time.monotonic()
        directory.mkdir(parents=True, exist_ok=True)
        (directory / font_subsets.MANIFEST).unlink(missing_ok=True)
        stems = list(faces)
        targets = [font_subsets.face_path(directory, stem) for stem in stems]
        with ProcessPoolExecutor(max_workers=len(stems)) as pool:  # ~40 s a face, one per core
            list(pool.map(font_subsets.prepare_face, [faces[s] for s in stems], targets))
        font_subsets.write_manifest(directory, family, faces)
        sizes = ", ".join(f"{t.name} {t.stat().st_size / 1e6:.1f} MB" for t in targets)
        self.stdout.write(
            f"prepared {family} in {directory}: {sizes} ({time.monotonic() - started:.0f} s)"
        )

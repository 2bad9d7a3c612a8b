"""Shared set-up for the browser tests of issue 15: Debian's Chromium, sign-in, screenshots.

Screenshots go to $RELIEF_SCREENSHOTS (or the test's tmp_path) so that a person can look at them.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pw-Relief-2026"

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Chromium is not installed",
    ),
]


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def signed_in_page(browser, base: str, username: str, width: int, *, language: str = "zh-hans"):
    context = browser.new_context(
        viewport={"width": width, "height": 800 if width > 800 else 740},
        has_touch=width < 800,
    )
    if language != "zh-hans":
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def shot(page, tmp_path, name: str) -> Path:
    folder = Path(os.environ.get("RELIEF_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

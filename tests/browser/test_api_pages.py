"""In headless Chromium: the token page on a phone and at a desk, and Swagger UI served from
this server under the strict CSP (no CDN, no inline script)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Chromium is not installed",
    ),
]


def _login(browser, base, username, width):
    page = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Relief-2026")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # each role lands on its work
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1366])
def test_token_page_and_swagger_ui(live_server, officer, width):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("RELIEF_SCREENSHOTS") or tempfile.gettempdir())
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = _login(browser, live_server.url, officer.username, width)
        page.goto(f"{live_server.url}/api/tokens/")
        page.fill("input[name=name]", "走访小程序")
        page.click("form.card button[type=submit]")
        secret = page.locator("textarea.token-secret").input_value()
        assert secret.startswith("rlf_")
        page.screenshot(path=str(shots / f"api-tokens-{width}.png"), full_page=True)

        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/api/v1/docs/")
        page.wait_for_selector(".opblock-tag", timeout=20000)
        assert page.locator(".opblock").count() > 10
        page.screenshot(path=str(shots / f"api-swagger-{width}.png"))
        assert not [e for e in errors if "Content Security Policy" in e], errors
        browser.close()

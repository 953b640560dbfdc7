"""Browser smoke test: the widget lessons work in a real JupyterLab.

Starts JupyterLab on 127.0.0.1 (with a token, on a temporary copy of the lessons),
opens widget lessons in Debian's Chromium through Playwright, runs all cells, moves a
slider with the keyboard, waits for the callback's visible effect (a summary that the
callback rewrites) and asserts that no widget failed to display. Screenshots land in the
test's temporary folder.

Skipped, with the reason, on a developer machine without chromium or playwright; in CI
(``CI`` set) a missing browser is an error, never a skip.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
WIDGET_LESSONS = ["01_learning_from_statistics.ipynb", "02_fourier_parities.ipynb"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _require_browser():
    reason = None
    if CHROMIUM is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    _require_browser()
    root = tmp_path_factory.mktemp("lab")
    for name in WIDGET_LESSONS:
        shutil.copy(LESSONS / name, root / name)
    home = tmp_path_factory.mktemp("jupyter-home")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), PYTHONUNBUFFERED="1")
    # Render every cell (no windowing: off-screen widgets must exist in the page) and
    # never fetch news: the test runs offline.
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false"}',
    }
    for name, text in settings.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (root / "jupyterlab.log").read_text())
            time.sleep(0.5)
    yield base, token, root
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _summaries(page) -> list[str]:
    return page.locator(".widget-html").all_inner_texts()


@pytest.mark.parametrize("lesson", WIDGET_LESSONS)
def test_lesson_widgets_run_and_respond(jupyterlab, browser, lesson, tmp_path):
    base, token, _root = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{base}/lab/tree/{lesson}?token={token}", timeout=120_000)
        page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
        select = page.locator(".jp-Dialog button", has_text="Select")
        try:  # JupyterLab may ask which kernel to start: the stored python3 one
            select.wait_for(timeout=15_000)
            select.click()
        except Exception:
            pass
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

        handle = page.locator(".widget-slider .noUi-handle").first
        handle.wait_for(state="attached",
                        timeout=int(os.environ.get("CSQLAB_BROWSER_WAIT_MS", "150000")))
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.widget-html'))"
            ".some(e => e.innerText.trim().length > 0)", timeout=60_000)
        page.wait_for_function(  # every cell has run: no cell is still queued or busy
            "() => document.querySelectorAll('.jp-InputArea-prompt').length > 0 && "
            "Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
            ".every(e => !e.innerText.includes('*'))", timeout=150_000)
        before = _summaries(page)
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "(before) => { const now = Array.from(document.querySelectorAll('.widget-html'))"
            ".map(e => e.innerText); return JSON.stringify(now) !== JSON.stringify(before); }",
            arg=before, timeout=60_000)
        page.screenshot(path=str(tmp_path / f"{Path(lesson).stem}.png"), full_page=False)
        assert page.locator("text=Error displaying widget").count() == 0
        assert _summaries(page) != before
    except Exception:
        page.screenshot(path=str(tmp_path / f"{Path(lesson).stem}-failure.png"))
        raise
    finally:
        page.close()

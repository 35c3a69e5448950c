"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Never `playwright install`: the browser is /usr/bin/chromium (scripts/system-deps.sh installs it).
Screenshots go to test-artifacts/ (git-ignored).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from ecozone.demo.services import load_demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("ECOZONE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-deps.sh as root")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.base = live_server.url
    page.errors = errors
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    # Serialized rollback restores the reference data the migrations load, which a
    # transactional test would otherwise flush away for the tests after it.
    load_demo()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str = "ecozone-demo") -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/todo/")


def score_work(page, zone: str, scores: tuple[str, str, str]) -> None:
    """The signed-in expert opens the zone's Part B from the to-do list and submits the three
    work scores (推进力度, 试点创新, 建设成效)."""
    page.goto(page.base + "/accounts/todo/")
    page.click(f"text=为{zone}工作成效评分")
    for name, score in zip(("推进力度", "试点创新", "建设成效"), scores, strict=True):
        page.fill(f"#score-{name}", score)
    page.click("[data-testid=submit-scores]")
    assert page.get_by_test_id("submitted").count() == 1

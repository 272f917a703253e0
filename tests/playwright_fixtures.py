"""Browser fixtures (a pytest plugin loaded by tests/conftest.py): Playwright driving
Debian's Chromium, never a downloaded browser. Tests that use them are marked `browser`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian chromium is not installed: run `make install` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Every page reports what the Content-Security-Policy refused (an inline script, an
# eval, a <style>, a foreign host): in the page as `securitypolicyviolation` events, and
# on the console as "Refused to …".
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch_csp(context: Any) -> list[str]:
    """Collect the CSP violations of every page of `context` (console and events)."""
    seen: list[str] = []

    def console(msg: Any) -> None:
        text = msg.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            seen.append(f"{msg.page.url if msg.page else ''}: {text}")

    context.add_init_script(CSP_LISTENER)
    context.on("console", console)
    return seen


def csp_violations(page: Any) -> list[str]:
    """The violations the page's own listener caught so far (then forgets them)."""
    found = page.evaluate("window.__cspViolations || []")
    page.evaluate("window.__cspViolations = []")
    return [f"{page.url}: {v}" for v in found]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    violations = watch_csp(context)
    p = context.new_page()
    p.set_default_timeout(15000)
    yield p
    if not p.is_closed():
        violations += csp_violations(p)
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def shot(page: Any) -> Any:
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

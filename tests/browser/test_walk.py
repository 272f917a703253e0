"""Every page as every demo role, in Chromium: no English words in what a user reads
(outside `walk.ALLOWED`), no Django "---------", no ISO timestamps, no server error,
nothing fetched from another host; and, with KECHUANG_WALK_SHOTS=1 (`make screenshots`),
a screenshot (the first screen, JPEG) of each page under var/screenshots/walk/<role>/ to
look at."""

from __future__ import annotations

import base64
import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.browser import walk
from tests.playwright_fixtures import SHOTS, watch_csp

pytestmark = pytest.mark.browser

CHARTS_WITHOUT_CANVAS_JS = (
    "[...document.querySelectorAll('div[id^=chart-]')]"
    ".filter(e => !e.querySelector('canvas, svg')).map(e => e.id)"
)
# What a user sees on opening the page, as JPEG: the checks above read the whole page;
# the screenshot is for a person to look at. Measured in Chromium on a 400-row list,
# 20 shots each: a 1400×3000 PNG costs 0.40 CPU s a shot, the same as JPEG 0.24 s,
# one 1400×900 screen as JPEG 0.08 s.
SHOT_VIEWPORT = {"width": 1400, "height": 900}
SHOT_QUALITY = 70
# The shots are for people, not for the checks: taken when asked for (`make screenshots`),
# not in `make test` (800 shots, about 35 CPU seconds of Chromium).
TAKE_SHOTS = os.environ.get("KECHUANG_WALK_SHOTS", "") not in ("", "0")
# Text a reader sees broken across lines: a button's label ("保\n存") or a date in a
# table cell ("2021-06-\n30"): the text's line boxes, counted with a Range.
BROKEN_JS = """(() => {
  const lines = (el) => {
    const r = document.createRange(); r.selectNodeContents(el);
    const style = getComputedStyle(el);
    const gap = 0.6 * (parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize));
    const bottoms = [...r.getClientRects()].filter(c => c.width > 0 && c.height > 0)
      .map(c => c.bottom).sort((a, b) => a - b);
    return bottoms.filter((b, i) => i === 0 || b - bottoms[i - 1] > gap).length;
  };
  const date = /^\\d{4}-\\d\\d-\\d\\d$/;
  const buttons = [...document.querySelectorAll('.btn')]
    .filter(b => b.offsetParent && !b.closest('#swagger-ui') && b.innerText.trim() && lines(b) > 1)
    .map(b => 'button ' + b.innerText.trim());
  const dates = [...document.querySelectorAll('td, th')]
    .filter(c => c.offsetParent && date.test(c.innerText.trim()) && lines(c) > 1)
    .map(c => 'date ' + c.innerText.trim());
  return [...new Set(buttons.concat(dates))].slice(0, 5);
})()"""
# What the walk reads of each page, in one call into the page (four round trips before):
# the chart containers left blank, the CSP violations its listener caught, its text,
# the texts broken across lines.
PAGE_FACTS_JS = (
    "() => ({blank: " + CHARTS_WITHOUT_CANVAS_JS + ", "
    "csp: window.__cspViolations || [], "
    "broken: " + BROKEN_JS + ", "
    "text: (" + walk.VISIBLE_TEXT_JS + ")()})"
)
ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
# The API docs page (Swagger UI: a fifth of a role's walk in Chromium time) is one
# document and one OpenAPI schema for every role: it is walked in Chromium as the bureau
# (kjj); every other role's test asserts that its copy of both is byte-identical to
# kjj's (the CSRF token aside), so Chromium would show it the very same page.
SAME_FOR_EVERY_ROLE = {"/api/v1/docs": "/api/v1/openapi.json"}
WALKED_AS = "kjj"
CSRF_TOKEN = re.compile(rb'data-csrf-token="[^"]*"')


def shot(cdp: Any, path: Any) -> None:
    """The first screen as JPEG, through the DevTools protocol with Chromium's faster
    encoder (`optimizeForSpeed`): 0.042 s a shot against 0.053 s for `page.screenshot`
    (the walk as kjj, 84 pages, same machine)."""
    data = cdp.send(
        "Page.captureScreenshot",
        {"format": "jpeg", "quality": SHOT_QUALITY, "optimizeForSpeed": True},
    )
    path.write_bytes(base64.b64decode(data["data"]))


def same_as_walked(client: Any, url: str) -> bool:
    """The role's page `url` (and the document it renders) are kjj's, byte for byte."""
    from django.test import Client

    from kechuang.accounts.models import User

    walked = Client()
    walked.force_login(User.objects.get(username=WALKED_AS))
    for path in (url, SAME_FOR_EVERY_ROLE[url]):
        mine, theirs = client.get(path), walked.get(path)
        if mine.status_code != theirs.status_code or CSRF_TOKEN.sub(
            b"", mine.content
        ) != CSRF_TOKEN.sub(b"", theirs.content):
            return False
    return True


@pytest.fixture
def demo_server(demo_county: Any, request: Any) -> Iterator[tuple[str, Any]]:
    """(URL, browser): a live server inside the demo county's transaction, whose thread
    shares this thread's in-memory SQLite connection, so it sees the uncommitted demo.

    Playwright's sync API leaves an event loop running, and Django's connection
    handler then hands out another connection (asgiref's Local sees another context):
    the demo's is taken before the browser starts and put back after."""
    conn = connections["default"]
    if conn.vendor != "sqlite" or not conn.is_in_memory_db():
        pytest.skip("the walk shares the in-memory SQLite connection of the demo")
    browser = request.getfixturevalue("browser")
    connections["default"] = conn
    conn.inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, {"default": conn})
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://127.0.0.1:{server.port}", browser
    finally:
        server.terminate()
        # Requests still being answered (a page's late fetches, cut short by the next
        # page or the closed browser) close the shared connection when they end: while
        # it may still be shared, or Django raises in their threads.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
            "process_request_thread" in t.name for t in threading.enumerate()
        ):
            time.sleep(0.05)
        conn.dec_thread_sharing()


@pytest.mark.parametrize("role", walk.ROLES + walk.CITY_ROLES)
def test_every_page_as_every_role_reads_in_chinese(
    demo_server: Any, client: Any, role: str
) -> None:
    # One test per role, so that xdist spreads the roles over its workers.
    from kechuang.accounts.models import User
    from kechuang.demo.city import city_users, ensure_city_regions
    from kechuang.enterprises.models import Enterprise

    base, browser = demo_server
    city_users(ensure_city_regions())  # the city's users, in the demo's transaction
    outsider = role in walk.OTHER_COUNTY_ROLES
    taixing_pages: list[str] = []
    taixing_names: list[str] = []
    if outsider:
        taixing_pages = walk.record_pages(User.objects.get(username="kjj"))
        taixing_names = list(Enterprise.objects.values_list("name", flat=True))
        assert len(taixing_names) > 1000
    problems: list[str] = []
    visited = 0
    user = User.objects.get(username=role)
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport=SHOT_VIEWPORT)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    foreign: list[str] = []

    def record(request: Any) -> None:
        if not request.url.startswith((base, "data:", "blob:", "about:")):
            foreign.append(request.url)

    context.on("request", record)
    refused = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(20000)
    cdp = context.new_cdp_session(page)
    folder = SHOTS / "walk" / role
    if TAKE_SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
    urls = walk.static_routes() + walk.record_pages(user)
    same: list[str] = []  # pages checked identical to kjj's instead (SAME_FOR_EVERY_ROLE)
    for url in urls + taixing_pages:
        if url in SAME_FOR_EVERY_ROLE and role != WALKED_AS and same_as_walked(client, url):
            same.append(url)
            continue
        response = page.goto(base + url, wait_until="load")
        status = response.status if response is not None else 0
        where = f"{role} {url} ({status})"
        if status >= 500:
            problems.append(f"{where}: server error")
            continue
        if outsider:
            # Another county's bureau or officer: no page of 泰兴市, no name of its firms.
            if url in taixing_pages and url not in urls and status < 400:
                problems.append(f"{where}: a page of 泰兴市 opened")
            body = page.content()
            leaked = [n for n in taixing_names if n in body]
            if leaked:
                problems.append(f"{where}: names of 泰兴市 firms {leaked[:3]}")
        if url.startswith("/api/v1/docs"):
            page.wait_for_selector("#swagger-ui .info", timeout=20000)
        facts = page.evaluate(PAGE_FACTS_JS)
        # Every chart container got its chart (the scripts ran under the CSP).
        if facts["blank"]:
            problems.append(f"{where}: charts not drawn {facts['blank']}")
        refused += [f"{page.url}: {v}" for v in facts["csp"]]
        if refused:
            problems.append(f"{where}: Content-Security-Policy refused {refused[:3]}")
            refused.clear()
        if facts["broken"]:
            problems.append(f"{where}: broken across lines {facts['broken']}")
        text = facts["text"]
        words = walk.english_words(text)
        if words:
            problems.append(f"{where}: English words {words}")
        if "-------" in text:
            problems.append(f"{where}: an empty choice shows as dashes")
        if ISO_TIMESTAMP.search(text):
            problems.append(f"{where}: a raw timestamp {ISO_TIMESTAMP.search(text)[0]}")
        if TAKE_SHOTS:
            name = url.strip("/").replace("/", "_") or "home"
            shot(cdp, folder / f"{name}.jpg")
        visited += 1
    if foreign:
        problems.append(f"{role}: fetched from another host: {sorted(set(foreign))[:5]}")
    context.close()
    client.logout()
    assert visited > 20, visited
    assert not problems, "\n".join(problems)

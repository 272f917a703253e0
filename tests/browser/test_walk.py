"""Every page as every demo role, in Chromium: no English words in what a user reads
(outside `walk.ALLOWED`), no Django "---------", no ISO timestamps, no server error,
nothing fetched from another host; and a screenshot of each page under
var/screenshots/walk/<role>/ to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.browser import walk
from tests.playwright_fixtures import SHOTS

pytestmark = pytest.mark.browser

# The top of a very long list is what there is to look at; encoding 40,000 px of
# PNG would take seconds a page.
SHOT_MAX_HEIGHT = 3000
ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


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
        conn.dec_thread_sharing()


def test_every_page_as_every_role_reads_in_chinese(demo_server: Any, client: Any) -> None:
    from kechuang.accounts.models import User
    from kechuang.demo.city import city_users, ensure_city_regions
    from kechuang.enterprises.models import Enterprise

    base, browser = demo_server
    city_users(ensure_city_regions())  # the city's users, in the demo's transaction
    kjj = User.objects.get(username="kjj")
    taixing_pages = walk.record_pages(kjj)
    taixing_names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(taixing_names) > 1000
    problems: list[str] = []
    visited = 0
    for role in walk.ROLES + walk.CITY_ROLES:
        user = User.objects.get(username=role)
        client.force_login(user)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
        )
        foreign: list[str] = []

        def record(request: Any, foreign: list[str] = foreign) -> None:
            if not request.url.startswith((base, "data:", "blob:", "about:")):
                foreign.append(request.url)

        context.on("request", record)
        page = context.new_page()
        page.set_default_timeout(20000)
        folder = SHOTS / "walk" / role
        folder.mkdir(parents=True, exist_ok=True)
        outsider = role in walk.OTHER_COUNTY_ROLES
        urls = walk.static_routes() + walk.record_pages(user)
        for url in urls + (taixing_pages if outsider else []):
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
            text = page.evaluate(walk.VISIBLE_TEXT_JS)
            words = walk.english_words(text)
            if words:
                problems.append(f"{where}: English words {words}")
            if "-------" in text:
                problems.append(f"{where}: an empty choice shows as dashes")
            if ISO_TIMESTAMP.search(text):
                problems.append(f"{where}: a raw timestamp {ISO_TIMESTAMP.search(text)[0]}")
            name = url.strip("/").replace("/", "_") or "home"
            height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_MAX_HEIGHT)
            page.screenshot(
                path=str(folder / f"{name}.png"),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 1400, "height": height},
            )
            visited += 1
        if foreign:
            problems.append(f"{role}: fetched from another host: {sorted(set(foreign))[:5]}")
        context.close()
        client.logout()
    assert visited > 8 * 20, visited
    assert not problems, "\n".join(problems)

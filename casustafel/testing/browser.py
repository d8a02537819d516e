"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every page a test opens through `visit()` or `follow()` is checked on the spot:

- the HTTP status (below 400 unless the test names another),
- the Content-Security-Policy header (present, no 'unsafe-inline' for scripts),
- axe-core: no violation at all, whatever its impact (minor and moderate included),
- the header's controls: text against its background at least WCAG AA contrast (axe reports
  text on a background it cannot resolve only as "incomplete", which let invisible header
  buttons through),
- the browser console: no CSP violation, no uncaught JavaScript error.

Registered as a pytest plugin by the root conftest.py. Tests that use the `page` fixture get the
`browser` mark, so `-m "not browser"` (the PostgreSQL pass of scripts/test) leaves them out.
Chromium is /usr/bin/chromium (Debian's package; CASUSTAFEL_CHROMIUM overrides it); never run
`playwright install`, which downloads a browser. Without Chromium the tests are skipped, except
under CI=true where that is a failure.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.test import Client

import pytest
from django_otp.oath import totp

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response

    from casustafel.accounts.models import User

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CASUSTAFEL_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's services,
# which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# axe-core is served to the browser under the live server's own origin by a Playwright route
# (the request never reaches Django), so it loads as a same-origin script that `script-src
# 'self'` allows. Injecting it inline (add_script_tag(path=...)) would be blocked by our CSP, and
# bypass_csp=True would switch the CSP off in the browser altogether, hiding the very violations
# these tests look for.
AXE_PATH = "/__browser-tests__/axe.min.js"
NODES_SHOWN = 5
# WCAG 2.1 AA (1.4.3): 4.5:1 for normal text, 3:1 for large text (24 px, or 18.66 px bold).
AA_NORMAL, AA_LARGE = 4.5, 3.0
# The header's controls and text, each with its colour, its effective background (the first
# non-transparent one up the tree) and its size, measured in the browser.
_HEADER_COLOURS_JS = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0) return colour;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const selector = "header a, header button, header select, header label, header span";
  return Array.from(document.querySelectorAll(selector))
    .filter((el) => el.offsetParent !== null && el.textContent.trim())
    .map((el) => {
      const style = getComputedStyle(el);
      return {
        text: el.textContent.trim().slice(0, 40),
        tag: el.tagName.toLowerCase(),
        colour: parse(style.color),
        background: background(el),
        size: parseFloat(style.fontSize),
        bold: parseInt(style.fontWeight, 10) >= 700,
      };
    });
}
"""


@dataclass
class _PageLog:
    base_url: str
    csp_violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_LOGS: dict[int, _PageLog] = {}


def _serve_one_request_at_a_time() -> None:
    """Make the live server handle requests one after another.

    With SQLite the live server's threads share the test's single in-memory connection. A
    threaded server lets an htmx request still in flight (the live triage evaluation, say) and
    the next form POST use that connection at the same moment, which corrupts its savepoint
    stack (IndexError in atomic). A page never needs two requests served at once here.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            # The live server thread itself already uses the overridden connections.
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = SerialWSGIServer


_serve_one_request_at_a_time()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: the mark must be there before `-m` deselects.
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run (starting it costs about a second)."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run scripts/assets")
    from django.db import connections

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread. Django then takes the
    # synchronous test code for async code: it refuses ORM calls (hence the flag: nothing here
    # is async) and, from then on, hands out new connection objects for the same test database.
    # The copy of what the migrations wrote, which serialized_rollback restores, lives on the
    # old objects: carry it over.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def page(
    browser: Browser, live_server: Any, transactional_db: None, django_db_serialized_rollback: None
) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server, in Dutch, Amsterdam time.

    The live server answers from another thread, so the test's data must be committed:
    transactional_db, which empties the tables after the test. serialized_rollback puts back
    what the migrations wrote (the audit chain's head, default criteria), which the app needs.
    """
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    context.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"))
    new_page = context.new_page()
    log = _PageLog(base_url=live_server.url)
    _LOGS[id(new_page)] = log

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            log.csp_violations.append(f"{new_page.url}: {message.text}")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: log.errors.append(f"{new_page.url}: {error}"))
    yield new_page
    _LOGS.pop(id(new_page), None)
    context.close()


def visit(page: Page, path: str, *, status: int | None = None) -> Response:
    """Open `path` (redirects followed) and check the page that arrives; see `check_page`."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    check_page(page, response, status=status)
    return response


def follow(page: Page, action: Callable[[], Any], *, status: int | None = None) -> Response:
    """Do `action` (a click that submits a form or follows a link) and check the page it leads to."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    assert response is not None, f"no response after navigating from {page.url}"
    check_page(page, response, status=status)
    return response


def swap(page: Page, action: Callable[[], Any], *, status: int = 200) -> Response:
    """Do `action` (a click that posts a form through htmx), wait until the answer is swapped
    into the page, and check the page as it is now (axe, header contrast, console). The page
    itself must not reload: that would throw away what is typed elsewhere on it."""
    url_before = page.url
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        action()
    response = posted.value
    assert response.status == status, f"{response.url} answered {response.status}, expected {status}"
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    assert page.url == url_before, f"the page was left for {page.url}"
    assert_axe_clean(page)
    assert_header_contrast(page)
    assert_console_clean(page)
    return response


def check_page(page: Page, response: Response, *, status: int | None = None) -> None:
    """Status (exactly `status`, or below 400), CSP header, axe and console checks."""
    if status is None:
        assert response.status < 400, f"{response.url} answered {response.status}"
    else:
        assert response.status == status, f"{response.url} answered {response.status}, expected {status}"
    assert_csp_header(response)
    assert_axe_clean(page)
    assert_header_contrast(page)
    assert_console_clean(page)


def assert_csp_header(response: Response) -> None:
    policy = response.headers.get("content-security-policy")
    assert policy, f"{response.url} has no Content-Security-Policy header"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src", []))
    assert script_src and "'unsafe-inline'" not in script_src, f"{response.url} allows inline scripts: {policy}"


def assert_axe_clean(page: Page) -> None:
    """Run axe-core on the page; fail on any violation, minor and moderate included."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_PATH)
    violations = page.evaluate("async () => (await window.axe.run(document)).violations")
    assert not violations, format_violations(page.url, violations)


def _luminance(colour: dict[str, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour["r"]) + 0.7152 * channel(colour["g"]) + 0.0722 * channel(colour["b"])


def contrast_ratio(foreground: dict[str, float], background: dict[str, float]) -> float:
    """WCAG contrast ratio of two sRGB colours ({"r", "g", "b"} in 0-255), from 1 to 21."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_header_contrast(page: Page) -> None:
    """Every visible control and text in the page header reaches WCAG AA contrast against its
    effective background, and no header button is too narrow for its label."""
    problems = []
    for item in page.evaluate(_HEADER_COLOURS_JS):
        if item["colour"] is None:
            continue
        large = item["size"] >= 24 or (item["bold"] and item["size"] >= 18.66)
        needed = AA_LARGE if large else AA_NORMAL
        ratio = contrast_ratio(item["colour"], item["background"])
        if ratio < needed:
            problems.append(f"<{item['tag']}> {item['text']!r}: {ratio:.2f}:1, needs {needed}:1")
    assert not problems, f"Header text below WCAG AA contrast on {page.url}:\n" + "\n".join(problems)
    # A button squeezed by the header's flex row cuts its own label off ("Wissel" did).
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('header button')]"
        ".filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth).map(b => b.textContent.trim())"
    )
    assert not clipped, f"Header buttons too narrow for their label on {page.url}: {clipped}"


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility problem(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        nodes = violation.get("nodes", [])
        for node in nodes[:NODES_SHOWN]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"  at {target}: {summary}")
        if len(nodes) > NODES_SHOWN:
            lines.append(f"  ... and {len(nodes) - NODES_SHOWN} more element(s)")
    return "\n".join(lines)


def assert_console_clean(page: Page) -> None:
    """No CSP violation and no uncaught JavaScript error in the browser console so far."""
    log = _LOGS[id(page)]
    problems = log.csp_violations + log.errors
    assert not problems, "The browser console reported:\n" + "\n".join(f"- {p}" for p in problems)


def authenticator_code(secret: str) -> str:
    """The code an authenticator app shows now for the key as printed on the enrolment page."""
    key = secret.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    return f"{totp(base64.b32decode(key)):06d}"


def sign_in(page: Page, user: User) -> None:
    """Give the browser a session of `user` with the second factor passed, without the login
    pages: for tests about other pages (the login flow itself has its own browser test)."""
    from casustafel.testing.personas import login_verified

    client = Client()
    login_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": _LOGS[id(page)].base_url}])

"""The page checks themselves fail on what they are meant to catch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route

from casustafel.testing.browser import visit

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


def _serve(page: Page, path: str, main: str, csp: str = STRICT_CSP) -> None:
    """Answer `path` in the browser itself with a small Dutch page around `main`."""
    body = f'<!doctype html><html lang="nl"><title>Proef</title><main><h1>Proef</h1>{main}</main></html>'

    def fulfil(route: Route) -> None:
        route.fulfill(body=body, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": csp})

    page.route(f"**{path}", fulfil)


def test_axe_check_fails_on_an_image_without_alternative_text(page: Page) -> None:
    _serve(page, "/proef/plaatje/", '<img src="/x.png">')
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        visit(page, "/proef/plaatje/")


def test_console_check_fails_on_an_inline_script_blocked_by_the_csp(page: Page) -> None:
    _serve(page, "/proef/script/", '<script>document.title = "x";</script>')
    with pytest.raises(AssertionError, match=re.escape("Content Security Policy")):
        visit(page, "/proef/script/")


def test_header_check_fails_without_a_content_security_policy(page: Page) -> None:
    _serve(page, "/proef/zonder-csp/", "<p>Geen beleid.</p>", csp="")
    with pytest.raises(AssertionError, match="no Content-Security-Policy header"):
        visit(page, "/proef/zonder-csp/")


def test_a_clean_page_passes_every_check(page: Page) -> None:
    _serve(page, "/proef/goed/", "<p>Alles in orde.</p>")
    assert visit(page, "/proef/goed/").status == 200

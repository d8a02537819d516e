"""The page checks themselves fail on what they are meant to catch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route

from casustafel.testing.browser import assert_header_contrast, contrast_ratio, visit

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


def test_axe_check_fails_on_a_moderate_violation_too(page: Page) -> None:
    # Content outside every landmark is "moderate" for axe; the check blocks every impact.
    body = '<!doctype html><html lang="nl"><title>Proef</title><p>Buiten.</p><main><h1>Proef</h1></main></html>'
    page.route(
        "**/proef/buiten/",
        lambda route: route.fulfill(
            body=body, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": STRICT_CSP}
        ),
    )
    with pytest.raises(AssertionError, match=r"region \(moderate\)"):
        visit(page, "/proef/buiten/")


def test_contrast_check_fails_on_header_text_in_the_headers_own_colour(page: Page) -> None:
    # Dark blue on dark blue: what axe only reports as "incomplete" when it cannot resolve the
    # background; the header check measures it.
    _serve(page, "/proef/kop/", "<p>Inhoud.</p>")
    visit(page, "/proef/kop/")
    page.set_content(
        '<html lang="nl"><title>Proef</title><body><header><div id="kop"><button id="uit">Uitloggen</button>'
        "</div></header><main><h1>Proef</h1></main></body></html>"
    )
    page.eval_on_selector("#kop", "el => { el.style.background = 'rgb(21, 66, 115)'; }")
    page.eval_on_selector("#uit", "el => { el.style.background = 'transparent'; el.style.color = 'rgb(21, 66, 115)'; }")
    with pytest.raises(AssertionError, match=r"'Uitloggen': 1\.00:1"):
        assert_header_contrast(page)


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    black, white = {"r": 0, "g": 0, "b": 0}, {"r": 255, "g": 255, "b": 255}
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    # #767676 on white is the classic smallest grey that passes AA for normal text.
    assert contrast_ratio({"r": 118, "g": 118, "b": 118}, white) == pytest.approx(4.54, abs=0.01)

"""Test helpers for the administration pages: permission-matrix expectations and reading a
re-rendered form (the error next to a field, the value kept in an input)."""

from __future__ import annotations

import html
import re

from casustafel.testing.personas import ANONYMOUS, Personas


def expect(personas: Personas, default: int, **overrides: int) -> dict[str, int]:
    """Every persona gets `default`, anonymous is sent to the login page, then the overrides."""
    expected = dict.fromkeys(personas.names, default)
    expected[ANONYMOUS] = 302
    expected.update(overrides)
    return expected


def admin_only(personas: Personas, status: int, *, outsider: int = 404) -> dict[str, int]:
    """An administration page: the administrator gets `status`, the other house's
    administrator `outsider`, everyone else 404."""
    return expect(personas, 404, administrator=status, outsider_house=outsider)


def field_errors(page: str, name: str) -> str:
    """The error list rendered next to the field `name` ('' when there is none)."""
    match = re.search(rf'<ul class="ct-errorlist[^"]*" id="id_{name}_error">(.*?)</ul>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def field_value(page: str, name: str) -> str | None:
    """The value attribute of the input `name` as re-rendered (None when it has none)."""
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
    assert tag, f"no input named {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def form_errors(page: str) -> str:
    """The alert at the top of a form that did not save (non-field errors included)."""
    match = re.search(r'<div class="utrecht-alert utrecht-alert--error" role="alert">(.*?)</div>', page, re.S)
    return html.unescape(match.group(1)) if match else ""

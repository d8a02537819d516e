"""Fixtures shared by every test: personas, clients and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import translation

import pytest

from casustafel.testing.personas import Personas, build_personas

# Playwright fixtures (browser, page) and the page checks: axe-core, CSP, console.
pytest_plugins = ["casustafel.testing.browser", "casustafel.testing.pdf"]


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: pytest.FixtureRequest) -> None:
    # Argon2 costs ~0.1 s a hash; personas create a dozen users per test. Production hashing is
    # checked in casustafel/accounts/tests/test_settings.py against the settings module itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _dutch_by_default() -> Iterator[None]:
    # A test that renders a page in English leaves that language active for the thread; every
    # test starts in Dutch, the default of the UI, so none depends on the order of the suite.
    with translation.override("nl"):
        yield

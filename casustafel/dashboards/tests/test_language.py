"""The UI is Dutch unless the user chose English with the switch; the browser's own language
does not decide."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

import pytest


@pytest.mark.django_db
def test_an_english_browser_still_gets_the_dutch_login_page() -> None:
    response = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert b'lang="nl"' in response.content


@pytest.mark.django_db
def test_the_language_switch_moves_the_ui_to_english() -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert b'lang="en"' in client.get(reverse("accounts:login")).content


@pytest.mark.django_db
def test_an_unknown_language_in_the_cookie_falls_back_to_dutch() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert b'lang="nl"' in client.get(reverse("accounts:login")).content

"""Pages, PDFs and exports with personal data are never cached (issue 7, point 15). The leak test
checks `no-store` on every case-scoped URL for every persona who gets in; these cover the rest
of the site and a view that asks for caching itself."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

import pytest

from casustafel.lib.middleware import NoStoreMiddleware
from casustafel.testing.personas import Personas


def test_a_view_that_asks_for_caching_still_gets_no_store() -> None:
    def cached_view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("Casus 12: Jan Jansen")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = NoStoreMiddleware(cached_view)(RequestFactory().get("/"))
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("process_director", "dashboards:start"),
        ("administrator", "organisations:user_list"),
        ("board_member", "reporting:report"),
        ("anonymous", "accounts:login"),
    ],
)
def test_pages_outside_the_case_scope_send_no_store(personas: Personas, persona: str, url_name: str) -> None:
    response = personas.client(persona).get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]

from __future__ import annotations

import logging

from django.test import Client
from django.urls import path

import pytest

from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_csp_and_security_headers(personas: Personas) -> None:
    response = personas.client("professional_a").get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32


def test_pages_have_no_inline_scripts_or_styles(personas: Personas) -> None:
    page = personas.client("administrator").get("/").content.decode()
    assert "<script>" not in page and "style=" not in page
    assert 'class="ct-skip-link" href="#main"' in page
    assert 'id="main"' in page


def test_start_page_says_who_the_user_acts_for(personas: Personas) -> None:
    page = personas.client("professional_a").get("/").content.decode()
    assert "Veilig Thuis Testregio" in page
    assert "Zorg- en Veiligheidshuis Testregio" in page


def test_administrator_start_page_lists_users_without_second_factor(personas: Personas) -> None:
    from casustafel.testing.factories import MembershipFactory, UserFactory

    newcomer = UserFactory(full_name="Nieuwe Collega")
    MembershipFactory(user=newcomer, organisation=personas.org_a)
    page = personas.client("administrator").get("/").content.decode()
    assert "Gebruikers zonder tweede factor" in page
    assert "Nieuwe Collega" in page
    outsider_page = personas.client("outsider_house").get("/").content.decode()
    assert "Nieuwe Collega" not in outsider_page


def test_unknown_url_gets_the_dutch_404_page(personas: Personas) -> None:
    response = personas.client("professional_a").get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_board_member_start_page_says_aggregates_only(personas: Personas) -> None:
    page = personas.client("board_member").get("/").content.decode()
    assert "alleen geaggregeerde cijfers" in page


def _explode(request: object) -> None:
    raise ValueError("Jan Jansen, BSN 111222333, sloeg zijn partner")


urlpatterns = [path("kapot/", _explode)]
handler500 = "casustafel.dashboards.errors.server_error"


@pytest.mark.urls(__name__)
def test_server_error_shows_no_trace_and_logs_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False)
    # django.request does not propagate to the root logger (settings.LOGGING), where caplog
    # listens: listen on it directly.
    request_logger = logging.getLogger("django.request")
    request_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR):
            response = client.get("/kapot/")
    finally:
        request_logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "Traceback" not in body and "Jansen" not in body
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged
    assert "Jansen" not in logged and "111222333" not in logged


def test_every_page_has_the_favicon(personas: Personas) -> None:
    from django.contrib.staticfiles import finders

    for client in (personas.client("professional_a"), Client()):
        page = client.get("/", follow=True).content.decode()
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("favicon.svg")
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


def test_unknown_host_gets_the_dutch_400_page_not_the_fallback(caplog: pytest.LogCaptureFixture) -> None:
    # CommonMiddleware refuses the host before AuthenticationMiddleware sets request.user; the
    # 400 page's context processors must cope with that instead of falling back to bare HTML.
    with caplog.at_level(logging.ERROR, logger="casustafel.dashboards.errors"):
        response = Client(HTTP_HOST="niet-toegestaan.example").get("/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ongeldig verzoek" in page
    assert "Er ging iets mis." not in page
    assert not [record for record in caplog.records if "failed to render" in record.getMessage()]

"""No server error on extreme or malformed input (issue 7, point 9).

A property test feeds every GET filter form and export of the project (the access log and its
export, the report page and its CSV/XLSX, the case, referral, triage, person, retention,
organisation and user lists, the merge comparison) extreme and malformed values: ids beyond 64
bits, dates like 0001-01-01 and 9999-12-31, impossible dates, NUL bytes, non-ASCII digits, very
long text. Every answer is a page (200, the message in Dutch), a redirect back to the form with
the message (302, exports), a 400, or, where the value names an object, the scope rule's 404;
never a 500 (the test client raises the view's exception, so a server error fails the test).
Examples below pin the Dutch messages for the values the issue names.
"""

from __future__ import annotations

import html
import string
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casustafel.testing.cases import MeetingTypeFactory, PersonFactory
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class FilterPage:
    url_name: str
    persona: str
    params: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    allowed: frozenset[int] = frozenset({200, 302, 400})


PAGE = "page"
DATES = ("date_from", "date_to")
ACCESS_LOG = (*DATES, "user", "organisation", "action", "case_id", "person_id", "pagina")

FILTER_PAGES = [
    FilterPage("privacy:access_log", "privacy_officer", ACCESS_LOG),
    FilterPage("privacy:access_log_export", "privacy_officer", ACCESS_LOG),
    FilterPage("reporting:report", "board_member", DATES),
    FilterPage("reporting:export_csv", "board_member", DATES),
    FilterPage("reporting:export_xlsx", "house_manager", DATES),
    FilterPage("cases:case_list", "process_director", ("status", PAGE)),
    FilterPage("cases:referral_list", "process_director", ("status", PAGE)),
    FilterPage("cases:triage_list", "process_director", ("toon", PAGE)),
    FilterPage(
        "cases:person_duplicates",
        "administrator",
        ("q", "bsn", "given_names", "surname_prefix", "surname", "date_of_birth"),
    ),
    # The numbers name registrations: one outside the administrator's house is the scope rule's 404.
    FilterPage("cases:person_merge", "administrator", ("keep", "duplicate"), allowed=frozenset({200, 400, 404})),
    FilterPage("privacy:retention_overview", "privacy_officer", ("pagina",)),
    FilterPage("privacy:sar_list", "privacy_officer", (PAGE, "pagina")),
    FilterPage("organisations:organisation_list", "administrator", ("sector",)),
    FilterPage("organisations:user_list", "administrator", ("q", "organisation", "role", PAGE)),
]

EXTREMES = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "1900-01-01",
    "2100-12-31",
    "10000-01-01",
    "-0001-01-01",
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(10**30),
    "-1",
    "0",
    "-9223372036854775809",
    "1e9",
    "NaN",
    "Infinity",
    "",
    " ",
    "\x00",
    "1\x00",
    "²",
    "١٢٣",
    "１２",
    "9" * 400,
    "x" * 5000,
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\ud7ff",
    "active",
    "closed",
    "all",
    "open",
]

values = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.text(alphabet=string.digits + "-./ ", max_size=25),
)


def _queries(page: FilterPage) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(page.params), values, min_size=1, max_size=len(page.params))


@pytest.fixture
def clients(personas: Personas) -> dict[str, Client]:
    # Something to find, so the filters run against real rows.
    MeetingTypeFactory(house=personas.house)
    PersonFactory(house=personas.house, surname="Yilmaz")
    PersonFactory(house=personas.house, surname="Yilmaz")
    names = {page.persona for page in FILTER_PAGES}
    return {name: personas.client(name) for name in names}


@pytest.mark.parametrize("page", FILTER_PAGES, ids=lambda page: page.url_name)
def test_filters_and_exports_never_answer_500(page: FilterPage, clients: dict[str, Client]) -> None:
    client = clients[page.persona]
    url = reverse(page.url_name, kwargs=page.kwargs)

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=_queries(page))
    def requested(query: dict[str, str]) -> None:
        response = client.get(url, query)
        assert response.status_code in page.allowed, (query, response.status_code)

    requested()


# --- The values the issue names, with their Dutch messages -------------------------------------


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_an_id_beyond_64_bits_in_the_access_log_gets_a_dutch_message(clients: dict[str, Client]) -> None:
    client = clients["privacy_officer"]
    for name in ("case_id", "person_id"):
        response = client.get(reverse("privacy:access_log"), {name: str(2**64)})
        assert response.status_code == 200
        assert "Vul een nummer in van ten hoogste 19 cijfers." in _text(response)
    export = client.get(reverse("privacy:access_log_export"), {"case_id": str(2**64)}, follow=True)
    assert "Het filter bevat een fout; verbeter het voordat u exporteert." in _text(export)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_far_dates_in_the_access_log_and_the_report_get_a_dutch_message(clients: dict[str, Client], day: str) -> None:
    log = clients["privacy_officer"].get(reverse("privacy:access_log"), {"date_from": day, "date_to": day})
    assert log.status_code == 200
    assert "Kies een datum tussen 1900 en 2100." in _text(log)
    board = clients["board_member"]
    report = board.get(reverse("reporting:report"), {"date_from": day, "date_to": day})
    assert report.status_code == 200
    assert "Kies een datum tussen 1900 en 2100." in _text(report)
    for export in ("reporting:export_csv", "reporting:export_xlsx"):
        response = board.get(reverse(export), {"date_from": day, "date_to": day}, follow=True)
        assert "De periode bevat een fout; verbeter die voordat u exporteert." in _text(response)


def test_a_merge_number_beyond_64_bits_gets_a_dutch_message(clients: dict[str, Client]) -> None:
    response = clients["administrator"].get(reverse("cases:person_merge"), {"keep": str(2**64), "duplicate": "1"})
    assert response.status_code == 200
    assert "Vul een nummer in van ten hoogste 19 cijfers." in _text(response)

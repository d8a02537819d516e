"""The dashboards, the drill-down, the catalogue pages and the exports: who may open them, the
grid of periods, the audit of looking and exporting, what an export contains (and never
contains), the board's start page, and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import EntryRoute
from casustafel.reporting.models import Indicator, IndicatorVersion
from casustafel.testing.indicators import episode
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import (
    identifiable_referral,
    meeting_type_of,
    moment,
    municipalities,
    submitted_referral,
)

pytestmark = pytest.mark.django_db

REPORT_READERS = {"process_director": 200, "house_manager": 200, "board_member": 200}
EVERYONE_ELSE = {
    "anonymous": 302,
    "secretary": 404,
    "administrator": 404,
    "privacy_officer": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}
YEAR = {"period": "2025", "scope": "h"}
TODAY = moment(2026, 1, 15)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _today() -> Iterator[object]:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def _last_event() -> int:
    latest = AuditEvent.objects.order_by("-sequence").first()
    return latest.sequence if latest else 0


def seed(personas: Personas) -> None:
    """Referrals and cases of 2025 enough for every referral table."""
    (aland,) = municipalities(personas, "Gemeente Aland")
    mt = meeting_type_of(personas, "Casus-op-Maat")
    for index in range(14):
        submitted_referral(
            personas,
            at=moment(2025, 1 + index % 6, 3),
            route=EntryRoute.FIELD if index % 4 else EntryRoute.DOMESTIC_VIOLENCE,
            municipality=aland if index % 3 else None,
            contact_after_hours=20,
        )
    for _ in range(6):
        episode(personas, meeting_type=mt, opened=moment(2025, 2, 1), municipality=aland)


@pytest.mark.parametrize(
    "name",
    [
        "reporting:report",
        "reporting:export_csv",
        "reporting:export_xlsx",
        "reporting:catalogue",
        "reporting:catalogue_csv",
        "reporting:catalogue_xlsx",
        "reporting:annual_report",
    ],
)
def test_report_pages_permission_matrix(personas: Personas, name: str) -> None:
    assert_matrix(personas, "get", reverse(name), {**REPORT_READERS, **EVERYONE_ELSE})


def test_only_process_directors_drill_down_the_board_never(personas: Personas) -> None:
    seed(personas)
    url = reverse("reporting:drill") + "?source=cases_opened&cell=h%7C*&period=2025"
    assert_matrix(
        personas, "get", url, {"process_director": 200, "house_manager": 404, "board_member": 404, **EVERYONE_ELSE}
    )


def test_drill_down_lists_the_cases_behind_a_shown_count_and_audits_them(personas: Personas) -> None:
    seed(personas)
    client = personas.client("process_director")
    page = client.get(reverse("reporting:report"), YEAR).content.decode()
    # The 6 cases opened in 2025 are a shown count with a link to the cases behind it.
    link = reverse("reporting:drill") + "?source=cases_opened&amp;cell=h%7C%2A&amp;period=2025"
    assert link in page
    last = _last_event()
    response = client.get(reverse("reporting:drill"), {"source": "cases_opened", "cell": "h|*", "period": "2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'href="/casussen/\d+/"', html)) == 6
    event = AuditEvent.objects.filter(sequence__gt=last, action=AuditAction.READ).get()
    assert len(event.changes["case_ids"][1]) == 6


def test_board_pages_have_no_drill_down_links(personas: Personas) -> None:
    seed(personas)
    html = personas.client("board_member").get(reverse("reporting:report"), YEAR).content.decode()
    assert "/rapportage/casussen/" not in html
    assert "Casussen geopend" in html


def test_a_hidden_count_has_no_cases_behind_it(personas: Personas) -> None:
    mt = meeting_type_of(personas, "Casus-op-Maat")
    for _ in range(2):
        episode(personas, meeting_type=mt, opened=moment(2025, 2, 1))
    response = personas.client("process_director").get(
        reverse("reporting:drill"), {"source": "cases_opened", "cell": "h|*", "period": "2025"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"source": "nothing", "cell": "h|*", "period": "2025"},
        {"source": "cases_opened", "cell": "h|nonsense", "period": "2025"},
        {"source": "cases_opened", "cell": "g:999|*", "period": "2025"},
        {"source": "cases_opened", "cell": "h|*", "period": "2026"},  # not over yet
        {"source": "referrals_route", "cell": "h|*", "period": "2025"},  # referrals: no cases to list
    ],
)
def test_drill_down_refuses_what_does_not_exist(personas: Personas, query: dict[str, str]) -> None:
    seed(personas)
    assert personas.client("process_director").get(reverse("reporting:drill"), query).status_code == 404


def test_periods_come_from_the_grid_only(personas: Personas) -> None:
    client = personas.client("board_member")
    html = client.get(reverse("reporting:report"), {"period": "2025-03-01", "scope": "h"}).content.decode()
    assert "Kies een afgelopen jaar, kwartaal of maand uit de lijst." in html
    html = client.get(reverse("reporting:report"), {"period": "2026", "scope": "h"}).content.decode()
    assert "Kies een afgelopen jaar, kwartaal of maand uit de lijst." in html  # the running year
    page = client.get(reverse("reporting:report")).content.decode()
    assert "4e kwartaal 2025" in page  # the default: the last completed quarter


def test_another_houses_municipality_is_not_a_scope(personas: Personas) -> None:
    from casustafel.testing.factories import OrganisationFactory

    other = OrganisationFactory(house=personas.outsider_house.memberships.get().organisation.house, municipality=True)
    html = personas.client("board_member").get(
        reverse("reporting:report"), {"period": "2025", "scope": f"g:{other.pk}"}
    )
    assert "Kies het huis, een gemeente of een overlegtype uit de lijst." in html.content.decode()


def test_looking_at_a_report_is_audited_like_an_export(personas: Personas) -> None:
    seed(personas)
    last = _last_event()
    personas.client("board_member").get(reverse("reporting:report"), YEAR)
    event = AuditEvent.objects.filter(sequence__gt=last, action=AuditAction.READ).get()
    assert event.object_type == "organisations.safetyhouse"
    assert event.changes["report"][1] == {"page": "dashboard", "period": "2025", "scope": "h"}
    assert event.case_id is None and event.person_id is None


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_export_is_audited_without_case_or_person(personas: Personas, file_format: str) -> None:
    seed(personas)
    last = _last_event()
    personas.client("house_manager").get(reverse(f"reporting:export_{file_format}"), YEAR)
    event = AuditEvent.objects.filter(sequence__gt=last, action=AuditAction.EXPORT).get()
    assert event.case_id is None and event.person_id is None
    assert event.changes["report"][1] == {
        "what": "dashboard",
        "format": file_format,
        "threshold": 5,
        "period": "2025",
        "scope": "h",
    }


def test_csv_export_holds_every_table_and_no_small_number(personas: Personas) -> None:
    seed(personas)
    content = personas.client("board_member").get(reverse("reporting:export_csv"), YEAR).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert ["gepseudonimiseerd: bevat geen persoonsgegevens"] in rows
    parts = {row[1] for row in rows if len(row) > 1}
    for title in ("Aanmeldingen per instroomroute", "Aanmeldingen per woongemeente", "Norm eerste contact"):
        assert title in parts
    values = [row[4] for row in rows[9:] if len(row) > 4]
    for value in values:
        assert value not in {"1", "2", "3", "4"}, value


def test_exports_contain_no_name_bsn_or_free_text(personas: Personas) -> None:
    seed(personas)
    referrals = [
        identifiable_referral(personas, at=moment(2025, 2, day), given_names=given, surname=surname, bsn=bsn)
        for day, (given, surname, bsn) in enumerate(
            [("Noor", "Verhoeven", "111222333"), ("Daan", "Kuipers", "123456782"), ("Sem", "Bosman", "010000035")],
            start=1,
        )
    ]
    client = personas.client("board_member")
    csv_bytes = client.get(reverse("reporting:export_csv"), YEAR).content
    xlsx = client.get(reverse("reporting:export_xlsx"), YEAR).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        xlsx_text = b"".join(archive.read(name) for name in archive.namelist())
    page = client.get(reverse("reporting:report"), YEAR).content
    forbidden = {"111222333", "123456782", "010000035", "Zorgen over"}
    for referral in referrals:
        person = referral.parties.get().person
        forbidden |= {person.given_names, person.surname, referral.concern, referral.concern_source}
        forbidden |= {referral.referrer.full_name, referral.referrer.email}
    for needle in forbidden:
        for haystack, label in ((csv_bytes, "csv"), (xlsx_text, "xlsx"), (page, "page")):
            assert needle.encode() not in haystack, f"{needle!r} found in the {label}"


def test_catalogue_is_installed_on_first_use_and_exported(personas: Personas) -> None:
    client = personas.client("board_member")
    assert client.get(reverse("reporting:catalogue")).status_code == 200
    assert Indicator.objects.filter(house=personas.house).count() == 24
    content = client.get(reverse("reporting:catalogue_csv")).content.decode("utf-8-sig")
    assert "agreements_on_time" in content and "Afspraken op tijd uitgevoerd" in content


def test_revising_a_definition_makes_a_new_version_and_sets_the_target(personas: Personas) -> None:
    client = personas.client("house_manager")
    client.get(reverse("reporting:catalogue"))
    indicator = Indicator.objects.get(house=personas.house, key="first_contact")
    url = reverse("reporting:indicator", kwargs={"key": "first_contact"})
    data = {
        "version": indicator.version,
        "name": "Eerste contact binnen 48 uur",
        "kind": "process",
        "counts": "Aanmeldingen met de termijn in de periode.",
        "numerator": "binnen de norm",
        "denominator": "alle",
        "unit": "percent",
        "source_name": "Casustafel",
        "grain": "month",
        "target": "90",
        "target_direction": "at_least",
        "owner": "Procesregie",
        "reason": "Streefwaarde van het bestuur 2026",
    }
    assert client.post(url, data).status_code == 302
    versions = IndicatorVersion.objects.filter(indicator=indicator).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert str(versions[1].target) == "90.00" and versions[1].computation == "first_contact"
    # The same form again, loaded before that save: refused with a Dutch message, input kept.
    again = client.post(url, {**data, "name": "Nog een naam"})
    assert "Iemand anders heeft dit intussen gewijzigd" in again.content.decode()
    assert "Nog een naam" in again.content.decode()
    # A percentage target above 100 is refused next to the field.
    indicator.refresh_from_db()
    bad = client.post(url, {**data, "version": indicator.version, "target": "120"})
    assert "Een percentage is hoogstens 100." in bad.content.decode()
    # The board reads the catalogue but does not change it.
    assert personas.client("board_member").post(url, data).status_code == 403


def test_targets_are_shown_against_values(personas: Personas) -> None:
    seed(personas)
    client = personas.client("house_manager")
    client.get(reverse("reporting:catalogue"))
    indicator = Indicator.objects.get(house=personas.house, key="first_contact")
    from casustafel.audit.context import Actor
    from casustafel.reporting.services import indicator_revise

    indicator_revise(
        actor=Actor(user=personas.house_manager, membership=personas.memberships["house_manager"]),
        indicator=indicator,
        expected_version=indicator.version,
        reason="Norm",
        target=90,
        target_direction="at_least",
    )
    html = client.get(reverse("reporting:report"), YEAR).content.decode()
    # The 14 seeded referrals were contacted after 20 hours, the 6 referrals of the cases never:
    # 14 of 20 = 70%, against at least 90.
    assert "70,0%" in html
    assert "minimaal 90" in html and "streefwaarde niet gehaald" in html


def test_board_start_page_shows_last_quarters_headlines_and_the_link(personas: Personas) -> None:
    for _ in range(7):
        submitted_referral(personas, at=moment(2025, 11, 3))
    html = personas.client("board_member").get(reverse("dashboards:start")).content.decode()
    assert "Kerncijfers van het 4e kwartaal 2025" in html
    assert "Aanmeldingen: <strong>7</strong>" in html
    assert reverse("reporting:report") in html
    for name in ("process_director", "professional_a", "administrator"):
        assert "Kerncijfers" not in personas.client(name).get(reverse("dashboards:start")).content.decode()


def test_start_page_headline_figures_are_suppressed(personas: Personas) -> None:
    for _ in range(3):
        submitted_referral(personas, at=moment(2025, 11, 3))
    html = personas.client("board_member").get(reverse("dashboards:start")).content.decode()
    # Three referrals in the quarter: hidden (the quarter is the year's only one with referrals,
    # so it is withheld under the year's small total).
    assert "Aanmeldingen: <strong>3</strong>" not in html
    assert "Aanmeldingen: <strong>afgeschermd</strong>" in html


def test_nav_links_the_report_for_its_readers_only(personas: Personas) -> None:
    for name in personas.users:
        shows = reverse("reporting:report") in personas.client(name).get(reverse("dashboards:start")).content.decode()
        assert shows == (name in REPORT_READERS), name


def _grow(personas: Personas, size: int) -> None:
    mt = meeting_type_of(personas, f"Overleg {size}")
    for index in range(size):
        submitted_referral(personas, at=moment(2025, 1 + index % 12, 2), decided_after_days=index % 7 + 1)
        episode(personas, meeting_type=mt, opened=moment(2025, 1 + index % 12, 4))


def test_dashboard_queries_do_not_grow_with_the_data(personas: Personas, django_assert_num_queries) -> None:
    municipalities(personas, "Gemeente Aland", "Gemeente Beek")
    client = personas.client("board_member")
    client.get(reverse("reporting:report"), YEAR)  # the catalogue is installed on first use
    _grow(personas, 5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("reporting:report"), YEAR).status_code == 200
    _grow(personas, 40)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("reporting:report"), YEAR).status_code == 200


def test_board_start_page_queries_do_not_grow_with_the_data(personas: Personas, django_assert_max_num_queries) -> None:
    _grow(personas, 40)
    client = personas.client("board_member")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("dashboards:start")).status_code == 200


def test_shipped_definitions_read_in_english_until_the_house_rewords_them(personas: Personas) -> None:
    from casustafel.audit.context import Actor
    from casustafel.reporting.services import indicator_revise

    client = personas.client("house_manager")
    client.get(reverse("reporting:catalogue"))
    indicator = Indicator.objects.get(house=personas.house, key="cases_opened")
    indicator_revise(
        actor=Actor(user=personas.house_manager, membership=personas.memberships["house_manager"]),
        indicator=indicator,
        expected_version=indicator.version,
        reason="Eigen woorden",
        name="Nieuwe casussen",
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("reporting:catalogue")).content.decode()
    assert "Referrals per entry route" in html and "Aanmeldingen per instroomroute" not in html
    assert "Nieuwe casussen" in html  # the house's own words, as written


def _queries(client: object, url: str, params: dict[str, str] | None = None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200  # type: ignore[attr-defined]
    return len(captured.captured_queries)


def test_drill_down_queries_do_not_grow_with_the_cases(personas: Personas) -> None:
    client = personas.client("process_director")
    drill = {"source": "cases_opened", "cell": "h|*", "period": "2025"}
    _grow(personas, 6)
    client.get(reverse("reporting:drill"), drill)  # the first request of a session costs more
    small = _queries(client, reverse("reporting:drill"), drill)
    _grow(personas, 40)  # 46 cases: a full page of 25
    assert _queries(client, reverse("reporting:drill"), drill) == small


def test_catalogue_indicator_and_annual_pages_have_a_fixed_number_of_queries(personas: Personas) -> None:
    from casustafel.audit.context import Actor
    from casustafel.reporting.services import annual_report_edition_request

    client = personas.client("house_manager")
    client.get(reverse("reporting:catalogue"))  # installs the catalogue
    client.get(reverse("reporting:annual_report"), {"year": "2025"})  # makes the report and its sections
    pages = [
        (reverse("reporting:catalogue"), None),
        (reverse("reporting:indicator", kwargs={"key": "first_contact"}), None),
        (reverse("reporting:annual_report"), {"year": "2025"}),
    ]
    before = [_queries(client, url, params) for url, params in pages]
    indicator = Indicator.objects.get(house=personas.house, key="first_contact")
    actor = Actor(user=personas.house_manager, membership=personas.memberships["house_manager"])
    from casustafel.reporting.services import indicator_revise

    for number in range(5):  # more versions of a definition
        indicator.refresh_from_db()
        indicator_revise(
            actor=actor,
            indicator=indicator,
            expected_version=indicator.version,
            reason=f"r{number}",
            target=number,
            target_direction="at_least",
        )
    with override_settings(TASKS=IMMEDIATE):
        for _ in range(2):  # more editions of the annual report
            annual_report_edition_request(actor=actor, house=personas.house, year=2025)
    assert [_queries(client, url, params) for url, params in pages] == before

"""The report page and its exports: who may open them, the period form, the chart, the audit
of exports, what an export contains (and never contains), and the board's start page."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from django.test import Client
from django.urls import reverse

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import EntryRoute
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import (
    case_of,
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
PERIOD = {"date_from": "2025-01-01", "date_to": "2025-06-30"}
TODAY = moment(2026, 1, 15)


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def seed(personas: Personas) -> None:
    """Enough referrals and cases in the first half of 2025 for every table."""
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
        case_of(personas, meeting_type=mt, opened=moment(2025, 2, 1))


@pytest.mark.parametrize("name", ["reporting:report", "reporting:export_csv", "reporting:export_xlsx"])
def test_report_pages_permission_matrix(personas: Personas, name: str) -> None:
    seed(personas)
    assert_matrix(personas, "get", reverse(name), {**REPORT_READERS, **EVERYONE_ELSE})


def test_report_page_refuses_post(personas: Personas) -> None:
    assert_matrix(
        personas,
        "post",
        reverse("reporting:report"),
        dict.fromkeys(personas.names, 405),
    )


def test_board_member_never_reaches_case_referral_or_person_pages(personas: Personas) -> None:
    referral = identifiable_referral(
        personas, at=moment(2025, 3, 1), given_names="Noor", surname="Verhoeven", bsn="111222333"
    )
    party = referral.parties.get()
    case = case_of(personas, meeting_type=meeting_type_of(personas, "Casus-op-Maat"), opened=moment(2025, 3, 5))
    client = personas.client("board_member")
    urls = [
        reverse("cases:referral_detail", args=[referral.pk]),
        reverse("cases:party_detail", args=[referral.pk, party.pk]),
        reverse("cases:triage_detail", args=[referral.pk]),
        reverse("cases:triage_list"),
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:case_list"),
        reverse("cases:person_duplicates"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # "Mijn aanmeldingen" opens, and is empty: a board member refers nobody.
    response = client.get(reverse("cases:referral_list"))
    assert response.status_code == 200
    assert reverse("cases:referral_detail", args=[referral.pk]).encode() not in response.content
    assert b"Verhoeven" not in response.content


def test_page_shows_suppressed_tables_and_an_inline_chart(personas: Personas) -> None:
    seed(personas)
    response = personas.client("board_member").get(reverse("reporting:report"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aanmeldingen per instroomroute" in html
    assert "&lt; 5" in html
    svg = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert svg is not None
    # Inline SVG may only use presentation attributes: the CSP forbids inline styles and scripts.
    assert not re.search(r"\sstyle=|<style|<script|\son[a-z]+=", svg.group(0))
    assert 'role="img"' in svg.group(0) and 'aria-labelledby="chart-month-title"' in svg.group(0)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_page_defaults_to_the_last_twelve_months(personas: Personas) -> None:
    response = personas.client("house_manager").get(reverse("reporting:report"))
    assert response.status_code == 200
    assert response.context["report"].period.start.isoformat() == "2025-01-16"
    assert response.context["report"].period.end.isoformat() == "2026-01-15"
    assert 'value="2025-01-16"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date_from": "2025-06-30", "date_to": "2025-01-01"}, "date_to", "Kies een einddatum op of na de begindatum."),
        ({"date_from": "2025-01-01", "date_to": "2026-02-01"}, "date_to", "Kies een einddatum op of vóór vandaag."),
        ({"date_from": "2020-01-01", "date_to": "2025-06-30"}, "date_from", "ten hoogste 60 kalendermaanden"),
        ({"date_from": "1-1-2025x", "date_to": "2025-06-30"}, "date_from", "Vul een geldige datum in."),
        ({"date_from": "", "date_to": "2025-06-30"}, "date_from", "Kies de eerste dag van de periode."),
    ],
)
def test_bad_period_is_explained_next_to_the_field_and_kept(
    personas: Personas, data: dict[str, str], field: str, message: str
) -> None:
    response = personas.client("process_director").get(reverse("reporting:report"), data)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert any(message in error for error in response.context["form"].errors[field])
    html = response.content.decode()
    assert message in html
    assert f'aria-describedby="id_{field}_error"' in html
    # What was typed stays in the form.
    if data["date_from"]:
        assert f'value="{data["date_from"]}"' in html


def test_export_with_a_bad_period_goes_back_to_the_form(personas: Personas) -> None:
    response = personas.client("board_member").get(
        reverse("reporting:export_csv"), {"date_from": "2025-06-30", "date_to": "2025-01-01"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reporting:report") + "?")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def read_csv(response: object) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_csv_export_states_its_scope_and_holds_no_small_number(personas: Personas) -> None:
    seed(personas)
    response = personas.client("board_member").get(reverse("reporting:export_csv"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rapportage-')
    rows = read_csv(response)
    header = {row[0]: row[1:] for row in rows[:8] if row}
    assert header["Zorg- en Veiligheidshuis"] == [personas.house.name]
    assert header["Periode"] == ["2025-01-01 t/m 2025-06-30"]
    assert header["Drempel"][0] == "5"
    assert ["gepseudonimiseerd: bevat geen persoonsgegevens"] in rows
    start = rows.index(["Onderdeel", "Categorie", "Kolom", "Waarde", "Toelichting"])
    values = [row[3] for row in rows[start + 1 :]]
    assert "< 5" in values
    for value in values:
        if re.fullmatch(r"\d+", value):
            assert not 0 < int(value) < 5, value
    assert ["Aanmeldingen per instroomroute", "Totaal", "Aanmeldingen", "20", ""] in rows  # 14 + the 6 cases' referrals


def test_xlsx_export_writes_numbers_and_markers(personas: Personas) -> None:
    seed(personas)
    response = personas.client("house_manager").get(reverse("reporting:export_xlsx"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    assert ["gepseudonimiseerd: bevat geen persoonsgegevens"] == [v for v in rows[4] if v is not None]
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Onderdeel", "Categorie"])
    values = [row[3] for row in rows[start + 1 :]]
    assert 20 in values and "< 5" in values
    assert not [v for v in values if isinstance(v, int) and 0 < v < 5]


@pytest.mark.parametrize(("name", "file_format"), [("reporting:export_csv", "csv"), ("reporting:export_xlsx", "xlsx")])
def test_every_export_is_audited_without_case_or_person(personas: Personas, name: str, file_format: str) -> None:
    seed(personas)
    personas.client("board_member").get(reverse(name), PERIOD)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.actor_role) == (personas.board_member, "board")
    assert event.object_type == "organisations.safetyhouse" and event.object_id == str(personas.house.pk)
    assert event.case_id is None and event.person_id is None
    assert event.changes["report"][1] == {
        "date_from": "2025-01-01",
        "date_to": "2025-06-30",
        "format": file_format,
        "threshold": 5,
    }


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
    csv_bytes = client.get(reverse("reporting:export_csv"), PERIOD).content
    xlsx = client.get(reverse("reporting:export_xlsx"), PERIOD).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        xlsx_text = b"".join(archive.read(name) for name in archive.namelist())
    page = client.get(reverse("reporting:report"), PERIOD).content
    forbidden = set()
    for referral in referrals:
        person = referral.parties.get().person
        forbidden |= {person.given_names, person.surname, referral.concern, referral.concern_source}
        forbidden |= {referral.referrer.full_name, referral.referrer.email}
    forbidden |= {"111222333", "123456782", "010000035", "Verhoeven", "Zorgen over"}
    for needle in forbidden:
        for haystack, label in ((csv_bytes, "csv"), (xlsx_text, "xlsx"), (page, "page")):
            assert needle.encode() not in haystack, f"{needle!r} found in the {label}"


def test_board_start_page_shows_headline_figures_and_the_link(personas: Personas) -> None:
    for _ in range(7):
        submitted_referral(personas, at=moment(2025, 11, 3))
    response = personas.client("board_member").get(reverse("dashboards:start"))
    html = response.content.decode()
    assert "Kerncijfers van de afgelopen 12 maanden" in html
    assert "Aanmeldingen: <strong>7</strong>" in html
    assert reverse("reporting:report") in html
    for name in ("process_director", "professional_a", "administrator"):
        assert "Kerncijfers" not in personas.client(name).get(reverse("dashboards:start")).content.decode()


def test_start_page_headline_figures_are_suppressed(personas: Personas) -> None:
    for _ in range(3):
        submitted_referral(personas, at=moment(2025, 11, 3))
    html = personas.client("board_member").get(reverse("dashboards:start")).content.decode()
    assert "Aanmeldingen: <strong>&lt; 5</strong>" in html


def test_nav_links_the_report_for_its_readers_only(personas: Personas) -> None:
    for name in personas.users:
        client: Client = personas.client(name)
        shows = reverse("reporting:report") in client.get(reverse("dashboards:start")).content.decode()
        assert shows == (name in REPORT_READERS), name


def test_board_start_page_queries_do_not_grow_with_the_data(personas: Personas, django_assert_max_num_queries) -> None:
    mt = meeting_type_of(personas, "Casus-op-Maat")
    municipalities(personas, "Gemeente Aland", "Gemeente Beek")
    for index in range(40):
        submitted_referral(personas, at=moment(2025, 3 + index % 9, 2), decided_after_days=index % 7 or None)
        case_of(personas, meeting_type=mt, opened=moment(2025, 3 + index % 9, 4))
    client = personas.client("board_member")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("dashboards:start")).status_code == 200


def test_report_page_queries_do_not_grow_with_the_data(personas: Personas, django_assert_max_num_queries) -> None:
    seed(personas)
    for index in range(40):
        submitted_referral(personas, at=moment(2025, 1 + index % 6, 5), decided_after_days=3)
    client = personas.client("board_member")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reporting:report"), PERIOD).status_code == 200


def test_the_note_on_small_numbers_says_which_numbers_are_hidden(personas: Personas) -> None:
    # With the threshold at 5, a 5 is shown: the hidden numbers are 1 up to and including 4.
    page = personas.client("house_manager").get(reverse("reporting:report")).content.decode()
    assert "een aantal van 1 tot en met 4 staat als" in page
    csv = personas.client("house_manager").get(reverse("reporting:export_csv")).content.decode("utf-8-sig")
    assert "aantallen van 1 tot en met 4 staan als '< 5'" in csv

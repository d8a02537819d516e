"""The leak table of the reports (see casustafel/testing/leak.py): the dashboards, the catalogue
and the annual report for the board, the house manager and the process directors, each of their
own house; the drill-down to cases for the process directors only. No name of a person in the
scenario's case may appear on an aggregate page or export, for anyone; the drill-down shows the
case's subject to the house's own process director."""

from __future__ import annotations

from casustafel.reporting.grid import Grain, last_complete
from casustafel.testing.leak import NOBODY, OUTSIDER_PROCESS_DIRECTOR, LeakCase, LeakScenario, register

REPORT_READERS = frozenset({"process_director", "house_manager", "board_member", OUTSIDER_PROCESS_DIRECTOR})
CATALOGUE_KEEPERS = frozenset({"process_director", "house_manager", OUTSIDER_PROCESS_DIRECTOR})
NARRATIVE_WRITERS = frozenset({"house_manager", "board_member"})


def _subject_surname(scenario: LeakScenario) -> str:
    return scenario.party.person.surname


def _year() -> dict[str, object]:
    return {"year": last_complete(Grain.YEAR).year}


def _drill(scenario: LeakScenario) -> str:
    # The year the scenario's case was opened in is not complete yet (it is opened today), so
    # the drill-down of the caseload of the last completed year lists nothing: the case is
    # listed by the tests of the drill-down itself; here only who gets in is checked.
    del scenario
    return f"source=caseload_end&cell=h%7C*&period={last_complete(Grain.YEAR).key}"


register(
    # Looking at a report page is audited like an export: one READ event on the house.
    LeakCase("reporting:report", sees=REPORT_READERS, shows=_subject_surname, shown_to=NOBODY, reads=1),
    LeakCase("reporting:export_csv", sees=REPORT_READERS, shows=_subject_surname, shown_to=NOBODY, reads=0),
    # The XLSX is zipped: its content is searched for names in tests/test_views.py.
    LeakCase("reporting:export_xlsx", sees=REPORT_READERS, reads=0),
    LeakCase(
        "reporting:drill",
        sees=frozenset({"process_director", OUTSIDER_PROCESS_DIRECTOR}),
        query=_drill,
        reads=0,
    ),
    LeakCase("reporting:catalogue", sees=REPORT_READERS, shows=_subject_surname, shown_to=NOBODY, reads=1),
    LeakCase("reporting:catalogue_csv", sees=REPORT_READERS, reads=0),
    LeakCase("reporting:catalogue_xlsx", sees=REPORT_READERS, reads=0),
    LeakCase("reporting:annual_report", sees=REPORT_READERS, shows=_subject_surname, shown_to=NOBODY, reads=1),
    LeakCase("reporting:annual_status", sees=REPORT_READERS, kwargs=lambda scenario: _year(), reads=0),
)

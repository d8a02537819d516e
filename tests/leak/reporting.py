"""The leak table of the reports (see casustafel/testing/leak.py): the page and its exports,
for the board, the house manager and the process directors, each of their own house. No
name of a person in the scenario's case may appear in any of them, for anyone."""

from __future__ import annotations

from casustafel.testing.leak import NOBODY, OUTSIDER_PROCESS_DIRECTOR, LeakCase, LeakScenario, register

REPORT_READERS = frozenset({"process_director", "house_manager", "board_member", OUTSIDER_PROCESS_DIRECTOR})


def _subject_surname(scenario: LeakScenario) -> str:
    return scenario.party.person.surname


register(
    LeakCase("reporting:report", sees=REPORT_READERS, shows=_subject_surname, shown_to=NOBODY, reads=0),
    LeakCase("reporting:export_csv", sees=REPORT_READERS, shows=_subject_surname, shown_to=NOBODY, reads=0),
    # The XLSX is zipped: its content is searched for names in tests/test_views.py.
    LeakCase("reporting:export_xlsx", sees=REPORT_READERS, reads=0),
)

"""The leak test (issue 4): every case-scoped URL of the project, for every persona, gives
exactly the expected people access; the scoped querysets return exactly the expected objects.

The table lives in `tests/leak/<app>.py`; the machinery and the scenario in
`casustafel/testing/leak.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import pytest

from casustafel.cases.models import Case, Referral
from casustafel.testing.leak import (
    FAST_PATCHES,
    OUTSIDER_PROCESS_DIRECTOR,
    PROFESSIONAL_C,
    SUBSTITUTE_CURRENT,
    SUBSTITUTE_EXPIRED,
    LeakCase,
    LeakScenario,
    all_url_patterns,
    build_leak_scenario,
    check_leak_case,
    collect_leak_cases,
    in_leak_scope,
    persona_clients,
    route_kwargs,
    scoped_url_patterns,
)
from casustafel.testing.personas import ANONYMOUS, Personas

pytestmark = pytest.mark.django_db

LEAK_CASES = collect_leak_cases()


@pytest.fixture
def scenario(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> LeakScenario:
    for target, replacement in FAST_PATCHES.items():
        monkeypatch.setattr(target, replacement)
    return build_leak_scenario(personas)


# --- The table covers the project ---------------------------------------------------------


def test_every_case_scoped_url_is_in_the_leak_table() -> None:
    registered = {case.url_name for case in LEAK_CASES}
    patterns = scoped_url_patterns()
    unnamed = sorted(pattern.route for pattern in patterns if not pattern.name)
    missing = sorted(f"{pattern.name} ({pattern.route})" for pattern in patterns if pattern.name not in registered)
    assert not unnamed, f"case-scoped URL patterns without a name cannot be in the leak table: {unnamed}"
    assert not missing, (
        "these URLs are not in the leak table; register them in tests/leak/<app>.py "
        f"with exactly who may see them: {missing}"
    )
    assert len(patterns) > 50  # the walk really found the project's URLs


def test_every_registered_url_exists() -> None:
    routes = {pattern.name: pattern.route for pattern in all_url_patterns() if pattern.name}
    unknown = [case.key for case in LEAK_CASES if case.url_name not in routes]
    assert not unknown, f"the leak table names URLs that do not exist: {unknown}"
    for case in LEAK_CASES:
        reverse(case.url_name, kwargs={name: 1 for name in route_kwargs(routes[case.url_name])})


@pytest.mark.parametrize(
    ("route", "scoped"),
    [
        ("/casussen/<int:pk>/", True),
        ("/privacy/logboek/", True),
        ("/overleggen/<int:case_pk>/agenda/", True),  # a case id, wherever it lives
        ("/overleggen/<int:meeting_pk>/betrokkene/<int:person_pk>/", True),
        ("/api/v1/anything/", True),
        ("/overleggen/overlegtypen/<int:pk>/", False),
        ("/beheer/gebruikers/<int:pk>/", False),
    ],
)
def test_the_scope_rule(route: str, scoped: bool) -> None:
    assert in_leak_scope(route) is scoped


# --- Who gets in, per URL -----------------------------------------------------------------


# The table takes minutes to walk: in shards, so that pytest-xdist's workers share it.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"shard{shard + 1}of{SHARDS}")
def test_every_case_scoped_url_lets_in_exactly_the_expected_personas(scenario: LeakScenario, shard: int) -> None:
    clients = persona_clients(scenario.personas)
    problems = [problem for case in LEAK_CASES[shard::SHARDS] for problem in check_leak_case(scenario, clients, case)]
    assert not problems, "leak table mismatches:\n  " + "\n  ".join(problems)


def test_the_leak_check_catches_a_leak(scenario: LeakScenario) -> None:
    """The machinery fails when an expectation is wrong in either direction."""
    clients = persona_clients(scenario.personas)
    too_narrow = LeakCase("cases:case_detail", sees=frozenset({"process_director"}), kwargs=lambda s: {"pk": s.case.pk})
    problems = check_leak_case(scenario, clients, too_narrow)
    assert "GET cases:case_detail as professional_a: expected 404, got 200" in problems
    assert f"GET cases:case_detail as {SUBSTITUTE_CURRENT}: expected 404, got 200" in problems
    too_wide = LeakCase(
        "cases:case_detail",
        sees=frozenset({"process_director", "professional_b", PROFESSIONAL_C}),
        kwargs=lambda s: {"pk": s.case.pk},
    )
    problems = check_leak_case(scenario, clients, too_wide)
    assert f"GET cases:case_detail as {PROFESSIONAL_C}: expected 200, got 404" in problems
    wrong_marker = LeakCase(
        "cases:case_list",
        sees=frozenset(
            {
                "process_director",
                "secretary",
                "professional_a",
                "ambassador_a",
                "professional_b",
                PROFESSIONAL_C,
                SUBSTITUTE_CURRENT,
                SUBSTITUTE_EXPIRED,
                OUTSIDER_PROCESS_DIRECTOR,
            }
        ),
        shows=lambda s: reverse("cases:case_detail", args=[s.case.pk]),
        shown_to=frozenset({"process_director"}),
    )
    problems = check_leak_case(scenario, clients, wrong_marker)
    assert any(p.startswith("GET cases:case_list as secretary: shows") for p in problems)


# --- The scoped querysets -----------------------------------------------------------------


def _expected_for(names: list[str], **sets: set[Any]) -> dict[str, set[Any]]:
    return {name: sets.get(name, set()) for name in names if name != ANONYMOUS}


def test_case_visible_to_gives_exactly_the_expected_cases(scenario: LeakScenario) -> None:
    case, other = scenario.case.pk, scenario.other_case.pk
    # The plans' scenario step closes a second case of the house: house staff only, until destruction.
    closed = {scenario.extra["closed"].pk}
    expected = _expected_for(
        scenario.personas.names,
        process_director={case} | closed,
        secretary={case} | closed,
        professional_a={case},
        ambassador_a={case},
        substitute_current={case},
        professional_e={case},
        outsider_process_director={other},
    )
    actual = {
        name: set(Case.objects.visible_to(scenario.personas.users[name]).values_list("pk", flat=True))
        for name in expected
    }
    assert actual == expected
    assert not Case.objects.visible_to(AnonymousUser()).exists()


def test_referral_visible_to_gives_exactly_the_expected_referrals(scenario: LeakScenario) -> None:
    referral, draft, other = scenario.referral.pk, scenario.draft.pk, scenario.other_referral.pk
    closed = {scenario.extra["closed"].referral_id}  # the plans' closed case, referred by org_a
    expected = _expected_for(
        scenario.personas.names,
        process_director={referral} | closed,
        secretary={referral} | closed,
        professional_a={referral, draft} | closed,
        ambassador_a={referral, draft} | closed,
        outsider_process_director={other},
    )
    actual = {
        name: set(Referral.objects.visible_to(scenario.personas.users[name]).values_list("pk", flat=True))
        for name in expected
    }
    assert actual == expected

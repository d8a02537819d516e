"""The leak test: for every case-scoped URL of the project and every persona, exactly who
gets in (issue 4, "a leak test that is hard to fool").

How it fits together:

- `build_leak_scenario(personas)` builds one house with one case and its neighbours: org_a
  involved (it referred the case), org_b never involved, org_c involved and then ended, a
  substitute of professional_a whose window is current and one whose window has ended, a board
  member, another house with its own case and process director, and anonymous visitors.
- Every app declares its URLs in a module of the test package `tests/leak/` (`tests/leak/<app>.py`,
  or `tests/leak/<app>_<topic>.py`; every module there is collected) that calls
  `register(LeakCase(...), ...)`: the URL name, how to build its arguments from the scenario,
  the method, and the exact set of personas that get in (`sees`); optionally who gets 403
  (`forbidden`: they may see the object but not do this), a marker that must appear only for
  `shown_to` (lists), and the number of READ audit events one view writes (`reads`).
  Apps that need more objects add a `@scenario_step` that stores them in `scenario.extra`.
- `tests/test_leak.py` walks the URL resolver: every pattern under `LEAK_SCOPE_PREFIXES` or
  with a case/referral/person id in its route must be registered, so a new view cannot skip
  the leak test. Then it runs every registered case for every persona, each request inside a
  transaction that is rolled back (writes change nothing for the next persona), and also tries
  the other method (GET for a POST view and the reverse) as every persona who is refused.

Rules for a persona that is not in `sees`: anonymous is sent to the login page; personas in
`forbidden` get 403; everyone else gets 404 (never 403, which would reveal existence).
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import (
    Case,
    CaseInvolvement,
    CaseParty,
    InformationRequest,
    LifeDomainProblem,
    PartyRole,
    PriorAction,
    Referral,
    ReferralStatus,
    Triage,
)
from casustafel.organisations.models import CaseVisibility, Organisation, Role, Sector
from casustafel.testing.cases import (
    CaseFactory,
    CasePartyFactory,
    InformationRequestFactory,
    LifeDomainProblemFactory,
    PriorActionFactory,
    ReferralFactory,
)
from casustafel.testing.factories import OrganisationFactory, SubstitutionFactory
from casustafel.testing.involvements import end_involvement, involve, open_case
from casustafel.testing.personas import ANONYMOUS, Personas

# --- Which URLs must be in the leak table -----------------------------------------------

# Every URL under these paths must be registered...
LEAK_SCOPE_PREFIXES = ("/casussen/", "/aanmeldingen/", "/personen/", "/privacy/", "/api/", "/leren/")
# ...and every URL whose route names a case, referral, person or party id, wherever it lives.
# (meetings: an agenda item shows a case, so every meeting, item and invitation id is in scope)
LEAK_SCOPE_KWARG = re.compile(r"case|referral|person|party|meeting|item|invitation|notification", re.IGNORECASE)
_ROUTE_KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class ScopedPattern:
    route: str  # "/casussen/<int:pk>/"
    name: str  # "cases:case_detail" ("" when the pattern has no name)


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[ScopedPattern]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield ScopedPattern(
                route="/" + route.lstrip("^"), name=f"{namespace}{pattern.name}" if pattern.name else ""
            )


def route_kwargs(route: str) -> set[str]:
    return {a or b for a, b in _ROUTE_KWARG.findall(route)}


def in_leak_scope(route: str) -> bool:
    return route.startswith(LEAK_SCOPE_PREFIXES) or any(LEAK_SCOPE_KWARG.search(name) for name in route_kwargs(route))


def all_url_patterns() -> list[ScopedPattern]:
    return list(_walk(get_resolver(), "", ""))


def scoped_url_patterns() -> list[ScopedPattern]:
    """Every URL pattern of the project that the leak table must cover."""
    return [pattern for pattern in all_url_patterns() if in_leak_scope(pattern.route)]


# --- The scenario -----------------------------------------------------------------------

# Personas the scenario adds to the standard ones (casustafel/testing/personas.py).
PROFESSIONAL_C = "professional_c"  # org_c: involved in the case, involvement ended
SUBSTITUTE_CURRENT = "substitute_current"  # stands in for professional_a now
SUBSTITUTE_EXPIRED = "substitute_expired"  # stood in for professional_a; window ended
OUTSIDER_PROCESS_DIRECTOR = "outsider_process_director"  # process director of the other house
# org_e limits its cases to the people named (CaseVisibility.NAMED) and is involved in the case.
PROFESSIONAL_E = "professional_e"  # named on org_e's involvement
COLLEAGUE_E = "colleague_e"  # a case worker of org_e who is not named
SUBSTITUTE_FORMER = "substitute_former"  # window current, but their own membership has ended


@dataclass
class LeakScenario:
    personas: Personas
    case: Case
    referral: Referral  # the case's referral (accepted)
    triage: Triage
    party: CaseParty  # the subject of the case
    problem: LifeDomainProblem
    prior_action: PriorAction
    question: InformationRequest
    draft: Referral  # a draft referral of professional_a
    draft_party: CaseParty
    draft_problem: LifeDomainProblem
    draft_prior_action: PriorAction
    org_c: Organisation
    org_d: Organisation
    org_e: Organisation  # limits its cases to the people named; involved
    ended_involvement: CaseInvolvement
    other_case: Case  # in the other house
    other_referral: Referral
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def house(self) -> Any:
        return self.personas.house


ScenarioStep = Callable[[LeakScenario], None]
SCENARIO_STEPS: list[ScenarioStep] = []


def scenario_step(step: ScenarioStep) -> ScenarioStep:
    """Register a function that adds objects to the scenario (in `scenario.extra`), for the
    leak cases of an app that needs more than the case, referral and persons."""
    SCENARIO_STEPS.append(step)
    return step


def build_leak_scenario(personas: Personas) -> LeakScenario:
    """The scenario every leak case runs against. Everything about the case goes through the
    services (open by triage, involve, end); substitutions come from the factory because the
    service only allows colleagues of the same organisation, who would see the case in their
    own right: a substitute from an uninvolved organisation proves the window alone decides."""
    setting = open_case(personas)
    case, referral = setting.case, setting.referral
    house = personas.house
    org_c = OrganisationFactory(house=house, name="GGZ Testregio", sector=Sector.CARE)
    org_d = OrganisationFactory(house=house, name="Reclassering Testregio", sector=Sector.SUPERVISION)
    personas.add(PROFESSIONAL_C, organisation=org_c, role=Role.PROFESSIONAL)
    personas.add(SUBSTITUTE_CURRENT, organisation=org_d, role=Role.PROFESSIONAL)
    personas.add(SUBSTITUTE_EXPIRED, organisation=org_d, role=Role.PROFESSIONAL)
    absent = personas.memberships["professional_a"]
    SubstitutionFactory(absent_membership=absent, substitute=personas.users[SUBSTITUTE_CURRENT])
    SubstitutionFactory(absent_membership=absent, substitute=personas.users[SUBSTITUTE_EXPIRED], expired=True)
    ended = involve(personas, case, org_c, reason="Behandeling moeder")
    end_involvement(personas, ended, reason="Behandeling afgerond")
    org_e = OrganisationFactory(
        house=house, name="Politie Grote Regio", sector=Sector.CRIMINAL_JUSTICE, case_visibility=CaseVisibility.NAMED
    )
    personas.add(PROFESSIONAL_E, organisation=org_e, role=Role.PROFESSIONAL)
    personas.add(COLLEAGUE_E, organisation=org_e, role=Role.PROFESSIONAL)
    involve(personas, case, org_e, reason="Wijkagent", named=[personas.users[PROFESSIONAL_E]])
    personas.add(SUBSTITUTE_FORMER, organisation=org_d, role=Role.PROFESSIONAL)
    former = personas.memberships[SUBSTITUTE_FORMER]
    former.start_date = timezone.localdate() - dt.timedelta(days=30)
    former.end_date = timezone.localdate() - dt.timedelta(days=1)
    former.save()
    SubstitutionFactory(absent_membership=absent, substitute=personas.users[SUBSTITUTE_FORMER])

    draft = ReferralFactory(
        referrer=personas.professional_a,
        referring_organisation=personas.org_a,
        meeting_type=case.meeting_type,
    )
    other_office = personas.memberships["outsider_house"].organisation
    personas.add(OUTSIDER_PROCESS_DIRECTOR, organisation=other_office, role=Role.PROCESS_DIRECTOR)
    other_partner = OrganisationFactory(house=other_office.house, name="Veilig Thuis Elders")
    other_referral = ReferralFactory(
        referring_organisation=other_partner, submitted=True, status=ReferralStatus.ACCEPTED
    )
    CasePartyFactory(referral=other_referral, role=PartyRole.SUBJECT)
    other_case = CaseFactory(
        referral=other_referral,
        meeting_type__house=other_office.house,
        process_director=personas.users[OUTSIDER_PROCESS_DIRECTOR],
    )
    scenario = LeakScenario(
        personas=personas,
        case=case,
        referral=referral,
        triage=referral.triages.get(),
        party=referral.parties.get(role=PartyRole.SUBJECT),
        problem=referral.problems.first(),  # type: ignore[arg-type]
        prior_action=PriorActionFactory(referral=referral),
        question=InformationRequestFactory(referral=referral, asked_by=personas.process_director),
        draft=draft,
        draft_party=CasePartyFactory(referral=draft, role=PartyRole.SUBJECT),
        draft_problem=LifeDomainProblemFactory(referral=draft),
        draft_prior_action=PriorActionFactory(referral=draft),
        org_c=org_c,
        org_d=org_d,
        org_e=org_e,
        ended_involvement=ended,
        other_case=other_case,
        other_referral=other_referral,
    )
    for step in SCENARIO_STEPS:
        step(scenario)
    return scenario


# --- Persona groups (exact sets, named for reading) -------------------------------------

HOUSE_CASE_STAFF = frozenset({"process_director", "secretary"})
# Who sees the scenario's case: house staff, org_a (involved), the current substitute, and of
# org_e (involved, limited to the people named) only the named professional.
CASE_VIEWERS = HOUSE_CASE_STAFF | {"professional_a", "ambassador_a", SUBSTITUTE_CURRENT, PROFESSIONAL_E}
# Who sees the scenario's (submitted) referral: house staff, the referrer and their ambassador.
REFERRAL_VIEWERS = HOUSE_CASE_STAFF | {"professional_a", "ambassador_a"}
# Who may write on a referral of professional_a: the referrer and the ambassador.
REFERRAL_WRITERS = frozenset({"professional_a", "ambassador_a"})
# Everyone working in a role through which cases can be seen.
CASE_ROLES = HOUSE_CASE_STAFF | {
    "professional_a",
    "ambassador_a",
    "professional_b",
    PROFESSIONAL_C,
    SUBSTITUTE_CURRENT,
    SUBSTITUTE_EXPIRED,
    OUTSIDER_PROCESS_DIRECTOR,
    PROFESSIONAL_E,
    COLLEAGUE_E,
}
# Logged in, but no longer a member of any house (SUBSTITUTE_FORMER).
FORMER_MEMBERS = frozenset({SUBSTITUTE_FORMER})
# Every member of the scenario's house (not the other house, not anonymous).
HOUSE_MEMBERS = CASE_ROLES - {OUTSIDER_PROCESS_DIRECTOR} | {
    "house_manager",
    "administrator",
    "privacy_officer",
    "board_member",
}
NOBODY: frozenset[str] = frozenset()


# --- The registry -----------------------------------------------------------------------

Kwargs = Callable[[LeakScenario], Mapping[str, Any]]


def _no_kwargs(scenario: LeakScenario) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class LeakCase:
    """One URL as one request, and exactly who gets in.

    Args:
        url_name: the namespaced URL name ("cases:case_detail").
        sees: the personas that get `ok`; every other persona is refused.
        kwargs: the URL's arguments, from the scenario.
        method: "get" or "post".
        ok: the status of a persona in `sees` (200, or 302 for a POST that succeeds).
        forbidden: personas that get 403 (they see the object but may not do this).
        data: POST data, from the scenario.
        query: a query string to append (without "?").
        htmx: send the request as htmx does.
        shows: a text (from the scenario) that may appear only for `shown_to`: for lists.
        shown_to: the personas in `sees` whose page contains `shows`.
        reads: READ audit events one allowed request writes (None: not checked). A refused
            request must never write one.
        side_door: also try the other method as every refused persona (switch off only with
            a comment saying why the other method is no door into this object).
        label: tells two cases of the same URL apart.
    """

    url_name: str
    sees: frozenset[str]
    kwargs: Kwargs = _no_kwargs
    method: str = "get"
    ok: int = 200
    forbidden: frozenset[str] = NOBODY
    data: Callable[[LeakScenario], Mapping[str, Any]] | None = None
    query: Callable[[LeakScenario], str] | None = None
    htmx: bool = False
    shows: Callable[[LeakScenario], str] | None = None
    shown_to: frozenset[str] | None = None
    reads: int | None = None
    side_door: bool = True
    label: str = ""

    @property
    def key(self) -> str:
        label = f" [{self.label}]" if self.label else ""
        return f"{self.method.upper()} {self.url_name}{label}"

    def url(self, scenario: LeakScenario) -> str:
        url = reverse(self.url_name, kwargs=dict(self.kwargs(scenario)))
        return f"{url}?{self.query(scenario)}" if self.query else url


LEAK_CASES: list[LeakCase] = []

# Slow renderers the leak test replaces (dotted path -> replacement), e.g. PDF generation:
# the leak test is about who gets the response, not about its layout.
FAST_PATCHES: dict[str, Any] = {}


def register(*cases: LeakCase) -> None:
    LEAK_CASES.extend(cases)


# The leak tables are test code: they live in the tests, so product code never imports
# `casustafel.testing`.
LEAK_TABLE_PACKAGE = "tests.leak"


def collect_leak_cases() -> list[LeakCase]:
    """Import every module of the `tests/leak/` package (they register on import) and return
    what they registered."""
    package = importlib.import_module(LEAK_TABLE_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{LEAK_TABLE_PACKAGE}.{module.name}")
    return list(LEAK_CASES)


# --- Running a case ---------------------------------------------------------------------

REFUSED = frozenset({403, 404, 405})


def persona_clients(personas: Personas) -> dict[str, Client]:
    return {name: personas.client(name) for name in personas.names}


def _content(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[attr-defined]
    return bytes(getattr(response, "content", b"")).decode(errors="replace")


@dataclass
class Outcome:
    status: int
    location: str
    content: str
    reads: int
    cache_control: str = ""


def request_once(client: Client, method: str, url: str, data: Mapping[str, Any], *, htmx: bool) -> Outcome:
    """One request inside a transaction that is rolled back afterwards, so a write by one
    persona changes nothing for the next. Returns what the leak test checks."""
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        response = getattr(client, method)(url, data, headers=headers)
        content = _content(response)
        reads = AuditEvent.objects.filter(sequence__gt=last, action=AuditAction.READ).count()
        transaction.set_rollback(True)
    return Outcome(
        response.status_code, response.get("Location", ""), content, reads, response.get("Cache-Control", "")
    )


def check_leak_case(scenario: LeakScenario, clients: Mapping[str, Client], case: LeakCase) -> list[str]:
    """Run `case` as every persona; return what differs from the expectation."""
    names = scenario.personas.names
    problems: list[str] = []
    unknown = (case.sees | case.forbidden | (case.shown_to or NOBODY)) - set(names)
    if unknown:
        return [f"{case.key}: unknown personas {sorted(unknown)}"]
    if case.shown_to is not None and not case.shown_to <= case.sees:
        return [f"{case.key}: shown_to must be a subset of sees"]
    url = case.url(scenario)
    data = dict(case.data(scenario)) if case.data else {}
    other = "post" if case.method == "get" else "get"
    marker = case.shows(scenario) if case.shows else None
    for name in names:
        outcome = request_once(clients[name], case.method, url, data, htmx=case.htmx)
        where = f"{case.key} as {name}"
        if name in case.sees:
            if outcome.status != case.ok:
                problems.append(f"{where}: expected {case.ok}, got {outcome.status}")
            if (
                marker is not None
                and case.shown_to is not None
                and (marker in outcome.content) != (name in case.shown_to)
            ):
                shown = "shows" if marker in outcome.content else "does not show"
                problems.append(f"{where}: {shown} {marker!r}")
            if case.reads is not None and outcome.reads != case.reads:
                problems.append(f"{where}: wrote {outcome.reads} READ audit events, expected {case.reads}")
            if "no-store" not in outcome.cache_control:
                # Pages, PDFs and exports with personal data stay out of browser and proxy caches.
                problems.append(f"{where}: Cache-Control {outcome.cache_control!r} lacks no-store")
            continue
        if name == ANONYMOUS:
            if outcome.status != 302 or "/inloggen/" not in outcome.location:
                problems.append(f"{where}: expected a redirect to the login page, got {outcome.status}")
        else:
            expected = 403 if name in case.forbidden else 404
            if outcome.status != expected:
                problems.append(f"{where}: expected {expected}, got {outcome.status}")
            if marker is not None and marker in outcome.content:
                problems.append(f"{where}: refused, but shows {marker!r}")
        if outcome.reads:
            problems.append(f"{where}: refused, but wrote {outcome.reads} READ audit events")
        if name in case.forbidden or not case.side_door:
            continue
        # The other method must not open a side door for someone refused.
        side = request_once(clients[name], other, url, data, htmx=case.htmx)
        side_refused = side.status in REFUSED or (side.status == 302 and "/inloggen/" in side.location)
        if not side_refused or side.reads:
            problems.append(
                f"{other.upper()} {case.url_name} as {name} (refused on {case.method.upper()}): got {side.status}"
            )
    return problems

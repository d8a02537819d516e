"""The leak table of the escalations app (see casustafel/testing/leak.py).

The scenario's case has two escalations raised by the process director with org_a as party: one
at the process director's level, one moved up to the house manager. House staff see both; org_a's
people see both (they see the case and their organisation is a party); the house manager sees
only the one at their level, without seeing the case.
"""

from __future__ import annotations

from casustafel.testing.leak import (
    CASE_VIEWERS,
    HOUSE_CASE_STAFF,
    SUBSTITUTE_CURRENT,
    LeakCase,
    LeakScenario,
    register,
    scenario_step,
)
from casustafel.testing.plans import raise_escalation

PROCESS_DIRECTOR = frozenset({"process_director"})
# Who sees an escalation of the scenario's case with org_a as party.
PARTY_VIEWERS = HOUSE_CASE_STAFF | {"professional_a", "ambassador_a"}


@scenario_step
def escalations(s: LeakScenario) -> None:
    s.extra["escalation"] = raise_escalation(s.personas, s.case)
    s.extra["escalation_up"] = raise_escalation(s.personas, s.case, up=1)


def _low(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.extra["escalation"].pk}


def _high(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.extra["escalation_up"].pk}


register(
    LeakCase("escalations:case_escalations", sees=CASE_VIEWERS, kwargs=lambda s: {"pk": s.case.pk}, reads=1),
    LeakCase(
        "escalations:case_escalations",
        method="post",
        sees=CASE_VIEWERS,
        kwargs=lambda s: {"pk": s.case.pk},
        reads=1,
        label="invalid",
    ),
    LeakCase("escalations:detail", sees=PARTY_VIEWERS, kwargs=_low, reads=1),
    LeakCase(
        "escalations:detail", sees=PARTY_VIEWERS | {"house_manager"}, kwargs=_high, reads=1, label="house manager"
    ),
    LeakCase(
        "escalations:step_up",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=PARTY_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_low,
        reads=1,
    ),
    LeakCase(
        "escalations:answer",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=PARTY_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_low,
        reads=1,
    ),
    LeakCase(
        "escalations:answer",
        method="post",
        sees=PROCESS_DIRECTOR | {"house_manager"},
        forbidden=PARTY_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_high,
        reads=1,
        label="house manager",
    ),
    LeakCase(
        "escalations:resolve",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=PARTY_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_low,
        reads=1,
    ),
)

assert SUBSTITUTE_CURRENT in CASE_VIEWERS - PARTY_VIEWERS  # sees the case, not its escalations

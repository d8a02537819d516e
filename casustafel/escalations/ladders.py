"""The ladders escalations climb, with their terms in working days.

Case direction (seed 003, section 8.3): steps 1-4 stay with the process director and have no
fixed term (the process director may set one); step 5 gives the directorates 10 working days,
step 6 the public administration another 10. Every other reason climbs the levels, each with the
same term: process director, house manager, partner management, public administration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from casustafel.escalations.models import EscalationLevel, EscalationReason, EscalationStep
from casustafel.lib.dates import add_working_days


@dataclass(frozen=True)
class Rung:
    step: EscalationStep
    level: EscalationLevel
    has_term: bool

    def deadline(self, start: dt.date) -> dt.date | None:
        """The last working day of this step's term when it starts on `start`."""
        if not self.has_term:
            return None
        return add_working_days(start, settings.ESCALATION_TERM_WORKING_DAYS)


CASE_DIRECTION_LADDER = (
    Rung(EscalationStep.REPORTED, EscalationLevel.PROCESS_DIRECTOR, has_term=False),
    Rung(EscalationStep.TALKS, EscalationLevel.PROCESS_DIRECTOR, has_term=False),
    Rung(EscalationStep.PROPOSAL, EscalationLevel.PROCESS_DIRECTOR, has_term=False),
    Rung(EscalationStep.TAKEOVER, EscalationLevel.PROCESS_DIRECTOR, has_term=False),
    Rung(EscalationStep.DIRECTORATE, EscalationLevel.PARTNER_MANAGEMENT, has_term=True),
    Rung(EscalationStep.PUBLIC_ADMINISTRATION, EscalationLevel.PUBLIC_ADMINISTRATION, has_term=True),
)

LEVEL_LADDER = (
    Rung(EscalationStep.AT_PROCESS_DIRECTOR, EscalationLevel.PROCESS_DIRECTOR, has_term=True),
    Rung(EscalationStep.AT_HOUSE_MANAGER, EscalationLevel.HOUSE_MANAGER, has_term=True),
    Rung(EscalationStep.AT_PARTNER_MANAGEMENT, EscalationLevel.PARTNER_MANAGEMENT, has_term=True),
    Rung(EscalationStep.AT_PUBLIC_ADMINISTRATION, EscalationLevel.PUBLIC_ADMINISTRATION, has_term=True),
)


def ladder(reason: str) -> tuple[Rung, ...]:
    return CASE_DIRECTION_LADDER if reason == EscalationReason.CASE_DIRECTION else LEVEL_LADDER


def rung_of(reason: str, step: str) -> Rung:
    for rung in ladder(reason):
        if rung.step == step:
            return rung
    raise ValueError(f"step {step!r} is not on the ladder of {reason!r}")


def next_rung(reason: str, step: str) -> Rung | None:
    rungs = ladder(reason)
    index = [rung.step for rung in rungs].index(EscalationStep(step))
    return rungs[index + 1] if index + 1 < len(rungs) else None

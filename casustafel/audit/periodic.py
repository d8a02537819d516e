"""The audit trail's share of the periodic work (`casustafel tick`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from casustafel.audit.sealing import audit_seal
from casustafel.audit.verification import ChainProblem, audit_verify_new

# Work that examines newly sealed events, run after sealing: dotted paths to callables that
# return how many findings they added or extended. The privacy app's detectors register here.
EXAMINERS: tuple[str, ...] = ("casustafel.privacy.access_log.detectors.detect_new_patterns",)


@dataclass
class TickResult:
    seals: int = 0
    events_sealed: int = 0
    findings: int = 0
    problems: list[ChainProblem] = field(default_factory=list)


def audit_tick() -> TickResult:
    """Seal, verify the new seals, examine the new events. Each step is idempotent."""
    seals = audit_seal()
    result = TickResult(seals=len(seals), events_sealed=sum(seal.event_count for seal in seals))
    result.problems = audit_verify_new()
    for path in EXAMINERS:
        examine: Callable[[], int] = import_string(path)
        result.findings += examine()
    return result


class AuditTrailNotIntact(Exception):
    """Raised by the periodic job when new seals do not verify: the tick reports the job as
    failed (and exits non-zero) while the problems stay on the privacy officer's integrity page."""


def audit_work() -> dict[str, int]:
    """The audit trail's job in `settings.PERIODIC_WORK` (first: the later jobs' events are
    sealed on the next run)."""
    result = audit_tick()
    if result.problems:
        raise AuditTrailNotIntact(f"{len(result.problems)} problem(s) in the new seals")
    return {
        "audit_events_sealed": result.events_sealed,
        "audit_seals": result.seals,
        "access_log_findings": result.findings,
    }

"""Reading and checking the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from casustafel.audit.models import AuditChainHead, AuditEvent
from casustafel.audit.services import GENESIS_HASH, REDACTED_CHANGES, changes_digest, event_hash


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    problem: str


def audit_chain_verify(*, batch_size: int = 2000) -> list[ChainProblem]:
    """Walk the whole trail and report every event whose content, order or link was altered.

    Returns an empty list when the chain is intact.
    """
    problems: list[ChainProblem] = []
    expected_sequence = 1
    prev_hash = GENESIS_HASH
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for event in events:
        if event.sequence != expected_sequence:
            problems.append(ChainProblem(event.sequence, f"expected sequence {expected_sequence}"))
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.sequence, "link to the previous event is broken"))
        # Changes blanked by the retention job (REDACTED_CHANGES) no longer match their digest;
        # the digest itself is still covered by the event hash below.
        if event.changes != REDACTED_CHANGES and changes_digest(event.changes) != event.changes_digest:
            problems.append(ChainProblem(event.sequence, "recorded changes were altered"))
        if event_hash(event) != event.hash:
            problems.append(ChainProblem(event.sequence, "event content was altered"))
        prev_hash = event.hash
        expected_sequence = event.sequence + 1
    head = AuditChainHead.objects.get(pk=1)
    if head.sequence != expected_sequence - 1 or head.last_hash != prev_hash:
        problems.append(ChainProblem(head.sequence, "newest events are missing (chain head does not match)"))
    return problems

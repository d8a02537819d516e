"""Reading the audit trail: which events concern a person, a case or a referral, and the state
of a house's chain. (The integrity check itself is in `verification.py`.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from casustafel.audit.models import (
    AuditAction,
    AuditChain,
    AuditEvent,
    AuditPending,
    AuditSubject,
    AuditVerification,
    SubjectKind,
)
from casustafel.audit.verification import ChainProblem, audit_chain_verify

__all__ = ["ChainProblem", "audit_chain_verify", "chain_of", "events_about", "latest_verifications", "pending_count"]


def events_about(
    *,
    person_ids: Iterable[int] = (),
    case_ids: Iterable[int] = (),
    referral_ids: Iterable[int] = (),
    attempts: bool = False,
) -> QuerySet[AuditEvent]:
    """Every event that concerns one of these persons or cases, or acts on one of these
    referrals: through the event's own `person_id` / `case_id`, through a linked subject (a list
    or search that showed them, `audit_list`), or as the referral object.

    The one query behind the privacy officer's filter by person or case and the subject-access
    overview's "who accessed your data"; each part is served by its own index and combined with
    UNION, so it stays fast on a trail of tens of millions of events.

    Args:
        attempts: also refused attempts on these cases and referrals (security events, for the
            privacy officer). Never for the subject-access overview: a refusal is no access.
    """
    persons = sorted(set(person_ids))
    cases = sorted(set(case_ids))
    referrals = sorted({str(pk) for pk in referral_ids})
    parts: list[QuerySet[Any, dict[str, Any]]] = []
    if persons:
        parts.append(AuditEvent.objects.filter(person_id__in=persons).values("sequence"))
        parts.append(AuditSubject.objects.filter(kind=SubjectKind.PERSON, subject_id__in=persons).values("event_id"))
    if cases:
        parts.append(AuditEvent.objects.filter(case_id__in=cases).values("sequence"))
        parts.append(AuditSubject.objects.filter(kind=SubjectKind.CASE, subject_id__in=cases).values("event_id"))
        if attempts:
            parts.append(
                AuditEvent.objects.filter(object_type="cases.case", object_id__in=[str(pk) for pk in cases]).values(
                    "sequence"
                )
            )
    if referrals:
        parts.append(
            AuditEvent.objects.filter(object_type="cases.referral", object_id__in=referrals).values("sequence")
        )
    if not parts:
        return AuditEvent.objects.none()
    # No ORDER BY inside a compound statement (the model's default ordering would add one).
    first, *rest = (part.order_by() for part in parts)
    events = AuditEvent.objects.filter(sequence__in=first.union(*rest))  # type: ignore[arg-type]
    return events if attempts else events.exclude(action=AuditAction.ACCESS_DENIED)


def chain_of(house_id: int | None) -> AuditChain | None:
    """The house's chain, if anything was sealed or verified for it yet."""
    if house_id is None:
        return AuditChain.objects.filter(house__isnull=True).order_by("pk").first()
    return AuditChain.objects.filter(house_id=house_id).first()


def pending_count(house_id: int | None) -> int:
    """The house's events written since the sealer last ran."""
    return AuditPending.objects.filter(house_id=house_id).count()


def latest_verifications(chain: AuditChain, *, limit: int = 5) -> list[AuditVerification]:
    return list(chain.verifications.select_related("requested_by").order_by("-created_at")[:limit])

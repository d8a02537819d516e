"""Checking the audit trail: every event's keyed hash, every seal's members, digest, link and
signature, and that every event of a chain is either sealed or still pending.

- `audit_verify_new()` (periodic work): only the seals added since the last run, per chain.
- `audit_verify_chain(chain)` (a background task, `casustafel verify_audit`): the whole chain.
  It reports progress through a callback, so the integrity page can show it.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.audit.integrity import (
    GENESIS_DIGEST,
    REDACTED_CHANGES,
    changes_digest,
    decode_members,
    event_hash,
    same,
    seal_digest,
    seal_signature,
)
from casustafel.audit.models import (
    AuditChain,
    AuditEvent,
    AuditPending,
    AuditSeal,
    AuditSubject,
    AuditVerification,
    VerificationKind,
    VerificationStatus,
)
from casustafel.audit.sealing import chain_for

CHUNK = 1000
# At most this many problems are kept per run; the count is always exact.
MAX_PROBLEMS_KEPT = 1000

# Problem codes, with the English text the command prints and the Dutch text the page shows.
PROBLEMS: dict[str, tuple[str, object]] = {
    "event_altered": ("event content was altered", _("de inhoud van de gebeurtenis is veranderd")),
    "changes_altered": ("recorded changes were altered", _("de vastgelegde wijzigingen zijn veranderd")),
    "event_missing": (
        "a sealed event is missing (removed)",
        _("een verzegelde gebeurtenis ontbreekt (verwijderd)"),
    ),
    "event_foreign": (
        "a sealed event was moved to another house",
        _("een verzegelde gebeurtenis is naar een ander huis verplaatst"),
    ),
    "event_unsealed": (
        "event is neither sealed nor waiting to be sealed (inserted afterwards)",
        _("gebeurtenis is niet verzegeld en wacht er ook niet op (achteraf toegevoegd)"),
    ),
    "events_unsealed": (
        "events are neither sealed nor waiting to be sealed (inserted afterwards)",
        _("gebeurtenissen zijn niet verzegeld en wachten er ook niet op (achteraf toegevoegd)"),
    ),
    "seal_altered": (
        "seal was altered (signature does not match)",
        _("een verzegeling is veranderd (de handtekening klopt niet)"),
    ),
    "seal_digest": (
        "the events of the seal do not match it (removed, inserted or reordered)",
        _("de gebeurtenissen van de verzegeling kloppen niet (verwijderd, toegevoegd of verschoven)"),
    ),
    "seal_link": (
        "seal does not link to its predecessor (a seal was removed or inserted)",
        _("de verzegeling sluit niet aan op de vorige (verzegeling verwijderd of toegevoegd)"),
    ),
    "head_mismatch": (
        "newest seals are missing (chain head does not match)",
        _("de nieuwste verzegelingen ontbreken (de kop van de keten klopt niet)"),
    ),
}


@dataclass(frozen=True)
class ChainProblem:
    """One finding of the check: the event's sequence number (for a seal: its last member)."""

    sequence: int
    problem: str
    code: str = ""
    seal: int | None = None

    @classmethod
    def of(cls, code: str, sequence: int, *, seal: int | None = None) -> ChainProblem:
        return cls(sequence=sequence, problem=PROBLEMS[code][0], code=code, seal=seal)

    def as_json(self) -> dict[str, object]:
        return {"sequence": self.sequence, "code": self.code, "seal": self.seal}


def problem_label(code: str) -> str:
    """The Dutch (active language) text of a problem code."""
    return str(PROBLEMS[code][1]) if code in PROBLEMS else code


@dataclass
class Progress:
    seals_done: int = 0
    events_checked: int = 0
    problems: list[ChainProblem] = field(default_factory=list)


# The columns the keyed hash covers, read as plain tuples: building model instances and long
# IN lists would cost more than the hashing itself.
EventRow = namedtuple(  # noqa: PYI024 - a plain tuple with attribute access for event_hash
    "EventRow",
    "sequence house_id occurred_at actor_id actor_organisation_id actor_role on_behalf_of_id action object_type "
    "object_id case_id person_id changes changes_digest request_id ip_address nonce hash",
)


def _check_rows(
    rows: Iterable[EventRow], subjects: dict[int, list[tuple[str, int]]], seal_number: int | None
) -> tuple[dict[int, str], list[ChainProblem]]:
    """Recompute the keyed hash of each event; returns the stored hashes and the problems."""
    stored: dict[int, str] = {}
    problems: list[ChainProblem] = []
    for row in rows:
        stored[row.sequence] = row.hash
        if row.changes != REDACTED_CHANGES and changes_digest(row.changes) != row.changes_digest:
            problems.append(ChainProblem.of("changes_altered", row.sequence, seal=seal_number))
        if not same(event_hash(row, subjects.get(row.sequence, ())), row.hash):  # type: ignore[arg-type]
            problems.append(ChainProblem.of("event_altered", row.sequence, seal=seal_number))
    return stored, problems


def _range(house_id: int | None, first: int, last: int) -> tuple[list[EventRow], dict[int, list[tuple[str, int]]]]:
    """The chain's events with a sequence in [first, last], and their linked subjects."""
    rows = [
        EventRow(*values)
        for values in AuditEvent.objects.filter(house_id=house_id, sequence__gte=first, sequence__lte=last)
        .order_by()
        .values_list(*EventRow._fields)
    ]
    subjects: dict[int, list[tuple[str, int]]] = {}
    for event_id, kind, subject_id in AuditSubject.objects.filter(event_id__gte=first, event_id__lte=last).values_list(
        "event_id", "kind", "subject_id"
    ):
        subjects.setdefault(event_id, []).append((kind, subject_id))
    return rows, subjects


def _strays(chain: AuditChain, seal: AuditSeal, candidates: set[int]) -> list[ChainProblem]:
    """Of the chain's events within the seal's range that the seal does not hold, those that no
    other seal holds and none waits to be sealed."""
    if not candidates:
        return []
    # Events that committed late wait for, or went into, a later seal whose range reaches back.
    # Pending first: an event sealed between the two reads is then found in its seal.
    candidates = candidates.difference(
        AuditPending.objects.filter(event_id__in=sorted(candidates)).values_list("event_id", flat=True)
    )
    for other in AuditSeal.objects.filter(
        chain=chain, first_sequence__lte=seal.last_sequence, last_sequence__gte=seal.first_sequence
    ).exclude(pk=seal.pk):
        candidates.difference_update(decode_members(other.members))
    return [ChainProblem.of("event_unsealed", sequence, seal=seal.number) for sequence in sorted(candidates)]


def verify_seal(chain: AuditChain, seal: AuditSeal, prev_digest: str) -> tuple[list[ChainProblem], int]:
    """Check one seal against its events and its predecessor's digest: one range read of the
    chain's events (with their links) between its first and last member.

    Returns:
        The problems, and the number of events checked.
    """
    problems: list[ChainProblem] = []
    members = decode_members(seal.members)
    expected_signature = seal_signature(
        chain_id=chain.pk,
        number=seal.number,
        first=seal.first_sequence,
        last=seal.last_sequence,
        count=seal.event_count,
        prev_digest=seal.prev_digest,
        digest=seal.digest,
    )
    if not same(expected_signature, seal.signature) or (
        members
        and (len(members) != seal.event_count or members[0] != seal.first_sequence or members[-1] != seal.last_sequence)
    ):
        problems.append(ChainProblem.of("seal_altered", seal.last_sequence, seal=seal.number))
    if seal.prev_digest != prev_digest:
        problems.append(ChainProblem.of("seal_link", seal.last_sequence, seal=seal.number))
    member_set = set(members)
    rows, subjects = _range(chain.house_id, seal.first_sequence, seal.last_sequence)
    stored, event_problems = _check_rows((row for row in rows if row.sequence in member_set), subjects, seal.number)
    problems.extend(event_problems)
    missing = [sequence for sequence in members if sequence not in stored]
    if missing:
        moved = set(AuditEvent.objects.filter(sequence__in=missing).values_list("sequence", flat=True))
        problems.extend(
            ChainProblem.of("event_foreign" if sequence in moved else "event_missing", sequence, seal=seal.number)
            for sequence in missing
        )
    digest = seal_digest(seal.prev_digest, seal.number, (stored.get(sequence, "") for sequence in members))
    if digest != seal.digest:
        problems.append(ChainProblem.of("seal_digest", seal.last_sequence, seal=seal.number))
    problems.extend(_strays(chain, seal, {row.sequence for row in rows} - member_set))
    return problems, len(stored)


def _walk(
    chain: AuditChain,
    seals: Iterable[AuditSeal],
    *,
    after: int,
    prev_digest: str,
    progress: Progress,
    report: Callable[[Progress], None] | None,
) -> tuple[int, str]:
    expected = after + 1
    for seal in seals:
        if seal.number != expected:
            # A gap in the numbers: seals were removed. The link check of this seal reports it too.
            progress.problems.append(ChainProblem.of("seal_link", seal.last_sequence, seal=seal.number))
        problems, checked = verify_seal(chain, seal, prev_digest)
        progress.problems.extend(problems)
        progress.seals_done += 1
        progress.events_checked += checked
        prev_digest = seal.digest
        expected = seal.number + 1
        if report is not None:
            report(progress)
    return expected - 1, prev_digest


def _pending_problems(chain: AuditChain) -> tuple[list[ChainProblem], int]:
    """The keyed hashes of the chain's events that wait to be sealed."""
    pending = set(AuditPending.objects.filter(house_id=chain.house_id).values_list("event_id", flat=True))
    if not pending:
        return [], 0
    rows, subjects = _range(chain.house_id, min(pending), max(pending))
    _stored, problems = _check_rows((row for row in rows if row.sequence in pending), subjects, None)
    return problems, len(pending)


def _counts(chain: AuditChain) -> tuple[int, int, int]:
    """Events of the chain, its pending marks and the events its seals hold, read in one
    statement so a seal made meanwhile cannot make them disagree."""
    house_clause = "house_id IS NULL" if chain.house_id is None else "house_id = %s"
    params = [] if chain.house_id is None else [chain.house_id]
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {AuditEvent._meta.db_table} WHERE {house_clause}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {AuditPending._meta.db_table} WHERE {house_clause}),"
        f" (SELECT COALESCE(SUM(event_count), 0) FROM {AuditSeal._meta.db_table} WHERE chain_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, chain.pk])
        events, pending, sealed = cursor.fetchone()
    return int(events), int(pending), int(sealed)


def audit_verify_chain(chain: AuditChain, *, report: Callable[[Progress], None] | None = None) -> Progress:
    """Verify the whole chain: every seal in order up to the head as it stands at the start, the
    pending events, and that the chain holds no event that is neither sealed nor pending."""
    chain.refresh_from_db(fields=["sealed_number", "sealed_digest"])
    head_number, head_digest = chain.sealed_number, chain.sealed_digest
    progress = Progress()
    seals = AuditSeal.objects.filter(chain=chain, number__lte=head_number).order_by("number").iterator(chunk_size=100)
    last_number, last_digest = _walk(
        chain, seals, after=0, prev_digest=GENESIS_DIGEST, progress=progress, report=report
    )
    if last_number != head_number or last_digest != head_digest:
        progress.problems.append(ChainProblem.of("head_mismatch", 0))
    pending_problems, pending_count = _pending_problems(chain)
    progress.problems.extend(pending_problems)
    progress.events_checked += pending_count
    events, pending, sealed = _counts(chain)
    if events > pending + sealed and not any(p.code == "event_unsealed" for p in progress.problems):
        progress.problems.append(ChainProblem.of("events_unsealed", 0))
    if report is not None:
        report(progress)
    return progress


def audit_verify_new() -> list[ChainProblem]:
    """Verify the seals added since the last run, chain by chain (the periodic work). Advances
    each chain's `verified_number`; problems are kept as an incremental `AuditVerification`."""
    found: list[ChainProblem] = []
    for chain in AuditChain.objects.all().order_by("pk"):
        if chain.sealed_number <= chain.verified_number:
            continue
        previous = AuditSeal.objects.filter(chain=chain, number=chain.verified_number).first()
        prev_digest = previous.digest if previous is not None else GENESIS_DIGEST
        progress = Progress()
        seals = AuditSeal.objects.filter(chain=chain, number__gt=chain.verified_number).order_by("number")
        last_number, _digest = _walk(
            chain, seals, after=chain.verified_number, prev_digest=prev_digest, progress=progress, report=None
        )
        with transaction.atomic():
            now = timezone.now()
            AuditChain.objects.filter(pk=chain.pk).update(verified_number=last_number, verified_at=now)
            if progress.problems:
                AuditVerification.objects.create(
                    chain=chain,
                    kind=VerificationKind.INCREMENTAL,
                    status=VerificationStatus.DONE,
                    started_at=now,
                    finished_at=now,
                    seals_total=progress.seals_done,
                    seals_done=progress.seals_done,
                    events_checked=progress.events_checked,
                    problems=[p.as_json() for p in progress.problems[:MAX_PROBLEMS_KEPT]],
                    problem_count=len(progress.problems),
                )
        found.extend(progress.problems)
    return found


def all_chains() -> list[AuditChain]:
    """Every chain, including those of houses whose events were never sealed yet."""
    chain_for(None)
    for house_id in AuditPending.objects.order_by().values_list("house_id", flat=True).distinct():
        chain_for(house_id)
    return list(AuditChain.objects.order_by("pk"))


def audit_chain_verify(*, house_id: int | None | object = ..., batch_size: int = CHUNK) -> list[ChainProblem]:
    """Verify every chain (or the chain of one house; None: the installation's) in full, right
    now. For the command and tests; the integrity page runs it as a background task instead.

    Returns an empty list when the trail is intact.
    """
    del batch_size  # kept for callers of the former signature
    if house_id is not ...:
        return audit_verify_chain(chain_for(house_id)).problems  # type: ignore[arg-type]
    problems = [problem for chain in all_chains() for problem in audit_verify_chain(chain).problems]
    if not any(p.code in ("event_unsealed", "events_unsealed") for p in problems) and _stray_anywhere():
        problems.append(ChainProblem.of("events_unsealed", 0))
    return problems


def _stray_anywhere() -> bool:
    """Whether the trail holds more events than all seals and pending marks account for (events
    of a house that has no chain at all are found only this way)."""
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {AuditEvent._meta.db_table}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {AuditPending._meta.db_table}),"
        f" (SELECT COALESCE(SUM(event_count), 0) FROM {AuditSeal._meta.db_table})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        events, pending, sealed = cursor.fetchone()
    return int(events) > int(pending) + int(sealed)


def audit_verification_run(*, verification_id: int) -> int:
    """Run a queued full verification (the background task), writing its progress as it goes.

    Returns:
        The number of problems found.
    """
    verification = AuditVerification.objects.select_related("chain").get(pk=verification_id)
    if verification.status not in (VerificationStatus.QUEUED, VerificationStatus.RUNNING):
        return verification.problem_count
    AuditVerification.objects.filter(pk=verification.pk).update(
        status=VerificationStatus.RUNNING,
        started_at=timezone.now(),
        seals_total=verification.chain.sealed_number,
    )

    def report(progress: Progress) -> None:
        AuditVerification.objects.filter(pk=verification.pk).update(
            seals_done=progress.seals_done, events_checked=progress.events_checked
        )

    try:
        progress = audit_verify_chain(verification.chain, report=report)
    except Exception:
        AuditVerification.objects.filter(pk=verification.pk).update(
            status=VerificationStatus.FAILED, finished_at=timezone.now()
        )
        raise
    AuditVerification.objects.filter(pk=verification.pk).update(
        status=VerificationStatus.DONE,
        finished_at=timezone.now(),
        seals_done=progress.seals_done,
        events_checked=progress.events_checked,
        problems=[p.as_json() for p in progress.problems[:MAX_PROBLEMS_KEPT]],
        problem_count=len(progress.problems),
    )
    return len(progress.problems)

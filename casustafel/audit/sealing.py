"""The sealer: puts each house's new audit events, in order, into signed checkpoints.

Writers never lock anything (`audit_record` inserts the event and a pending mark). The periodic
work (`casustafel tick`) calls `audit_seal`, which per chain takes the pending events, hashes
their keyed hashes in sequence order onto the previous seal's digest, stores the exact member
list with an HMAC signature, and clears the pending marks, all in one transaction under a lock
on the chain row (only sealers take it). Late-committing events (a long transaction) are simply
pending at the next run and go into the next seal.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from casustafel.audit.integrity import GENESIS_DIGEST, encode_members, seal_digest, seal_signature
from casustafel.audit.models import AuditChain, AuditEvent, AuditPending, AuditSeal

logger = logging.getLogger(__name__)

SEAL_BATCH_SIZE = 5000


def chain_for(house_id: int | None) -> AuditChain:
    """The chain of a house (created on first use), or the installation's chain for None."""
    if house_id is None:
        chain = AuditChain.objects.filter(house__isnull=True).order_by("pk").first()
        if chain is not None:
            return chain
        return AuditChain.objects.create(house=None, sealed_digest=GENESIS_DIGEST)
    try:
        with transaction.atomic():
            chain, _created = AuditChain.objects.get_or_create(
                house_id=house_id, defaults={"sealed_digest": GENESIS_DIGEST}
            )
    except IntegrityError:  # created by a concurrent sealer meanwhile
        chain = AuditChain.objects.get(house_id=house_id)
    return chain


@transaction.atomic
def _seal_batch(chain_id: int, batch_size: int) -> AuditSeal | None:
    chain = AuditChain.objects.select_for_update().get(pk=chain_id)
    pending = list(
        AuditPending.objects.filter(house_id=chain.house_id)
        .order_by("event_id")
        .values_list("event_id", flat=True)[:batch_size]
    )
    if not pending:
        return None
    hashes = dict(AuditEvent.objects.filter(sequence__in=pending).values_list("sequence", "hash"))
    members = sorted(hashes)
    number = chain.sealed_number + 1
    digest = seal_digest(chain.sealed_digest, number, (hashes[sequence] for sequence in members))
    seal = AuditSeal(
        chain=chain,
        number=number,
        sealed_at=timezone.now(),
        first_sequence=members[0],
        last_sequence=members[-1],
        event_count=len(members),
        members=encode_members(members),
        prev_digest=chain.sealed_digest,
        digest=digest,
    )
    seal.signature = seal_signature(
        chain_id=chain.pk,
        number=number,
        first=seal.first_sequence,
        last=seal.last_sequence,
        count=seal.event_count,
        prev_digest=seal.prev_digest,
        digest=digest,
    )
    seal.save(force_insert=True)
    AuditPending.objects.filter(event_id__in=pending).delete()
    chain.sealed_number = number
    chain.sealed_digest = digest
    chain.save(update_fields=["sealed_number", "sealed_digest"])
    # The newest checkpoint also goes to the application log, so a copy outside the database
    # can show that the newest seals (with their events) were not cut off.
    logger.info("audit seal chain=%s number=%s events=%s digest=%s", chain.pk, number, len(members), digest)
    return seal


def audit_seal(*, batch_size: int = SEAL_BATCH_SIZE) -> list[AuditSeal]:
    """Seal every pending event of every chain. Idempotent: with nothing pending it does nothing.

    Returns:
        The seals made, per chain in order.
    """
    seals: list[AuditSeal] = []
    house_ids = list(AuditPending.objects.order_by().values_list("house_id", flat=True).distinct())
    for house_id in house_ids:
        chain = chain_for(house_id)
        while (seal := _seal_batch(chain.pk, batch_size)) is not None:
            seals.append(seal)
    return seals

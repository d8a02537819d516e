"""The hashes that make the audit trail tamper-evident: one keyed hash per event, one digest
and signature per seal. Pure functions; the writers, the sealer and the verification share them.

The key (`AUDIT_KEY`) lives outside the database: someone who can write to the database but
does not hold the key can neither forge an event nor re-seal the chain after a change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import zlib
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.conf import settings

GENESIS_DIGEST = "0" * 64

# The value `changes` takes when the retention job blanks an event whose subject was destroyed
# (`audit_changes_redact`). The digest of the original changes stays and is covered by the
# event's hash, so the event stays verifiable; the check accepts exactly this value instead.
REDACTED_CHANGES: dict[str, str] = {"_redacted": "retention"}


class EventFields(Protocol):
    house_id: int | None
    occurred_at: dt.datetime
    actor_id: int | None
    actor_organisation_id: int | None
    actor_role: str
    on_behalf_of_id: int | None
    action: str
    object_type: str
    object_id: str
    case_id: int | None
    person_id: int | None
    changes_digest: str
    request_id: str
    ip_address: str | None
    nonce: str


def _key() -> bytes:
    return str(settings.AUDIT_KEY).encode()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def changes_digest(changes: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(changes).encode()).hexdigest()


def subjects_text(subjects: Iterable[tuple[str, int]]) -> str:
    """The linked cases and persons in one canonical order ("case:3,person:7")."""
    return ",".join(f"{kind}:{pk}" for kind, pk in sorted(set(subjects)))


def event_hash(event: EventFields, subjects: Iterable[tuple[str, int]] = ()) -> str:
    """The keyed hash over everything an event says. The changes are covered through their
    digest, so the retention job can blank them without breaking the trail."""
    parts = [
        str(event.house_id or ""),
        event.occurred_at.astimezone(dt.UTC).isoformat(),
        str(event.actor_id or ""),
        str(event.actor_organisation_id or ""),
        event.actor_role,
        str(event.on_behalf_of_id or ""),
        event.action,
        event.object_type,
        event.object_id,
        str(event.case_id or ""),
        str(event.person_id or ""),
        event.changes_digest,
        event.request_id,
        str(event.ip_address or ""),
        subjects_text(subjects),
        event.nonce,
    ]
    return hmac.new(_key(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def seal_digest(prev_digest: str, number: int, hashes: Iterable[str]) -> str:
    digest = hashlib.sha256(f"{prev_digest}\x1f{number}".encode())
    for value in hashes:
        digest.update(b"\x1f")
        digest.update(value.encode())
    return digest.hexdigest()


def seal_signature(
    *, chain_id: int, number: int, first: int, last: int, count: int, prev_digest: str, digest: str
) -> str:
    message = f"{chain_id}\x1f{number}\x1f{first}\x1f{last}\x1f{count}\x1f{prev_digest}\x1f{digest}"
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def encode_members(sequences: list[int]) -> bytes:
    """Sorted sequence numbers as zlib-compressed varint deltas (about a byte per event)."""
    out = bytearray()
    previous = 0
    for value in sequences:
        delta = value - previous
        if delta <= 0:
            raise ValueError("members must be strictly increasing")
        previous = value
        while True:
            byte = delta & 0x7F
            delta >>= 7
            if delta:
                out.append(byte | 0x80)
            else:
                out.append(byte)
                break
    return zlib.compress(bytes(out))


def decode_members(data: bytes | memoryview) -> list[int]:
    raw = zlib.decompress(bytes(data))
    values: list[int] = []
    current = shift = delta = 0
    for byte in raw:
        delta |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        current += delta
        values.append(current)
        delta = shift = 0
    return values

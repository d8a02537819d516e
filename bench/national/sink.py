"""Bulk writing for the national data set: ids handed out in Python, rows sent with COPY, and
the audit trail chained in time order and appended month by month.

Why not the services: the services write one row (and one audit event, under the chain head's
lock) per call, which is right for the product and hours for ten million events. This is
benchmark data, never a house's records: it is written straight into the tables, but with the
product's own hash function (`event_hash`, `changes_digest`) so `verify_audit` accepts the trail,
and with the columns every page reads filled in consistently (checked by `--check-pages`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Max, Model

from casustafel.audit.models import AuditEvent

# The trail below predates the per-house sealed chains of the audit rework (issue 9, w7-audit):
# it chains one global trail through `AuditChainHead`, which no longer exists. Until it is
# rewritten for the sealed chains it is off (`--events 0`, the default): `NoAuditTrail`.
try:
    from casustafel.audit.models import AuditChainHead  # type: ignore[attr-defined]
    from casustafel.audit.services import changes_digest, event_hash  # type: ignore[attr-defined]

    EMPTY_DIGEST = changes_digest({})
    AUDIT_TRAIL_SUPPORTED = True
except ImportError:
    EMPTY_DIGEST = ""
    AUDIT_TRAIL_SUPPORTED = False


class Table:
    """COPY into one model's table; `next_id()` hands out primary keys above the current max."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.model = model
        # Columns added to the model since the generator was written take their default, so a
        # new NOT NULL field does not break the load (a field a report reads belongs in `columns`).
        self.defaults = tuple(
            _copy_value(field.get_default() if field.has_default() else "")
            for field in model._meta.concrete_fields
            if field.column not in columns and not field.null and not field.primary_key
        )
        self.columns = list(columns) + [
            field.column
            for field in model._meta.concrete_fields
            if field.column not in columns and not field.null and not field.primary_key
        ]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self._next = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1

    def next_id(self) -> int:
        value = self._next
        self._next += 1
        return value

    def add(self, *row: Any) -> None:
        self.rows.append(row + self.defaults)
        if len(self.rows) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = ", ".join(f'"{name}"' for name in self.columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in self.rows:
                copy.write_row(row)
        self.written += len(self.rows)
        self.rows = []

    def reset_sequence(self) -> None:
        table, pk = self.model._meta.db_table, self.model._meta.pk.column  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(\'"{table}"\', \'{pk}\'), (SELECT MAX("{pk}") FROM "{table}"))'  # noqa: S608
            )


def _copy_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


@contextlib.contextmanager
def bulk_load(models: Sequence[type[Model]], *, rebuild_indexes: Sequence[type[Model]]) -> Iterator[None]:
    """Load fast: no foreign-key triggers on `models` while loading, and the secondary indexes
    and unique constraints of `rebuild_indexes` dropped and built again afterwards (one sort
    instead of ten million random index inserts). Needs a superuser: the throwaway cluster.
    The rows are consistent by construction; the foreign keys are checked again at the end."""
    tables = [model._meta.db_table for model in models]
    saved: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for table in tables:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
        for model in rebuild_indexes:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            for name, definition in cursor.fetchall():
                saved.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for statement in saved:
            cursor.execute(statement)
        for table in tables:
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER ALL')
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    check_foreign_keys(models)


def check_foreign_keys(models: Sequence[type[Model]]) -> None:
    """Every foreign key of the loaded rows points at a row (what the disabled triggers checked)."""
    with connection.cursor() as cursor:
        for model in models:
            for field in model._meta.concrete_fields:
                if not field.is_relation or field.related_model is None:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}" t WHERE t."{field.column}" IS NOT NULL AND NOT '  # noqa: S608
                    f'EXISTS (SELECT 1 FROM "{target.db_table}" r WHERE r."{target.pk.column}" = t."{field.column}")'  # type: ignore[union-attr]
                )
                broken = cursor.fetchone()[0]
                if broken:
                    raise RuntimeError(f"{broken} rows of {model._meta.label}.{field.name} point nowhere")


@dataclass(slots=True)
class Event:
    """What `event_hash` reads of an AuditEvent, without a model instance per event."""

    occurred_at: dt.datetime
    actor_id: int | None
    actor_organisation_id: int | None
    actor_role: str
    action: str
    object_type: str
    object_id: str
    case_id: int | None
    person_id: int | None
    request_id: str
    ip_address: str
    sequence: int = 0
    prev_hash: str = ""
    on_behalf_of_id: None = None
    changes_digest: str = EMPTY_DIGEST


AUDIT_COLUMNS = [
    "id", "sequence", "occurred_at", "actor_id", "actor_organisation_id", "actor_role", "on_behalf_of_id",
    "action", "object_type", "object_id", "case_id", "person_id", "changes", "changes_digest", "request_id",
    "ip_address", "prev_hash", "hash",
]  # fmt: skip


class AuditTrail:
    """Collects events per month and appends a month to the chain once no later entity can add
    to it (`close_before`). Within the bulk part sequence order is time order; the few hundred
    events the services wrote for the houses' set-up come first, dated today."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.months: dict[tuple[int, int], list[Event]] = defaultdict(list)
        self.table = Table(AuditEvent, AUDIT_COLUMNS)
        head = AuditChainHead.objects.get(pk=1)
        self.sequence, self.last_hash = head.sequence, head.last_hash

    def add(
        self,
        at: dt.datetime,
        actor: tuple[int, int, str] | None,
        action: str,
        obj: tuple[str, int] | None,
        *,
        case_id: int | None = None,
        person_id: int | None = None,
    ) -> None:
        user, organisation, role = actor or (None, None, "")
        object_type, object_id = obj if obj else ("", 0)
        self.months[(at.year, at.month)].append(
            Event(
                occurred_at=at,
                actor_id=user,
                actor_organisation_id=organisation,
                actor_role=role,
                action=action,
                object_type=object_type,
                object_id=str(object_id) if obj else "",
                case_id=case_id,
                person_id=person_id,
                request_id=f"{self.rng.getrandbits(128):032x}",
                ip_address=f"192.0.2.{self.rng.randint(1, 254)}",  # documentation range (RFC 5737)
            )
        )

    def close_before(self, moment: dt.datetime | None) -> None:
        """Chain and write every month before `moment`'s month (all of them for None)."""
        limit = (moment.year, moment.month) if moment else (9999, 12)
        for month in sorted(key for key in self.months if key < limit):
            self._write(self.months.pop(month))

    def _write(self, events: Iterable[Event]) -> None:
        table = self.table
        for event in sorted(events, key=lambda e: e.occurred_at):
            self.sequence += 1
            event.sequence, event.prev_hash = self.sequence, self.last_hash
            self.last_hash = event_hash(event)  # type: ignore[arg-type]
            table.add(
                table.next_id(), event.sequence, event.occurred_at, event.actor_id, event.actor_organisation_id,
                event.actor_role, None, event.action, event.object_type, event.object_id, event.case_id,
                event.person_id, "{}", event.changes_digest, event.request_id, event.ip_address, event.prev_hash,
                self.last_hash,
            )  # fmt: skip

    def finish(self) -> None:
        self.close_before(None)
        self.table.flush()
        self.table.reset_sequence()
        AuditChainHead.objects.filter(pk=1).update(sequence=self.sequence, last_hash=self.last_hash)


class NoAuditTrail:
    """Generates no audit events (`--events 0`): what the reports read needs none."""

    sequence = 0

    def __init__(self) -> None:
        self.months: dict[tuple[int, int], list[Event]] = {}

    def add(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close_before(self, moment: dt.datetime | None) -> None:
        pass

    def finish(self) -> None:
        pass

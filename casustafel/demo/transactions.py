"""The demo's transactions: one per story, with no savepoints inside.

Every service opens its own `transaction.atomic`, so inside a story's transaction each service
call (and each service it calls) sets a savepoint and releases it: two extra statements per
call, 2.7 per audit event in the demo, each a round trip to the server on PostgreSQL. They buy
nothing here: the builder catches no error from a service (except where it asks for a
savepoint with `recoverable`), so any failure ends the story and the build anyway.

`story()` therefore makes the services' nested blocks behave as `atomic(savepoint=False)` for
its duration: a failure inside marks the whole story for rollback, exactly what Django does for
`savepoint=False`. Django offers no switch per block from outside, so for the story this
thread's connection answers "no" to `_savepoint_allowed()`, the one question every backend's
`savepoint()` asks first (the base class and SQLite each answer it their own way, so the
`uses_savepoints` feature flag would not do on SQLite), and the answer is restored when the
story ends. Nothing is committed half: an error the builder swallowed without a savepoint would
leave the transaction marked for rollback, and `story()` raises rather than let it roll back
silently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.transaction import TransactionManagementError


def _never() -> bool:
    return False


@contextlib.contextmanager
def _savepoints(enabled: bool) -> Iterator[None]:
    wrapper = connections[DEFAULT_DB_ALIAS]
    previous = vars(wrapper).pop("_savepoint_allowed", None)
    if not enabled:
        wrapper._savepoint_allowed = _never  # type: ignore[attr-defined]
    try:
        yield
    finally:
        vars(wrapper).pop("_savepoint_allowed", None)
        if previous is not None:
            wrapper._savepoint_allowed = previous  # type: ignore[attr-defined]


@contextlib.contextmanager
def story() -> Iterator[None]:
    """One demo story in one transaction (a savepoint when an outer transaction is open, as in
    the tests), without savepoints for the services called inside."""
    with transaction.atomic():
        with _savepoints(False):
            yield
        if connection.needs_rollback:
            raise TransactionManagementError(
                "A demo step failed inside a story without a savepoint and the error was caught; "
                "wrap that step in demo.transactions.recoverable()."
            )


@contextlib.contextmanager
def recoverable() -> Iterator[None]:
    """A step whose errors the builder catches and carries on after: it gets one savepoint, so
    a failure rolls back only the step (the services inside still set none)."""
    with _savepoints(True), transaction.atomic():
        with _savepoints(False):
            yield
        if connection.needs_rollback:
            raise TransactionManagementError(
                "A demo step failed inside a recoverable step and the error was caught within it."
            )

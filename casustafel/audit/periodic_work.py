"""The periodic work behind `casustafel tick`: one list of jobs (`settings.PERIODIC_WORK`), run in
order by a timer (cron, systemd) or put on the django-tasks queue for workers.

A job is a callable without arguments that returns counts ({"agreement_notices": 3}); it must be
idempotent (running it twice in a row changes nothing the second time) and safe to run by several
processes at once. The jobs are named by dotted path so the entry point imports no app: each app
owns its job, and the order lives in settings. One failing job does not stop the others; the run
reports it and fails at the end.
"""

from __future__ import annotations

import contextvars
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string

from django_tasks import task

from casustafel.audit.context import new_request_id, set_request_id

logger = logging.getLogger(__name__)


@dataclass
class TickResult:
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def run_job(path: str) -> dict[str, int]:
    """Run one job in a context of its own, with one request id on every audit event it writes."""

    def run() -> dict[str, int]:
        set_request_id(f"tick-{new_request_id()}")
        job: Callable[[], dict[str, int]] = import_string(path)
        return job() or {}

    return contextvars.copy_context().run(run)


def tick() -> TickResult:
    """Run every job of `settings.PERIODIC_WORK` in order."""
    result = TickResult()
    for path in settings.PERIODIC_WORK:
        try:
            counts = run_job(path)
        except Exception:  # one job's failure must not stop the rest; the log has the type only
            logger.exception("periodic job %s failed", path)
            result.failed.append(path)
            continue
        for name, count in counts.items():
            result.counts[name] = result.counts.get(name, 0) + count
    return result


@task()
def periodic_job(path: str) -> dict[str, int]:
    """One job of the periodic work on the django-tasks queue (`casustafel tick --enqueue`)."""
    if path not in settings.PERIODIC_WORK:
        raise ValueError(f"not a periodic job: {path}")
    return run_job(path)


def enqueue_all() -> int:
    for path in settings.PERIODIC_WORK:
        periodic_job.enqueue(path)
    return len(settings.PERIODIC_WORK)


def destroy_expired() -> dict[str, int]:
    """The retention job (`destroy_expired_cases`) as part of the tick; it fails loudly when
    an item could not be handled, and is retried on the next run."""
    output = io.StringIO()  # the command reports per case; the tick reports counts only
    call_command("destroy_expired_cases", stdout=output)
    return {}

"""Running queued background tasks in a test, as the task worker (`casustafel db_worker`) would.

The worker command closes the database connection between tasks, which would end the test's
transaction on PostgreSQL; this runs each ready task in the test's own connection instead and
marks it done the way the worker does."""

from __future__ import annotations

from django.utils import timezone

from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    """Run every ready task once, in enqueue order. Returns how many ran."""
    ran = 0
    for row in DBTaskResult.objects.ready().order_by("enqueued_at"):
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL", finished_at=timezone.now())
        ran += 1
    return ran

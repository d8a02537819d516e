"""`casustafel tick`: the periodic work (docs/deployment.md). Run it every few minutes from a
timer, or with `--enqueue` to put each job on the django-tasks queue for `casustafel db_worker`.

The jobs and their order are `settings.PERIODIC_WORK` (see `casustafel.audit.periodic_work`); each is
idempotent, so a tick that runs twice, or on two machines at once, does no harm.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casustafel.audit.periodic_work import enqueue_all, tick


class Command(BaseCommand):
    help = (
        "The periodic work: sealing and verifying the audit trail, the access-log findings, reminders, "
        "escalation timers, follow-up prompts, retention, e-mail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put each job on the background task queue (run by `casustafel db_worker`) instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            self.stdout.write(f"{enqueue_all()} job(s) queued")
            return
        result = tick()
        summary = ", ".join(f"{name} {count}" for name, count in sorted(result.counts.items()) if count)
        self.stdout.write(summary or "nothing to do")
        if result.failed:
            raise CommandError(f"{len(result.failed)} job(s) failed: {', '.join(result.failed)}")

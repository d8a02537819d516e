"""`casustafel destroy_expired_cases`: the periodic retention job (run it daily).

Destroys every closed case whose keep-until date (`Case.retention_until`) has passed, each in
its own transaction through `case_destroy`, so one failure does not stop the others and a
failed case is retried on the next run. Running it again is a no-op: destroyed cases are no
longer closed. Output and logs carry case ids and counts only.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.db.models.deletion import ProtectedError, RestrictedError

from casustafel.audit.context import Actor, new_request_id, set_request_id
from casustafel.privacy.retention_selectors import cases_past_retention
from casustafel.privacy.retention_services import case_destroy


class Command(BaseCommand):
    help = "Destroy closed cases past their retention date (personal data deleted, destruction record kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the cases that would be destroyed; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A context of its own, so the run's request id does not outlive the command.
        contextvars.copy_context().run(self._run, dry_run=options["dry_run"])

    def _run(self, *, dry_run: bool) -> None:
        due = list(cases_past_retention().values_list("pk", "retention_until"))
        if dry_run:
            for pk, retention_until in due:
                self.stdout.write(f"would destroy case {pk} (kept until {retention_until:%Y-%m-%d})")
            self.stdout.write(f"{len(due)} case(s) past their retention date; nothing changed (dry run)")
            return
        # One id for the run, on every audit event it writes, to find them together.
        set_request_id(f"retention-{new_request_id()}")
        failed: list[int] = []
        for pk, _retention_until in due:
            case = cases_past_retention().filter(pk=pk).first()
            if case is None:  # destroyed or extended meanwhile
                continue
            try:
                destruction = case_destroy(actor=Actor.system(), case=case)
            except (ValidationError, ProtectedError, RestrictedError, DatabaseError) as exc:
                failed.append(pk)
                self.stderr.write(f"case {pk}: not destroyed ({type(exc).__name__})")
                continue
            deleted = sum(destruction.deleted_counts.values())
            blanked = sum(destruction.blanked_counts.values())
            self.stdout.write(
                f"case {pk} destroyed: {deleted} record(s) deleted, {blanked} blanked, "
                f"{destruction.persons_anonymised} person(s) anonymised, {destruction.files_deleted} file(s) removed"
            )
        destroyed = len(due) - len(failed)
        if failed:
            raise CommandError(f"{len(failed)} case(s) could not be destroyed: {', '.join(map(str, failed))}")
        self.stdout.write(self.style.SUCCESS(f"{destroyed} case(s) destroyed"))

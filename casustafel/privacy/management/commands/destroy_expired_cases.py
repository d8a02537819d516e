"""`casustafel destroy_expired_cases`: the periodic retention job (run it daily).

Destroys every closed case whose keep-until date (`Case.retention_until`) has passed, and every
referral that never became a case and is past its keep-until date: decided without a case
(stepped down, referred to the RIEC, rejected; `Referral.retention_until`), or a draft or a
referral waiting for an answer left unused for `REFERRAL_STALE_MONTHS` months. Each goes in its
own transaction through `case_destroy` / `referral_destroy`, so one failure does not stop the
others and a failed one is retried on the next run. Referrals decided without a case before
referral retention existed first get their keep-until date (`referral_retention_set`).

Last, it removes attachment files no attachment refers to any more (an upload whose transaction
rolled back; `attachment_orphans_remove`), once they are a day old.

Running it again is a no-op: destroyed cases are no longer closed, destroyed referrals are
marked. Output and logs carry ids and counts only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from casustafel.audit.context import Actor, new_request_id, set_request_id
from casustafel.cases.services.closing import referral_retention_set
from casustafel.cases.services.information import attachment_orphans_remove
from casustafel.lib.dates import add_years
from casustafel.privacy.retention.selectors import (
    cases_past_retention,
    decided_on,
    referral_is_past_retention,
    referral_retention_term_for,
    referrals_past_retention,
    referrals_without_retention,
)
from casustafel.privacy.retention.services import case_destroy, referral_destroy

FAILURES = (ValidationError, ProtectedError, RestrictedError, DatabaseError)


class Command(BaseCommand):
    help = (
        "Destroy closed cases past their retention date, and referrals without a case past theirs "
        "(decided without a case, or drafts and unanswered referrals unused for REFERRAL_STALE_MONTHS): "
        "personal data deleted, destruction record kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the cases and referrals that would be destroyed; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A context of its own, so the run's request id does not outlive the command.
        contextvars.copy_context().run(self._run, dry_run=options["dry_run"])

    def _run(self, *, dry_run: bool) -> None:
        if dry_run:
            self._dry_run()
            return
        # One id for the run, on every audit event it writes, to find them together.
        set_request_id(f"retention-{new_request_id()}")
        failed: list[str] = []
        dated = self._date_decided_referrals(failed)
        cases = self._destroy_cases(failed)
        referrals = self._destroy_referrals(failed)
        orphans = attachment_orphans_remove()
        if orphans:
            self.stdout.write(f"{orphans} attachment file(s) without a record removed")
        if failed:
            raise CommandError(f"{len(failed)} item(s) could not be handled: {', '.join(failed)}")
        if dated:
            self.stdout.write(f"{dated} decided referral(s) given a keep-until date")
        self.stdout.write(self.style.SUCCESS(f"{cases} case(s) destroyed, {referrals} referral(s) destroyed"))

    def _dry_run(self) -> None:
        today = timezone.localdate()
        cases = list(cases_past_retention().values_list("pk", "retention_until"))
        for pk, retention_until in cases:
            self.stdout.write(f"would destroy case {pk} (kept until {retention_until:%Y-%m-%d})")
        referrals: list[tuple[int, str, dt.date]] = [
            (row.referral.pk, row.basis, row.keep_until) for row in referrals_past_retention()
        ]
        for referral in referrals_without_retention():
            term = referral_retention_term_for(referral, on=decided_on(referral))
            keep_until = add_years(decided_on(referral), term.years)
            if keep_until < today:
                referrals.append((referral.pk, "referral_decided", keep_until))
        for pk, basis, keep_until in sorted(referrals, key=lambda item: (item[2], item[0])):
            self.stdout.write(f"would destroy referral {pk} ({basis}, kept until {keep_until:%Y-%m-%d})")
        orphans = attachment_orphans_remove(dry_run=True)
        if orphans:
            self.stdout.write(f"would remove {orphans} attachment file(s) without a record")
        self.stdout.write(
            f"{len(cases)} case(s) and {len(referrals)} referral(s) past their retention date; "
            "nothing changed (dry run)"
        )

    def _date_decided_referrals(self, failed: list[str]) -> int:
        dated = 0
        for referral in referrals_without_retention():
            try:
                referral_retention_set(actor=Actor.system(), referral=referral, decided_on=decided_on(referral))
            except FAILURES as exc:
                failed.append(f"referral {referral.pk}")
                self.stderr.write(f"referral {referral.pk}: no keep-until date set ({type(exc).__name__})")
                continue
            dated += 1
        return dated

    def _destroy_cases(self, failed: list[str]) -> int:
        destroyed = 0
        for pk in list(cases_past_retention().values_list("pk", flat=True)):
            case = cases_past_retention().filter(pk=pk).first()
            if case is None:  # destroyed or extended meanwhile
                continue
            try:
                destruction = case_destroy(actor=Actor.system(), case=case)
            except FAILURES as exc:
                failed.append(f"case {pk}")
                self.stderr.write(f"case {pk}: not destroyed ({type(exc).__name__})")
                continue
            destroyed += 1
            deleted = sum(destruction.deleted_counts.values())
            blanked = sum(destruction.blanked_counts.values())
            self.stdout.write(
                f"case {pk} destroyed: {deleted} record(s) deleted, {blanked} blanked, "
                f"{destruction.persons_anonymised} person(s) anonymised, {destruction.files_deleted} file(s) removed"
            )
        return destroyed

    def _destroy_referrals(self, failed: list[str]) -> int:
        destroyed = 0
        for row in referrals_past_retention():
            pk = row.referral.pk
            if not referral_is_past_retention(pk):  # destroyed, extended or used meanwhile
                continue
            try:
                destruction = referral_destroy(actor=Actor.system(), referral=row.referral)
            except FAILURES as exc:
                failed.append(f"referral {pk}")
                self.stderr.write(f"referral {pk}: not destroyed ({type(exc).__name__})")
                continue
            destroyed += 1
            deleted = sum(destruction.deleted_counts.values())
            blanked = sum(destruction.blanked_counts.values())
            self.stdout.write(
                f"referral {pk} destroyed ({destruction.basis}): {deleted} record(s) deleted, {blanked} blanked, "
                f"{destruction.persons_anonymised} person(s) anonymised"
            )
        return destroyed

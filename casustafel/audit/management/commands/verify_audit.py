"""`casustafel verify_audit`: check that nobody altered, removed or inserted audit events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casustafel.audit.sealing import chain_for
from casustafel.audit.verification import Progress, all_chains, audit_verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail in full, chain by chain (every event's keyed hash, every seal, the "
        "pending events); exits non-zero when it was tampered with. Reads every event: on a large "
        "trail run it at night, or let the privacy officer start it as a background task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--house", type=int, help="only the chain of this house id")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = [chain_for(options["house"])] if options["house"] is not None else all_chains()
        total_problems = 0
        for chain in chains:
            label = f"house {chain.house_id}" if chain.house_id else "installation"
            progress: Progress = audit_verify_chain(chain)
            for problem in progress.problems[:1000]:
                where = f"seal {problem.seal}, " if problem.seal else ""
                self.stderr.write(f"{label}: {where}event {problem.sequence}: {problem.problem}")
            total_problems += len(progress.problems)
            self.stdout.write(
                f"{label}: {progress.seals_done} seals, {progress.events_checked} events checked, "
                f"{len(progress.problems)} problem(s); newest seal {chain.sealed_number} {chain.sealed_digest}"
            )
        if total_problems:
            raise CommandError(f"Audit trail NOT intact: {total_problems} problem(s) found")
        self.stdout.write(self.style.SUCCESS("Audit trail intact"))

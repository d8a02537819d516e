"""`casustafel tick`: the periodic work, run every minute by a timer (docs/deployment.md).

Idempotent and safe to run at any moment; each step only handles what is new since the last run:
1. seal the audit events written since the last run (per house, signed checkpoints);
2. verify the new seals (problems are kept for the privacy officer's integrity page);
3. let the access-log detectors examine the newly sealed events.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casustafel.audit.periodic import audit_tick


class Command(BaseCommand):
    help = "The periodic work: seal new audit events, verify the new seals, update the access-log findings."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_tick()
        self.stdout.write(
            f"sealed {result.events_sealed} event(s) in {result.seals} seal(s); "
            f"{result.findings} finding(s) updated; {len(result.problems)} problem(s)"
        )
        if result.problems:
            raise CommandError(f"Audit trail NOT intact: {len(result.problems)} problem(s) in the new seals")

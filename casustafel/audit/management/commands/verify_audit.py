"""`casustafel verify_audit`: check that nobody altered, removed or inserted audit events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casustafel.audit.models import AuditEvent
from casustafel.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero when it was tampered with."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_chain_verify()
        if problems:
            for problem in problems:
                self.stderr.write(f"event {problem.sequence}: {problem.problem}")
            raise CommandError(f"Audit trail NOT intact: {len(problems)} problem(s) found")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {AuditEvent.objects.count()} events verified"))

"""Background tasks of the audit trail (django-tasks, database backend: `casustafel db_worker`)."""

from __future__ import annotations

from django_tasks import task

from casustafel.audit.verification import audit_verification_run


@task()
def verify_chain(verification_id: int) -> int:
    """The full verification of one chain, with progress on its `AuditVerification` row."""
    return audit_verification_run(verification_id=verification_id)

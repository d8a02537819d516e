"""Background tasks of the reports (django-tasks, database backend: `casustafel db_worker`)."""

from __future__ import annotations

from django_tasks import task

from casustafel.reporting.annual import annual_report_build


@task()
def build_annual_report(edition_id: int) -> int:
    """Make one edition of an annual report (PDF and XLSX), with progress on its row."""
    return annual_report_build(edition_id=edition_id)

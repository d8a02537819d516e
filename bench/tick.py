"""Benchmark: the periodic work (`casustafel tick`) over 10,000 open agreements, against a plain
query over the same rows, side by side.

    .venv/bin/python bench/tick.py [--agreements N] [--rounds N] [--use-env-database]

Builds, in a fresh SQLite file in a temp folder (never the demo's var/), the test personas,
100 cases of the house each with org_a and org_b involved and a process director, and
`--agreements` open agreements spread over them and over 20 professionals: most due in the
coming months, 2% due within two working days, 8% overdue of which a third past the escalation
term. Then:

1. **first run**: one tick that finds all of that (reminders, overdue notices, escalations) and
   e-mails what it created (into memory), timed once;
2. **steady state**, interleaved round by round so both see the same machine load:
   - the reference: a plain query over the same rows (the open agreements of active cases, with
     their due date, owner and case, read into Python);
   - the tick: every job of `settings.PERIODIC_WORK` that finds nothing new to do.

Prints the times, the ratio of the medians, and what the first run did. Not part of the test
suite: times depend on the machine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=10_000, help="open agreements. Default 10000.")
    parser.add_argument("--rounds", type=int, default=15, help="measured steady-state rounds. Default 15.")
    parser.add_argument(
        "--use-env-database",
        action="store_true",
        help="use DB_ENGINE/DB_NAME/DB_HOST/... from the environment (e.g. a throwaway PostgreSQL) instead of a "
        "temp SQLite file; that database must be empty",
    )
    return parser.parse_args()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def main() -> int:
    args = _parse()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casustafel.settings")
    if os.environ.get("CASUSTAFEL_ENV") == "production":
        sys.exit("refusing to run with CASUSTAFEL_ENV=production")
    tmp = tempfile.TemporaryDirectory(prefix="casustafel-bench-")
    if not args.use_env_database:
        os.environ["DB_ENGINE"] = "sqlite"
        os.environ["DB_NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ["CASUSTAFEL_VAR_DIR"] = tmp.name

    import django

    django.setup()

    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from casustafel.audit.periodic_work import run_job, tick
    from casustafel.cases.models import CaseInvolvement, CaseStatus
    from casustafel.escalations.models import Escalation
    from casustafel.lib.dates import add_working_days
    from casustafel.notifications.models import Notification
    from casustafel.organisations.models import Role
    from casustafel.plans.models import Agreement, AgreementKind
    from casustafel.testing.cases import CaseFactory
    from casustafel.testing.personas import build_personas

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0)

    personas = build_personas()
    owners = [personas.professional_a, personas.ambassador_a, personas.professional_b]
    for number in range(17):
        organisation = personas.org_a if number % 2 else personas.org_b
        owners.append(personas.add(f"professional_{number}", organisation=organisation, role=Role.PROFESSIONAL))
    org_of = {user.pk: user.memberships.get().organisation for user in owners}
    now = timezone.now()
    cases = []
    for _number in range(100):
        case = CaseFactory(
            referral__referring_organisation=personas.org_a,
            referral__house=personas.house,
            process_director=personas.process_director,
        )
        for organisation in (personas.org_a, personas.org_b):
            CaseInvolvement.objects.create(
                case=case, organisation=organisation, reason="Bench", started_at=now, added_by=personas.process_director
            )
        cases.append(case)
    today = timezone.localdate()
    term = settings.ESCALATION_TERM_WORKING_DAYS
    rows = []
    for number in range(args.agreements):
        owner = owners[number % len(owners)]
        share = number % 100
        if share < 2:
            due = add_working_days(today, 1)  # reminder
        elif share < 7:
            due = today - dt.timedelta(days=3)  # overdue, within the term
        elif share < 10:
            due = add_working_days(today, -term - 3)  # past the escalation term
        else:
            due = today + dt.timedelta(days=14 + number % 120)
        rows.append(
            Agreement(
                case=cases[number % len(cases)],
                organisation=org_of[owner.pk],
                owner=owner,
                what=f"Afspraak {number}",
                due_date=due,
                kind=AgreementKind.PROFESSIONAL_ACTION,
                justification="Bench",
                created_by=personas.process_director,
            )
        )
    Agreement.objects.bulk_create(rows, batch_size=1000)
    print(f"{Agreement.objects.count()} open agreements in {len(cases)} cases, {len(owners)} owners")

    def reference() -> float:
        begin = time.perf_counter()
        list(
            Agreement.objects.open()
            .filter(case__status=CaseStatus.ACTIVE)
            .values_list("pk", "due_date", "owner_id", "case_id", "organisation_id")
        )
        return time.perf_counter() - begin

    def run_tick() -> float:
        begin = time.perf_counter()
        result = tick()
        took = time.perf_counter() - begin
        if result.failed:
            sys.exit(f"tick failed: {result.failed}")
        return took

    first_counts: dict[str, int] = {}
    per_job = []
    for path in settings.PERIODIC_WORK:  # the first run, job by job, to see where the time goes
        begin = time.perf_counter()
        first_counts.update({k: v for k, v in run_job(path).items() if v})
        per_job.append(f"{path.rsplit('.', 1)[-1]} {time.perf_counter() - begin:5.2f} s")
    first_time = sum(float(part.split()[-2]) for part in per_job)
    created = Notification.objects.count()
    print(
        f"first run: {first_time:6.2f} s ({', '.join(per_job)}) | {created} notifications, "
        f"{Escalation.objects.count()} escalations, {len(mail.outbox)} e-mails | {dict(sorted(first_counts.items()))}"
    )
    while Notification.objects.filter(email_state="pending").exists():  # deliver the rest (200 per run)
        tick()
    for _warm in range(2):
        run_tick()
        reference()
    ticks, references = [], []
    for _round in range(args.rounds):
        references.append(reference())
        ticks.append(run_tick())
    assert Notification.objects.count() == created  # nothing new: idempotent
    ratio = statistics.median(ticks) / statistics.median(references)
    print(
        f"steady state: plain query median {statistics.median(references) * 1000:7.1f} ms "
        f"(p95 {_percentile(references, 0.95) * 1000:7.1f}) | tick median {statistics.median(ticks) * 1000:7.1f} ms "
        f"(p95 {_percentile(ticks, 0.95) * 1000:7.1f}) | ratio {ratio:5.2f}"
    )
    tmp.cleanup()
    ok = statistics.median(ticks) < 10 and first_time < 60
    print("target (steady tick and first run finish in seconds):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

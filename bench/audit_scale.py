"""Benchmark (issue 9, target 2): the privacy officer's pages with and without 2 million extra
audit events in the house.

    .venv/bin/python bench/audit_scale.py --postgres [--extra 2000000] [--scale 1] [--port 55442]

Builds the demo region, seals and examines its trail (`casustafel tick` where the code has one),
then times, as the demo house's privacy officer, the fastest of `--repeat` GETs of each page (the
page's own cost; the median is printed too, to show the noise of a shared machine):

- the access log (newest page), its next (older) page, and the log filtered on one person;
- the subject-access overview of the demo's request;
- the retention overview.

Before each of the two measurements the database is settled (CHECKPOINT, VACUUM ANALYZE). Then it adds `--extra` audit events to the same house in one SQL statement (spread over a year,
mostly reads of cases and persons, 2% of them lists linking ten persons each; one house's share
of a national 50 million), runs ANALYZE, and times the same pages again. It prints each page's
ratio with/without (target: at most 1.5).

Only URLs and the ORM's field names are used, so the script also runs against older versions of
the code (the "before" column of bench/README.md). PostgreSQL only for the extra events.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", type=int, default=2_000_000, help="extra audit events. Default 2,000,000.")
    parser.add_argument("--scale", type=int, default=1, help="demo_region --scale. Default 1.")
    parser.add_argument("--repeat", type=int, default=20, help="GETs per page (the fastest counts). Default 20.")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL cluster (fsync on)")
    parser.add_argument("--port", type=int, default=55442, help="port of the throwaway cluster. Default 55442.")
    parser.add_argument(
        "--use-env-database", action="store_true", help="use DB_* from the environment (an empty PostgreSQL database)"
    )
    return parser.parse_args()


def main() -> int:
    args = _parse()
    tmp = tempfile.TemporaryDirectory(prefix="casustafel-bench-")
    env = {"CASUSTAFEL_VAR_DIR": tmp.name}
    if args.postgres:
        from pgcluster import pg_cluster

        with pg_cluster(port=args.port) as pg_env:
            return _bench(args, {**env, **pg_env})
    if not args.use_env_database:
        sys.exit("pass --postgres or --use-env-database: the extra events are written with PostgreSQL's SQL")
    return _bench(args, env)


def _setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casustafel.settings")
    if os.environ.get("CASUSTAFEL_ENV") == "production":
        sys.exit("refusing to run with CASUSTAFEL_ENV=production")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _pages(officer: Any, sar_pk: int | None, person_id: int) -> dict[str, str]:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from casustafel.testing.personas import login_verified

    client = Client()
    login_verified(client, officer)
    log = reverse("privacy:access_log")
    first = client.get(log)
    older = f"{log}?pagina=2"
    page = first.context["page"] if first.context else None
    if page is not None and getattr(page, "older", None) is not None:
        older = f"{log}?na={page.older.encode()}"
    pages = {
        "access log": log,
        "access log, older page": older,
        "access log, one person": f"{log}?person_id={person_id}",
    }
    if sar_pk is not None:
        pages["subject-access overview"] = reverse("privacy:sar_overview", args=[sar_pk])
    try:
        pages["retention overview"] = reverse("privacy:retention_overview")
    except NoReverseMatch:
        pass
    return pages


def _settle() -> None:
    """Let the database finish what the previous phase left (dirty pages, statistics), so both
    measurements start from the same quiet state."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("VACUUM ANALYZE")


def _time(officer: Any, pages: dict[str, str], repeat: int) -> dict[str, tuple[float, float]]:
    from django.test import Client

    from casustafel.testing.personas import login_verified

    _settle()

    client = Client()
    login_verified(client, officer)
    timings: dict[str, tuple[float, float]] = {}
    for name, url in pages.items():
        for _ in range(2):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name}: status {response.status_code}")
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        # The fastest run is the page's own cost; the median shows the noise of a shared machine.
        timings[name] = (min(samples), statistics.median(samples))
    return timings


def _add_events(house_id: int, count: int) -> float:
    """Insert `count` events of the house in one statement (plus list links where the schema
    has them), with values for whatever columns this version of the code has."""
    from django.db import connection

    from casustafel.audit.models import AuditEvent
    from casustafel.organisations.models import Membership

    members = list(Membership.objects.filter(organisation__house_id=house_id).values_list("user_id", "organisation_id"))
    users = "ARRAY[" + ",".join(str(user) for user, _org in members) + "]"
    orgs = "ARRAY[" + ",".join(str(org) for _user, org in members) + "]"
    n = len(members)
    columns = {f.column for f in AuditEvent._meta.concrete_fields}
    table = AuditEvent._meta.db_table
    values = {
        "occurred_at": "now() - random() * interval '365 days'",
        "actor_id": f"({users})[1 + (i % {n})]",
        "actor_organisation_id": f"({orgs})[1 + (i % {n})]",
        "actor_role": "'professional'",
        "action": "(ARRAY['read','read','read','read','read','read','read','read','update','search'])[1 + (i % 10)]",
        "object_type": "'cases.case'",
        "object_id": "(1 + (i * 7919) % 50000)::text",
        "case_id": "1 + (i * 7919) % 50000",
        "person_id": "CASE WHEN i % 3 = 0 THEN 1000 + (i * 104729) % 200000 END",
        "changes": "'{}'::jsonb",
        "changes_digest": "''",
        "request_id": "md5(i::text)",
        "hash": "md5(i::text || 'a') || md5(i::text || 'b')",
    }
    if "house_id" in columns:
        values["house_id"] = str(house_id)
    if "nonce" in columns:
        values["nonce"] = "''"
    if "prev_hash" in columns:
        values["prev_hash"] = "''"
    if "id" in columns and "sequence" in columns:  # the single-chain design: sequence was a plain column
        values["sequence"] = "1000000000 + i"
    names = ", ".join(values)
    # A literal % in SQL with parameters must be doubled.
    expressions = ", ".join(values.values()).replace("%", "%%")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Building the plain indexes afterwards by sorting is much faster than two million random
        # inserts into each; the database ends up in the same state.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {expressions} FROM generate_series(1::bigint, %s) AS i",  # noqa: S608
            [count],
        )
        for _name, definition in indexes:
            cursor.execute(definition)
        if "audit_auditsubject" in connection.introspection.table_names():
            links = (
                "INSERT INTO audit_auditsubject (event_id, kind, subject_id) "  # noqa: S608 - table from the model
                f"SELECT e.sequence, 'person', 1000 + ((e.sequence * 31 + k) %% 200000) FROM {table} e, "
                "generate_series(1, 10) AS k WHERE e.request_id ~ '^[0-9a-f]{32}$' AND e.sequence %% 50 = 0 "
                "AND e.house_id = %s"
            )
            cursor.execute(links, [house_id])
    return time.perf_counter() - started


def _bench(args: argparse.Namespace, env: dict[str, str]) -> int:
    _setup(env)
    from django.core.management import call_command
    from django.db import connection

    from casustafel.audit.models import AuditEvent
    from casustafel.demo.builder import build_demo_region
    from casustafel.organisations.models import Membership, Role

    print(f"database: {connection.vendor}")
    started = time.perf_counter()
    region = build_demo_region(scale=args.scale)
    print(
        f"demo_region --scale {args.scale}: {time.perf_counter() - started:.0f} s, {AuditEvent.objects.count():,} events"
    )
    from django.core.management import get_commands

    if "tick" in get_commands():  # older versions have no periodic work
        call_command("tick", verbosity=0)
    officer_membership = Membership.objects.filter(role=Role.PRIVACY_OFFICER).select_related("organisation").first()
    assert officer_membership is not None
    house_id = officer_membership.organisation.house_id
    officer = officer_membership.user
    sar_pk = None
    try:
        from casustafel.privacy.subject_access.models import SubjectAccessRequest
    except ImportError:
        from casustafel.privacy.subject_access.models import SubjectAccessRequest  # type: ignore[no-redef]
    sar = SubjectAccessRequest.objects.filter(house_id=house_id).order_by("pk").first()
    person_id = sar.person_id if sar is not None else 1
    sar_pk = sar.pk if sar is not None else None
    del region

    pages = _pages(officer, sar_pk, person_id)
    before = _time(officer, pages, args.repeat)
    took = _add_events(house_id, args.extra)
    print(f"added {args.extra:,} audit events to the house in {took:.0f} s ({AuditEvent.objects.count():,} in all)")
    pages = _pages(officer, sar_pk, person_id)
    after = _time(officer, pages, args.repeat)
    print(
        f"{'page (fastest of ' + str(args.repeat) + ' GETs)':34} {'without':>9} {'with':>9}  ratio (target <= 1.5)   medians"
    )
    for name in pages:
        (fast_before, median_before), (fast_after, median_after) = before.get(name, (0.0, 0.0)), after[name]
        ratio = fast_after / fast_before if fast_before else float("nan")
        print(
            f"{name:34} {fast_before * 1000:7.0f}ms {fast_after * 1000:7.0f}ms  {ratio:5.2f}"
            f"                  {median_before * 1000:.0f} / {median_after * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

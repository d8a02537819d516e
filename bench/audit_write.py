"""Benchmark: audit-trail write throughput and the start page's query count on the demo region.

    .venv/bin/python bench/audit_write.py [--scale N] [--events N] [--use-env-database]

Builds the demo region at `--scale` in a fresh SQLite database in a temp folder (never the
demo's var/casustafel.sqlite3), then measures:

1. `audit_record` throughput: `--events` events, each in its own transaction as a service call
   would write it, by one demo professional; then how long `audit_chain_verify` takes to walk
   the whole chain.
2. The start page per role: SQL queries and time of one GET of "/" (after one warm-up GET).

Not part of the test suite: numbers depend on the machine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="demo_region --scale (professionals ×N). Default 1.")
    parser.add_argument("--events", type=int, default=2000, help="audit events to write. Default 2000.")
    parser.add_argument(
        "--use-env-database",
        action="store_true",
        help="use DB_ENGINE/DB_NAME/DB_HOST/... from the environment (e.g. a throwaway PostgreSQL) instead of "
        "a temp SQLite file; that database must be empty apart from migrations",
    )
    return parser.parse_args()


def main() -> int:
    args = _parse()
    if args.scale < 1 or args.events < 1:
        sys.exit("--scale and --events must be at least 1")
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
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casustafel.audit.context import Actor
    from casustafel.audit.models import AuditAction
    from casustafel.audit.selectors import audit_chain_verify
    from casustafel.audit.services import audit_record
    from casustafel.demo.builder import build_demo_region
    from casustafel.demo.region import OFFICE_KEY
    from casustafel.organisations.models import Role
    from casustafel.testing.personas import login_verified

    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    region = build_demo_region(scale=args.scale)
    if not region.created:
        sys.exit("the database already holds the demo region: start from an empty one")
    print(f"demo_region --scale {args.scale}: {time.perf_counter() - started:.1f} s ({region.summary()})")

    # 1. audit_record throughput.
    member = region.professionals("police")[0]
    actor = Actor(user=member.user, membership=member, ip_address="127.0.0.1")
    durations = []
    started = time.perf_counter()
    for number in range(args.events):
        begin = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=member,
                changes={"job_title": ["Wijkagent", f"Wijkagent {number}"]},
            )
        durations.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1] if len(durations) > 1 else durations[0]
    print(
        f"audit_record: {args.events} events in {elapsed:.2f} s = {args.events / elapsed:,.0f} events/s "
        f"(median {statistics.median(durations) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms)"
    )
    started = time.perf_counter()
    problems = audit_chain_verify()
    print(f"audit_chain_verify: {time.perf_counter() - started:.2f} s, {len(problems)} problem(s)")
    if problems:
        return 1

    # 2. The start page per role.
    office = region.members[OFFICE_KEY]
    people = {
        "process_director": next(m for m in office if m.role == Role.PROCESS_DIRECTOR),
        "secretary": next(m for m in office if m.role == Role.SECRETARY),
        "house_manager": next(m for m in office if m.role == Role.HOUSE_MANAGER),
        "administrator": next(m for m in office if m.role == Role.ADMINISTRATOR),
        "board": next(m for m in office if m.role == Role.BOARD),
        "professional": member,
    }
    print("start page (GET /, after one warm-up):")
    for name, membership in people.items():
        client = Client()
        login_verified(client, membership.user)
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            response = client.get("/")
            took = time.perf_counter() - begin
        if response.status_code != 200:
            print(f"  {name:17} status {response.status_code}")
            return 1
        print(f"  {name:17} {len(queries):3d} queries  {took * 1000:6.1f} ms")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

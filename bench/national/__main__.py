# ruff: noqa: S603, S607 -- runs fixed local PostgreSQL programs
"""Generate the national data set into a throwaway PostgreSQL cluster (or DB_* with
--use-env-database), print its sizes, and optionally verify the audit trail, open the pages
and write a pg_dump for later measurements.

    .venv/bin/python -m bench.national [--houses 25] [--years 10] [--cases 200000] [--events 0]
        [--dump var/bench/national.dump] [--verify] [--check-pages] [--use-env-database]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.pgcluster import pg_cluster  # noqa: E402

SIZED_TABLES = [
    "organisations_safetyhouse", "organisations_organisation", "accounts_user", "cases_person", "cases_referral",
    "cases_caseparty", "cases_case", "cases_caseinvolvement", "meetings_meeting", "meetings_agendaitem",
    "meetings_invitation", "meetings_attendance", "meetings_clientparticipation", "plans_actionplan", "plans_goal",
    "plans_agreement", "audit_auditevent",
]  # fmt: skip


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--houses", type=int, default=25)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--cases", type=int, default=200_000)
    # 10 million for issue 9; 0 (no audit trail) until the writer follows the sealed chains (sink.py).
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dump", type=Path, help="write a pg_dump -Fc of the result here")
    parser.add_argument("--verify", action="store_true", help="run verify_audit over the whole trail")
    parser.add_argument("--check-pages", action="store_true", help="open the main pages as a generated director")
    parser.add_argument("--use-env-database", action="store_true", help="DB_* from the environment, empty")
    return parser.parse_args()


def _print_sizes() -> None:
    from django.db import connection

    print("sizes:")
    with connection.cursor() as cursor:
        for table in SIZED_TABLES:
            cursor.execute(f'SELECT COUNT(*), pg_total_relation_size(\'"{table}"\') FROM "{table}"')  # noqa: S608
            rows, size = cursor.fetchone()
            print(f"  {table:28} {rows:>12,} rows  {size / 2**20:>9,.0f} MB (with indexes)")
        cursor.execute("SELECT pg_database_size(current_database())")
        print(f"  {'database':28} {cursor.fetchone()[0] / 2**30:>28.1f} GB")


def _check_pages() -> None:
    from django.test import Client

    from casustafel.cases.models import Case, CaseStatus
    from casustafel.organisations.middleware import SESSION_KEY
    from casustafel.organisations.models import Membership, Role

    case = Case.objects.filter(status=CaseStatus.ACTIVE).order_by("-pk").first()
    assert case is not None
    director = Membership.objects.get(user=case.process_director, role=Role.PROCESS_DIRECTOR)
    client = Client()
    client.force_login(director.user)
    session = client.session
    session[SESSION_KEY] = director.pk
    session.save()
    for path in ["/", "/casussen/", f"/casussen/{case.pk}/", f"/casussen/aanmeldingen/{case.referral_id}/",
                 f"/casussen/triage/{case.referral_id}/", "/rapportage/"]:  # fmt: skip
        started = time.perf_counter()
        status = client.get(path).status_code
        print(f"  GET {path:36} {status}  {1000 * (time.perf_counter() - started):7.0f} ms")
        if status != 200:
            raise SystemExit(f"{path} answered {status}")


def main() -> int:
    args = _parse()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "casustafel.settings", "DEBUG": "false", "MFA_REQUIRED": "false"})
    os.environ.pop("CASUSTAFEL_ENV", None)
    # A throwaway cluster: durability buys nothing while generating (the dump is what is kept).
    os.environ.setdefault("BENCH_PG_DURABLE", "0")
    settings = {"max_wal_size": "8GB", "checkpoint_timeout": "30min"}
    cluster = contextlib.nullcontext(None) if args.use_env_database else pg_cluster(name="national", settings=settings)
    with cluster as env:
        if env:
            os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.urls import get_resolver

        # Import every view now: a run takes long enough for the checkout to change under it.
        get_resolver().url_patterns  # noqa: B018

        from bench.national.generate import Plan, generate

        if connection.vendor != "postgresql":
            raise SystemExit("the national data set needs PostgreSQL (COPY)")
        call_command("migrate", verbosity=0)
        plan = Plan(houses=args.houses, years=args.years, cases=args.cases, events=args.events, seed=args.seed)
        print(f"generating {plan}", flush=True)
        started = time.perf_counter()
        generate(plan, lambda line: print(line, flush=True))
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        _print_sizes()
        # First the dump: what the checks below find wrong is easier to study from it.
        if args.dump:
            args.dump.parent.mkdir(parents=True, exist_ok=True)
            pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
            db = os.environ
            subprocess.run([str(pg_bin / "pg_dump"), "-Fc", "-Z1", "-h", db["DB_HOST"], "-p", db["DB_PORT"], "-U",
                            db.get("DB_USER", "postgres"), "-f", str(args.dump), db["DB_NAME"]], check=True)  # fmt: skip
            print(f"dump: {args.dump} ({args.dump.stat().st_size / 2**30:.1f} GB)")
        if args.check_pages:
            _check_pages()
        if args.verify:
            from casustafel.audit.selectors import audit_chain_verify

            started = time.perf_counter()
            problems = audit_chain_verify()
            print(f"verify_audit: {len(problems)} problem(s) in {time.perf_counter() - started:.0f} s", flush=True)
            if problems:
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark (issue 9, target 3): audit writes under concurrency, side by side with a plain insert.

    .venv/bin/python bench/audit_concurrency.py --postgres [--threads 16] [--events 4000] [--port 55442]

With `--threads` writers, each event in its own transaction as a service call writes it:

1. plain insert: the same audit row (same columns, same table, same indexes) inserted through
   the ORM, nothing else;
2. `audit_record`: a READ event with an object, a case and a person, as a case page writes it.
   While it runs, the sealer (`audit_seal`) runs every second in its own thread, as
   `casustafel tick` would, so its cost is included.

The phases alternate (plain, audit, plain, audit) and the best run of each counts; the ratio
audit/plain is printed (target: at least 0.5). Then the whole trail is sealed and verified:
the full verification's time per event, and the incremental verification of one new seal.

The script calls only `audit_record(actor=, action=, obj=, case_id=, person_id=)`, so it also runs
against older versions of the code (the "before" column of bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLAIN_MARK = "bench-plain-insert"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=16, help="concurrent writers. Default 16.")
    parser.add_argument("--events", type=int, default=4000, help="events per phase (all threads). Default 4000.")
    parser.add_argument("--rounds", type=int, default=2, help="times each phase runs; the best counts. Default 2.")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL cluster (fsync on)")
    parser.add_argument("--port", type=int, default=55442, help="port of the throwaway cluster. Default 55442.")
    parser.add_argument(
        "--use-env-database", action="store_true", help="use DB_* from the environment (an empty database)"
    )
    return parser.parse_args()


def _setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casustafel.settings")
    if os.environ.get("CASUSTAFEL_ENV") == "production":
        sys.exit("refusing to run with CASUSTAFEL_ENV=production")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run_threads(threads: int, per_thread: int, work: Any) -> float:
    from django.db import connection

    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            barrier.wait()
            for number in range(per_thread):
                work(index, number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=body, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def main() -> int:
    args = _parse()
    if args.threads < 1 or args.events < args.threads:
        sys.exit("--threads must be at least 1 and --events at least --threads")
    tmp = tempfile.TemporaryDirectory(prefix="casustafel-bench-")
    env = {"CASUSTAFEL_VAR_DIR": tmp.name}
    if args.postgres:
        from pgcluster import pg_cluster

        with pg_cluster(port=args.port) as pg_env:
            return _bench(args, {**env, **pg_env})
    if not args.use_env_database:
        env.update({"DB_ENGINE": "sqlite", "DB_NAME": str(Path(tmp.name) / "bench.sqlite3")})
    return _bench(args, env)


def _bench(args: argparse.Namespace, env: dict[str, str]) -> int:
    _setup(env)
    from django.db import connection, transaction

    from casustafel.audit.context import Actor
    from casustafel.audit.models import AuditAction, AuditEvent
    from casustafel.audit.services import audit_record
    from casustafel.organisations.models import Role
    from casustafel.testing.factories import MembershipFactory, OrganisationFactory, SafetyHouseFactory

    try:
        from casustafel.audit.sealing import audit_seal
    except ImportError:  # the single-chain design had no sealer
        audit_seal = None  # type: ignore[assignment]

    print(f"database: {connection.vendor}; {args.threads} writers, {args.events} events per phase")
    house = SafetyHouseFactory()
    organisation = OrganisationFactory(house=house)
    actors = [
        Actor(user=m.user, membership=m, ip_address="127.0.0.1")
        for m in (MembershipFactory(organisation=organisation, role=Role.PROFESSIONAL) for _ in range(args.threads))
    ]
    per_thread = args.events // args.threads
    events = per_thread * args.threads

    def audited(index: int, number: int) -> None:
        actor = actors[index]
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.READ,
                obj=actor.membership,
                case_id=1000 + number,
                person_id=5000 + number,
            )

    # The template of "the same row": an event audit_record wrote, with its unique columns
    # given fresh values per insert.
    audited(0, 0)
    template_event = AuditEvent.objects.order_by("-pk").first()
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    template = {f.attname: getattr(template_event, f.attname) for f in fields}
    unique = [f.attname for f in fields if f.unique]
    counter = iter(range(10**12, 10**13))
    lock = threading.Lock()

    def plain(index: int, number: int) -> None:
        values = {**template, "request_id": PLAIN_MARK}
        for name in unique:
            if name == "hash":
                values[name] = secrets.token_hex(32)
            else:
                with lock:
                    values[name] = next(counter)
        with transaction.atomic():
            AuditEvent(**values).save(force_insert=True)

    stop = threading.Event()

    def sealer() -> None:
        try:
            while not stop.wait(1.0):
                audit_seal()
            audit_seal()
        finally:
            connection.close()

    results: dict[str, list[float]] = {"plain insert": [], "audit_record": []}
    _run_threads(args.threads, max(1, per_thread // 10), plain)  # warm-up
    _run_threads(args.threads, max(1, per_thread // 10), audited)
    for _round in range(args.rounds):
        elapsed = _run_threads(args.threads, per_thread, plain)
        results["plain insert"].append(events / elapsed)
        thread = threading.Thread(target=sealer) if audit_seal is not None else None
        if thread is not None:
            stop.clear()
            thread.start()
        elapsed = _run_threads(args.threads, per_thread, audited)
        if thread is not None:
            stop.set()
            thread.join()
        results["audit_record"].append(events / elapsed)
    for name, rates in results.items():
        print(f"  {name:13} {max(rates):8,.0f} events/s (runs: {', '.join(f'{rate:,.0f}' for rate in rates)})")
    ratio = max(results["audit_record"]) / max(results["plain insert"])
    print(f"audit_record / plain insert = {ratio:.2f} (target: at least 0.50)")

    # The plain rows are no audit events (no pending mark, no valid hash): remove them before
    # the trail is verified.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE request_id = %s", [PLAIN_MARK])  # noqa: S608
    _verification(audit_seal)
    return 0


def _verification(audit_seal: Any) -> None:
    from casustafel.audit.models import AuditEvent
    from casustafel.audit.selectors import audit_chain_verify

    if audit_seal is not None:
        audit_seal()
    total = AuditEvent.objects.count()
    started = time.perf_counter()
    problems = audit_chain_verify()
    took = time.perf_counter() - started
    print(
        f"full verification: {total:,} events in {took:.2f} s = {took / total * 1e6:.1f} us/event, "
        f"{len(problems)} problem(s)"
    )
    try:
        from casustafel.audit.verification import audit_verify_new
    except ImportError:
        return
    audit_verify_new()
    _one_more_seal(audit_seal)
    started = time.perf_counter()
    audit_verify_new()
    print(f"incremental verification of one new seal of 100 events: {(time.perf_counter() - started) * 1000:.0f} ms")


def _one_more_seal(audit_seal: Any) -> None:
    from casustafel.audit.context import Actor
    from casustafel.audit.models import AuditAction
    from casustafel.audit.services import audit_record
    from casustafel.organisations.models import Membership

    membership = Membership.objects.select_related("organisation", "user").first()
    actor = Actor(user=membership.user, membership=membership)  # type: ignore[union-attr]
    for number in range(100):
        audit_record(actor=actor, action=AuditAction.READ, obj=membership, case_id=number)
    audit_seal()


if __name__ == "__main__":
    raise SystemExit(main())

"""Where the queries of `demo_region` go: run by `bench/demo_region.py --queries` in a child
process whose environment points at a fresh database (SQLite or the throwaway PostgreSQL
cluster).

    python -m bench.demo_queries --scale 1 [--top 25]

Migrates, then builds the demo with a `connection.execute_wrapper` that files every statement
under its kind and table (`SELECT cases_case`, `SAVEPOINT`, `INSERT audit_auditevent`, ...) and
under the innermost line (and both together) of the product's own code (not Django's, not the demo builder's: the
service that asked) that sent it. Prints the totals per audit event, the largest kinds and the
largest call sites.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casustafel.settings")

_TABLE = re.compile(r'^\s*(?:SELECT .*? FROM|INSERT INTO|UPDATE|DELETE FROM)\s+"([^"]+)"', re.S | re.I)
_PRODUCT = str(ROOT / "casustafel")
_SKIP = (str(ROOT / "casustafel" / "demo"), str(ROOT / "casustafel" / "lib"))


def kind(sql: str) -> str:
    head = sql.lstrip().split(None, 1)[0].upper()
    if head in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return head
    match = _TABLE.match(sql)
    return f"{head} {match.group(1)}" if match else head


def caller() -> str:
    """The innermost frame in the product's code outside the demo builder and lib/: the
    service (or model method) that sent the query."""
    frame = sys._getframe(2)
    fallback = ""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_PRODUCT):
            where = f"{name.removeprefix(_PRODUCT + '/')}:{frame.f_lineno} {frame.f_code.co_name}"
            if not name.startswith(_SKIP):
                return where
            fallback = fallback or where
        frame = frame.f_back  # type: ignore[assignment]
    return fallback or "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from casustafel.audit.models import AuditEvent

    call_command("migrate", "--noinput", verbosity=0)
    kinds: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        what, where = kind(sql), caller()
        kinds[what] += 1
        sites[where] += 1
        pairs[what, where] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with open(os.devnull, "w") as devnull, connection.execute_wrapper(wrapper):
        call_command("demo_region", "--scale", str(args.scale), stdout=devnull)
    seconds = time.perf_counter() - started
    events = AuditEvent.objects.count()
    total = sum(kinds.values())
    print(
        f"{connection.vendor}, scale {args.scale}: {total} queries, {events} audit events, "
        f"{total / events:.2f} queries per event, {seconds:.1f} s with the counter on"
    )
    print(f"\nkinds (top {args.top}): count, per event")
    for name, count in kinds.most_common(args.top):
        print(f"  {count:8d} {count / events:6.2f}  {name}")
    print(f"\ncall sites (top {args.top}): count, per event")
    for name, count in sites.most_common(args.top):
        print(f"  {count:8d} {count / events:6.2f}  {name}")
    print(f"\nkind at call site (top {args.top}): count, per event")
    for (what, where), count in pairs.most_common(args.top):
        print(f"  {count:8d} {count / events:6.2f}  {what} <- {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

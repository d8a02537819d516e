# ruff: noqa: S603, S607 -- runs fixed local PostgreSQL programs
"""Issue 12, performance: the dashboard on PostgreSQL against the same indicators computed by
DuckDB on a Parquet export of the same data. Target: the dashboard within 3x of DuckDB.

    .venv/bin/python -m bench.dashboard_duckdb --dump var/bench/national.dump [--year 2025] [--repeat 5]

Restores the national data set (`python -m bench.national --dump ...`) into a throwaway
cluster, migrates it (so the indexes of this checkout are there), exports the tables the
indicators read to Parquet, then per indicator, for the largest house and for the whole country
(every house): the app's own reporting code on PostgreSQL (`compute(ctx)`: the grouped queries,
the cube's suppression and the tables, with the cube cache emptied first) and the same numbers in
DuckDB SQL (`bench/duckdb_indicators.py`), each the median of --repeat runs, side by side. Both
answers are compared first; any difference is a failure (exit 1). Prints per indicator, per group
and overall the ratio app / DuckDB.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pgcluster import pg_cluster  # noqa: E402

TARGET = 3.0


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path, required=True, help="a pg_dump -Fc of `python -m bench.national`")
    parser.add_argument("--year", type=int, help="the year shown (default: the last completed one)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--country-repeat", type=int, default=3, help="repetitions of the whole-country runs")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (PostgreSQL: one backend)")
    parser.add_argument("--use-env-database", action="store_true", help="DB_* from the environment, already loaded")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest app queries")
    return parser.parse_args()


def _median(runs: int, work: Callable[[], Any], before: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _restore(dump: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    db = os.environ
    started = time.perf_counter()
    subprocess.run([str(pg_bin / "pg_restore"), "--no-owner", "-j", "2", "-h", db["DB_HOST"], "-p", db["DB_PORT"],
                    "-U", db.get("DB_USER", "postgres"), "-d", db["DB_NAME"], str(dump)], check=True)  # fmt: skip
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"restored and migrated {dump} in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> int:
    args = _parse()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "casustafel.settings", "DEBUG": "false", "MFA_REQUIRED": "false"})
    os.environ.pop("CASUSTAFEL_ENV", None)
    os.environ.setdefault("BENCH_PG_DURABLE", "0")
    cluster = contextlib.nullcontext(None) if args.use_env_database else pg_cluster(name="dashboard")
    with cluster as env:
        if env:
            os.environ.update(env)
        import django

        django.setup()
        if env:
            _restore(args.dump)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count

    from bench import duckdb_indicators as duck
    from casustafel.organisations.models import SafetyHouse
    from casustafel.reporting.grid import GridPeriod
    from casustafel.reporting.indicators.base import Context, computation, house_scope
    from casustafel.reporting.selectors import report_threshold

    year = args.year or duck.today_year()
    houses = list(SafetyHouse.objects.annotate(n=Count("cases")).order_by("-n", "pk"))
    largest = houses[0]
    print(f"year {year}; {len(houses)} houses; the largest, {largest.name}, has {largest.n:,} cases", flush=True)  # type: ignore[attr-defined]

    folder = Path(tempfile.mkdtemp(prefix="casustafel-parquet-"))
    started = time.perf_counter()
    written = duck.export_parquet(folder)
    size = sum(path.stat().st_size for path in folder.glob("*.parquet"))
    print(
        f"parquet export: {sum(written.values()):,} rows, {size / 2**20:,.0f} MB in {time.perf_counter() - started:.0f} s"
    )
    for name, rows in written.items():
        print(f"  {name:14} {rows:>12,} rows")
    ddb = duck.connect(folder, threads=args.threads)
    duck.prepare(ddb)

    keys = [key for group in duck.GROUPS.values() for key in group]
    print("\nchecking that both give the same numbers (every house)...", flush=True)
    failures = 0
    for key in keys:
        app = duck.app_result(key, year=year, houses=houses)
        other = duck.duck_result(ddb, key, year=year, house=None)
        problems = duck.differences(app, other)
        size_note = f"{len(app)} {'houses' if key in duck.MEDIANS else 'cells'}"
        print(f"  {key:24} {'same' if not problems else 'DIFFERENT'} ({size_note})", flush=True)
        for line in problems[:10]:
            print(f"      {line}")
        failures += bool(problems)
    if failures:
        print(f"{failures} indicator(s) differ: the comparison is void")
        return 1

    threshold = report_threshold()
    period = GridPeriod.of_year(year)

    def app_compute(key: str, targets: list[Any]) -> None:
        for house in targets:
            computation(key).compute(Context(house=house, period=period, scope=house_scope(house), threshold=threshold))

    def app_queries(key: str, targets: list[Any]) -> None:
        duck.app_result(key, year=year, houses=targets)

    print(
        f"\ntimes in ms, median of {args.repeat} runs (one house) and {args.country_repeat} (the country, every house):"
    )
    print("  queries: the app's grouped queries for the numbers DuckDB computes (Django, PostgreSQL)")
    print("  cold / warm: the whole indicator as the dashboard computes it (queries, suppression, tables),")
    print("  with the suppression cache emptied / filled; duckdb: the same numbers in DuckDB on Parquet")
    header = f"{'queries':>8} {'cold':>6} {'warm':>6} {'duckdb':>7} {'ratio':>5}"
    print(f"{'indicator':22} {'house':>5} {header}   {'country':>7} {header}")
    results: dict[str, list[float]] = {}
    for key in keys:
        row: list[float] = []
        for targets, house, runs in (([largest], largest.pk, args.repeat), (houses, None, args.country_repeat)):
            queries = _median(runs, lambda: app_queries(key, targets))  # noqa: B023
            cold = _median(runs, lambda: app_compute(key, targets), before=cache.clear)  # noqa: B023
            warm = _median(runs, lambda: app_compute(key, targets))  # noqa: B023
            reference = _median(runs, lambda: duck.duck_result(ddb, key, year=year, house=house))  # noqa: B023
            row += [queries, cold, warm, reference]
        results[key] = row
        cells = [f"{1000 * row[i]:8.0f} {1000 * row[i + 1]:6.0f} {1000 * row[i + 2]:6.0f} {1000 * row[i + 3]:7.0f} "
                 f"{row[i] / row[i + 3]:5.1f}" for i in (0, 4)]  # fmt: skip
        print(f"{key:22} {'':5} {cells[0]}   {'':7} {cells[1]}", flush=True)

    print(f"\nratio app / DuckDB per group (target at most {TARGET:g}): queries; in brackets cold / warm dashboard")
    verdict = True
    for group, members in [*duck.GROUPS.items(), ("overall", keys)]:
        sums = [sum(results[key][index] for key in members) for index in range(8)]
        parts = []
        for i in (0, 4):
            ratio = sums[i] / sums[i + 3]
            parts.append(f"{ratio:5.1f} ({sums[i + 1] / sums[i + 3]:5.1f} / {sums[i + 2] / sums[i + 3]:5.1f})")
            if group == "overall":
                verdict &= ratio <= TARGET
        print(f"  {group:8} house {parts[0]}   country {parts[1]}")
    print(f"  overall: the queries are {'within' if verdict else 'OVER'} the target")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; PostgreSQL {connection.pg_version}")  # type: ignore[attr-defined]
    if args.explain:
        _explain(results, largest, year)
    return 0 if verdict else 2


def _explain(results: dict[str, list[float]], house: Any, year: int) -> None:
    """EXPLAIN ANALYZE of the grouped queries of the three slowest indicators (one house)."""
    from django.db import connection

    from bench import duckdb_indicators as duck

    slowest = sorted(results, key=lambda key: results[key][0] / results[key][3], reverse=True)[:3]
    for key in slowest:
        start = len(connection.queries)
        connection.force_debug_cursor = True
        duck.app_result(key, year=year, houses=[house])
        connection.force_debug_cursor = False
        for query in connection.queries[start:]:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print(f"\n--- {key}: {query['sql'][:200]}...")
                print("\n".join(line for (line,) in cursor.fetchall()))


if __name__ == "__main__":
    raise SystemExit(main())

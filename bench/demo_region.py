# ruff: noqa: S603, S607 -- benchmark scripts run fixed local programs (PostgreSQL, wrk, gunicorn)
"""Target 4 of issue 9: `demo_region` on PostgreSQL within 2x its SQLite time.

    .venv/bin/python bench/demo_region.py [--scale 10] [--repeat 1]
    .venv/bin/python bench/demo_region.py --scale 1 --queries   # where the queries go

Builds the demo region at `--scale` twice per round, side by side: once in a fresh SQLite file in
a temp folder, once in a throwaway PostgreSQL cluster (bench/pgcluster.py, port $BENCH_PG_PORT,
default 55454). Each build is `manage.py migrate` (not timed) and then `manage.py demo_region`
(timed) in its own process. Prints both times and the ratio PostgreSQL / SQLite per round, in
wall-clock time (the target) and in CPU time (the build's process plus, on PostgreSQL, the
server processes that served it): on a machine shared with other work the wall-clock time of
PostgreSQL suffers more than SQLite's, since every query waits for two processes to be
scheduled instead of one, so the CPU ratio is the steadier of the two.

`--queries` builds once per engine instead, untimed, with every statement counted by kind and
by the product's line that sent it (bench/demo_queries.py), per audit event.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pgcluster import pg_cluster  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def _env(extra: dict[str, str], var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    env.update({"CASUSTAFEL_VAR_DIR": var_dir, "DEBUG": "false", "CASUSTAFEL_DEMO": "true", "MFA_REQUIRED": "false"})
    env.pop("CASUSTAFEL_ENV", None)
    env.update(extra)
    return env


def _server_cpu(extra: dict[str, str]) -> float:
    """CPU seconds used so far by the PostgreSQL server of `extra`: the postmaster and every
    backend that exited (counted into the postmaster's children) or still runs."""
    if extra.get("DB_ENGINE") != "postgres":
        return 0.0
    master = Path(extra["DB_HOST"], "data", "postmaster.pid").read_text().split()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu(pid: str, children: bool) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
        return used / ticks

    running = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return cpu(master, True) + sum(cpu(pid, False) for pid in running if Path(f"/proc/{pid}").exists())


def build(extra: dict[str, str], scale: int) -> tuple[float, float]:
    """Seconds of wall-clock and of CPU that `demo_region --scale` takes on the database `extra`
    points at."""
    with tempfile.TemporaryDirectory(prefix="casustafel-benchdemo-") as var_dir:
        env = _env(extra, var_dir)
        if env.get("DB_ENGINE", "sqlite") == "sqlite":
            env["DB_NAME"] = str(Path(var_dir) / "demo.sqlite3")
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = _server_cpu(extra)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "demo_region", "--scale", str(scale)], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )
        wall = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
        return wall, client + _server_cpu(extra) - server_before


def count_queries(extra: dict[str, str], scale: int) -> None:
    """Build once on the database `extra` points at and print where the queries went."""
    with tempfile.TemporaryDirectory(prefix="casustafel-benchdemo-") as var_dir:
        env = _env(extra, var_dir)
        if env.get("DB_ENGINE", "sqlite") == "sqlite":
            env["DB_NAME"] = str(Path(var_dir) / "demo.sqlite3")
        subprocess.run([PYTHON, "-m", "bench.demo_queries", "--scale", str(scale)], env=env, check=True, cwd=ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1, help="rounds (SQLite then PostgreSQL each). Default 1.")
    parser.add_argument("--queries", action="store_true", help="count queries per kind and call site instead")
    args = parser.parse_args()
    if args.queries:
        count_queries({"DB_ENGINE": "sqlite"}, args.scale)
        with pg_cluster() as pg_env:
            count_queries(pg_env, args.scale)
        return 0
    ratios, cpu_ratios = [], []
    for round_ in range(1, args.repeat + 1):
        sqlite, sqlite_cpu = build({"DB_ENGINE": "sqlite"}, args.scale)
        print(f"round {round_}: SQLite {sqlite:.1f} s ({sqlite_cpu:.1f} s CPU)", flush=True)
        with pg_cluster() as pg_env:
            postgres, postgres_cpu = build(pg_env, args.scale)
        ratios.append(postgres / sqlite)
        cpu_ratios.append(postgres_cpu / sqlite_cpu)
        print(
            f"round {round_}: demo_region --scale {args.scale}: SQLite {sqlite:.1f} s ({sqlite_cpu:.1f} s CPU), "
            f"PostgreSQL {postgres:.1f} s ({postgres_cpu:.1f} s CPU), ratio {postgres / sqlite:.2f} "
            f"(CPU {postgres_cpu / sqlite_cpu:.2f}; target <= 2.00)",
            flush=True,
        )
    print(
        f"ratio PostgreSQL/SQLite: {min(ratios):.2f}-{max(ratios):.2f} wall-clock, "
        f"{min(cpu_ratios):.2f}-{max(cpu_ratios):.2f} CPU, over {len(ratios)} round(s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

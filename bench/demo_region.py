# ruff: noqa: S603, S607 -- benchmark scripts run fixed local programs (PostgreSQL, wrk, gunicorn)
"""Target 4 of issue 9: `demo_region` on PostgreSQL within 2x its SQLite time.

    .venv/bin/python bench/demo_region.py [--scale 10] [--repeat 1]

Builds the demo region at `--scale` twice per round, side by side: once in a fresh SQLite file in
a temp folder, once in a throwaway PostgreSQL cluster (bench/pgcluster.py, port $BENCH_PG_PORT,
default 55454). Each build is `manage.py migrate` (not timed) and then `manage.py demo_region`
(timed) in its own process. Prints both times and the ratio PostgreSQL / SQLite per round.
"""

from __future__ import annotations

import argparse
import os
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


def build(extra: dict[str, str], scale: int) -> float:
    """Seconds `demo_region --scale` takes on the database `extra` points at."""
    with tempfile.TemporaryDirectory(prefix="casustafel-benchdemo-") as var_dir:
        env = _env(extra, var_dir)
        if env.get("DB_ENGINE", "sqlite") == "sqlite":
            env["DB_NAME"] = str(Path(var_dir) / "demo.sqlite3")
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "demo_region", "--scale", str(scale)], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1, help="rounds (SQLite then PostgreSQL each). Default 1.")
    args = parser.parse_args()
    ratios = []
    for round_ in range(1, args.repeat + 1):
        sqlite = build({"DB_ENGINE": "sqlite"}, args.scale)
        print(f"round {round_}: SQLite {sqlite:.1f} s", flush=True)
        with pg_cluster() as pg_env:
            postgres = build(pg_env, args.scale)
        ratios.append(postgres / sqlite)
        print(
            f"round {round_}: demo_region --scale {args.scale}: SQLite {sqlite:.1f} s, PostgreSQL {postgres:.1f} s, "
            f"ratio {postgres / sqlite:.2f} (target <= 2.00)",
            flush=True,
        )
    print(f"ratio PostgreSQL/SQLite: {min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} round(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

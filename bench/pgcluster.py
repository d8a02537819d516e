# ruff: noqa: S603, S607 -- benchmark scripts run fixed local programs (PostgreSQL, wrk, gunicorn)
"""A throwaway PostgreSQL cluster for benchmarks, the same way `scripts/test` starts one.

    with pg_cluster(port=55454) as env:   # env: DB_ENGINE/DB_HOST/DB_PORT/DB_USER/DB_NAME
        ...

The cluster lives in a temp folder and listens only on a unix socket there. Unlike the test
cluster it keeps PostgreSQL's durability defaults (fsync and synchronous commit on), so a page
that writes an audit event pays its commit as it would in production. `BENCH_PG_DURABLE=0`
turns them off for quick runs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFAULT_PORT = int(os.environ.get("BENCH_PG_PORT", "55454"))


def _bindir() -> Path:
    # Debian's versioned folder first: /usr/local/bin may hold a lone pg_ctl symlink.
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if not found:
        raise SystemExit("initdb/pg_ctl not found (Debian: apt-get install postgresql)")
    return Path(found).resolve().parent


def _runas() -> list[str]:
    # initdb refuses to run as root; the scripts/test convention is the 'postgres' user.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def pg_cluster(
    *, port: int = DEFAULT_PORT, name: str = "bench", settings: dict[str, str] | None = None
) -> Iterator[dict[str, str]]:
    """Start a cluster, create database `name`, yield the environment that points Django at it,
    and remove the cluster afterwards."""
    # A plain `kill` must still stop the cluster: turn SIGTERM into SystemExit so `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="casustafel-benchpg-"))
    runas = _runas()
    if runas:
        shutil.chown(folder, "postgres")
    options = {"listen_addresses": "''", "shared_buffers": "512MB", "max_connections": "100"}
    if os.environ.get("BENCH_PG_DURABLE", "1") == "0":
        options.update(fsync="off", synchronous_commit="off", full_page_writes="off")
    options.update(settings or {})
    flags = " ".join(f"-c {key}={value}" for key, value in options.items())

    def run(*args: str) -> None:
        subprocess.run([*runas, *args], cwd=folder, check=True, stdout=subprocess.DEVNULL)

    try:
        run(str(bindir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        run(str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log"), "-w", "-t", "60",
            "-o", f"-k {folder} -p {port} {flags}", "start")  # fmt: skip
        run(str(bindir / "createdb"), "-h", str(folder), "-p", str(port), "-U", "postgres", name)
        yield {
            "DB_ENGINE": "postgres",
            "DB_HOST": str(folder),
            "DB_PORT": str(port),
            "DB_USER": "postgres",
            "DB_NAME": name,
        }
    finally:
        if (folder / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*runas, str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"],
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)

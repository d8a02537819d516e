"""A throwaway PostgreSQL cluster for the benchmarks, as scripts/test starts one, but with the
durability settings left at PostgreSQL's defaults (fsync on): write throughput means nothing
without them.

    with throwaway_cluster(port=55442) as env:   # env: DB_ENGINE, DB_HOST, DB_PORT, DB_USER, DB_NAME
        ...

Runs initdb as the `postgres` user when started as root (initdb refuses root).
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


def _bindir() -> Path:
    # Debian's versioned folder first: the wrappers on PATH pick a version by themselves.
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if not found:
        raise SystemExit("initdb not found (Debian: apt-get install postgresql)")
    return Path(found).parent


@contextlib.contextmanager
def throwaway_cluster(*, port: int, settings: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Start a cluster in a temp folder (unix socket only), yield the DB_* environment for
    Casustafel's settings, and remove it afterwards."""
    bindir = _bindir()
    # A plain `kill` must still stop and remove the cluster: turn SIGTERM into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="casustafel-bench-pg-"))
    runas: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        runas = ["runuser", "-u", "postgres", "--"]

    def run(*args: str) -> None:
        subprocess.run([*runas, *args], cwd=folder, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    options = [f"-k {folder}", f"-p {port}", "-c listen_addresses=''"]
    options += [f"-c {name}={value}" for name, value in (settings or {}).items()]
    run(
        str(bindir / "initdb"),
        "-D",
        str(folder / "data"),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(folder / "data"),
        "-l",
        str(folder / "server.log"),
        "-w",
        "-o",
        " ".join(options),
        "start",
    )
    try:
        run(str(bindir / "createdb"), "-h", str(folder), "-p", str(port), "-U", "postgres", "bench")
        version = subprocess.run(  # noqa: S603
            [str(bindir / "pg_ctl"), "--version"], check=True, capture_output=True, text=True
        ).stdout.split()[-1]
        print(f"PostgreSQL {version}: throwaway cluster in {folder}, port {port}, fsync on")
        yield {
            "DB_ENGINE": "postgres",
            "DB_HOST": str(folder),
            "DB_PORT": str(port),
            "DB_USER": "postgres",
            "DB_NAME": "bench",
        }
    finally:
        subprocess.run(  # noqa: S603
            [*runas, str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"],
            cwd=folder,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)

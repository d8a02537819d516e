# ruff: noqa: S603, S607 -- benchmark scripts run fixed local programs (PostgreSQL, wrk, gunicorn)
"""Target 1 of issue 9: page throughput as a ratio of a one-query view behind the same middleware.

    .venv/bin/python bench/pages.py [--scale 10] [--duration 10] [--concurrency 8] [--rounds 3]
                                    [--dump var/bench/demo-scale10.dump] [--only case_page,start_board]

1. Starts a throwaway PostgreSQL cluster (bench/pgcluster.py, port $BENCH_PG_PORT, default 55454)
   and builds the demo region at `--scale` in it (or restores `--dump` when that file exists, and
   writes it after a build, to save minutes on the next run).
2. Starts gunicorn with 2 workers x 4 threads on 127.0.0.1:$BENCH_HTTP_PORT (default 8204),
   DEBUG off, settings `bench.settings` (the product plus the reference view `/_bench/bare/`).
3. Logs in a persona per role (a session row written the way the login does) and, per round,
   loads the reference and then every page with `wrk` at `--concurrency` connections for
   `--duration` seconds each. Every page is checked for status 200 first.
4. Prints per page: requests/s, the ratio to the reference of the same round (target >= 0.25),
   CPU milliseconds per request of the gunicorn workers, and the range of the ratio over the
   rounds.

Only the ratios mean something: the machine is shared, absolute numbers move with its load.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pgcluster import pg_cluster  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
HTTP_PORT = int(os.environ.get("BENCH_HTTP_PORT", "8204"))
TARGET = 0.25


@dataclass(frozen=True)
class Page:
    key: str
    persona: str
    path: str


def _server_env(db_env: dict[str, str], var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    env.pop("CASUSTAFEL_ENV", None)
    env.update(db_env)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "CASUSTAFEL_VAR_DIR": var_dir,
            "DEBUG": "false",
            "CASUSTAFEL_DEMO": "true",
            "MFA_REQUIRED": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _prepare_database(env: dict[str, str], scale: int, dump: Path | None) -> None:
    manage = [PYTHON, str(ROOT / "manage.py")]
    pg_bin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
    target = ["-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", "postgres", "-d", env["DB_NAME"]]
    if dump is not None and dump.exists():
        started = time.perf_counter()
        subprocess.run([str(pg_bin / "pg_restore"), "--no-owner", "-j", "2", *target, str(dump)], check=True)
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        print(f"restored {dump} in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "demo_region", "--scale", str(scale)], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )
        print(f"demo_region --scale {scale}: {time.perf_counter() - started:.0f} s", flush=True)
        if dump is not None:
            dump.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(pg_bin / "pg_dump"), "-Fc", *target, "-f", str(dump)], check=True)
    subprocess.run([str(pg_bin / "psql"), "-q", *target, "-c", "VACUUM ANALYZE"], check=True)


def _sessions_and_pages(env: dict[str, str]) -> tuple[dict[str, str], list[Page]]:
    """Log in one persona per role and pick the objects each page shows. Runs Django in this
    process against the benchmark database (the server reads the same session rows)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from casustafel.accounts.middleware import LAST_ACTIVITY_KEY
    from casustafel.cases.models import Case, CaseStatus, Referral, ReferralStatus
    from casustafel.demo.region import HOUSE_NAME
    from casustafel.organisations.middleware import SESSION_KEY as ACTING_KEY
    from casustafel.organisations.models import Membership, Role

    office = Membership.objects.active().filter(
        organisation__house__name=HOUSE_NAME, organisation__is_house_office=True
    )
    director = office.filter(role=Role.PROCESS_DIRECTOR).order_by("pk").first()
    assert director is not None
    case = Case.objects.filter(process_director=director.user, status=CaseStatus.ACTIVE).order_by("pk").first()
    assert case is not None, "the demo has no active case of its first process director"
    professional = (
        Membership.objects.active()
        .filter(role=Role.PROFESSIONAL, user__pk__in=case.involvements.values("contact"))
        .order_by("pk")
        .first()
    ) or Membership.objects.active().filter(role=Role.PROFESSIONAL, organisation__house=case.house_id).first()
    referral = case.referral
    waiting = Referral.objects.filter(house=case.house_id, status=ReferralStatus.SUBMITTED).order_by("pk").first()
    triage_referral = waiting or referral
    personas = {
        "process_director": director,
        "secretary": office.filter(role=Role.SECRETARY).first(),
        "house_manager": office.filter(role=Role.HOUSE_MANAGER).first(),
        "administrator": office.filter(role=Role.ADMINISTRATOR).first(),
        "board": office.filter(role=Role.BOARD).first(),
        "privacy_officer": office.filter(role=Role.PRIVACY_OFFICER).first(),
        "professional": professional,
    }
    cookies = {}
    for name, membership in personas.items():
        if membership is None:
            continue
        user = membership.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[ACTING_KEY] = membership.pk
        # As the login leaves it; every request keeps it alive well within the idle timeout.
        session[LAST_ACTIVITY_KEY] = time.time()
        session.create()
        cookies[name] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    pages = [Page("bare_view", "process_director", "/_bench/bare/")]
    pages += [Page(f"start_{name}", name, "/") for name in cookies]
    pages += [
        Page("case_page", "process_director", f"/casussen/{case.pk}/"),
        Page("case_page_professional", "professional", f"/casussen/{case.pk}/"),
        Page("my_cases_director", "process_director", "/casussen/"),
        Page("my_cases_professional", "professional", "/casussen/"),
        Page("referral_page", "process_director", f"/casussen/aanmeldingen/{referral.pk}/"),
        Page("triage_page", "process_director", f"/casussen/triage/{triage_referral.pk}/"),
    ]
    return cookies, pages


def _get(path: str, cookie: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, len(body)


def _worker_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's workers."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _wrk(path: str, cookie: str, *, concurrency: int, duration: int, master: int) -> tuple[float, float]:
    """Requests/s and worker CPU ms per request of one `wrk` run."""
    cpu_before = _worker_cpu(master)
    result = subprocess.run(
        ["wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{duration}s", "--timeout", "30s",
         "-H", f"Cookie: {cookie}", "-H", "Host: 127.0.0.1", f"http://127.0.0.1:{HTTP_PORT}{path}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    cpu = _worker_cpu(master) - cpu_before
    if "Non-2xx" in result.stdout:
        raise SystemExit(f"{path}: wrk saw non-2xx answers:\n{result.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))  # type: ignore[union-attr]
    return rate, 1000 * cpu / max(requests, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page per round. Default 10.")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="pg_dump of the built demo: restored when present, else written")
    parser.add_argument("--only", help="comma-separated page keys (the reference always runs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found (Debian: apt-get install wrk)")
    with pg_cluster() as db_env, tempfile.TemporaryDirectory(prefix="casustafel-benchpages-") as var_dir:
        env = _server_env(db_env, var_dir)
        _prepare_database(env, args.scale, args.dump)
        cookies, pages = _sessions_and_pages(env)
        if args.only:
            keep = set(args.only.split(","))
            pages = [page for page in pages if page.key == "bare_view" or page.key in keep]
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "casustafel.wsgi:application", "--workers", "2",
             "--threads", "4", "--bind", f"127.0.0.1:{HTTP_PORT}", "--log-level", "warning"],
            env=env, cwd=ROOT,
        )  # fmt: skip
        try:
            for _attempt in range(100):
                try:
                    _get("/_bench/floor/", "")
                    break
                except OSError:
                    time.sleep(0.2)
            for page in pages:
                for _warm in range(3):
                    status, size = _get(page.path, cookies[page.persona])
                if status != 200:
                    raise SystemExit(f"{page.key} ({page.path} as {page.persona}): status {status}")
                print(f"{page.key:24} {page.path:32} as {page.persona:17} {size / 1024:6.1f} KB", flush=True)
            ratios: dict[str, list[float]] = {page.key: [] for page in pages}
            cpu_ratios: dict[str, list[float]] = {page.key: [] for page in pages}
            for round_ in range(1, args.rounds + 1):
                print(f"\nround {round_} (concurrency {args.concurrency}, {args.duration} s per page)", flush=True)
                reference = reference_cpu = 0.0
                for page in pages:
                    rate, cpu_ms = _wrk(
                        page.path,
                        cookies[page.persona],
                        concurrency=args.concurrency,
                        duration=args.duration,
                        master=server.pid,
                    )
                    if page.key == "bare_view":
                        reference, reference_cpu = rate, cpu_ms
                    ratios[page.key].append(rate / reference)
                    cpu_ratios[page.key].append(reference_cpu / cpu_ms)
                    print(
                        f"  {page.key:24} {rate:8.1f} req/s  ratio {rate / reference:5.2f}  {cpu_ms:6.1f} ms CPU/request",
                        flush=True,
                    )
            print(
                f"\nratio to the bare view behind the same middleware (target >= {TARGET:.2f}), over the rounds:"
                "\n  page                     throughput   CPU per request (bare / page)"
            )
            for key, values in ratios.items():
                if key == "bare_view":
                    continue
                verdict = "ok" if min(values) >= TARGET else ("MISSED" if max(values) < TARGET else "borderline")
                cpu = cpu_ratios[key]
                print(f"  {key:24} {min(values):5.2f}-{max(values):5.2f}  {min(cpu):5.2f}-{max(cpu):5.2f}  {verdict}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Issue 9 target 1, the steadier half: CPU milliseconds per GET of every page of bench/pages.py,
in-process, and each page's ratio to the bare view's.

    .venv/bin/python bench/pages_cpu.py --db /tmp/demo.sqlite3 [--repeat 10]

Against a SQLite database holding the demo region (`DB_ENGINE=sqlite DB_NAME=/tmp/demo.sqlite3
manage.py migrate && ... demo_region --scale 10`); the queries run in this process, so their
time is included. On a shared machine `wrk` ratios swing with the other jobs' load; CPU time per
request swings far less. To compare two versions, run it in each checkout one after the other.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import TARGET, _sessions_and_pages  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file holding the demo region")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DB_ENGINE": "sqlite",
        "DB_NAME": args.db,
        "CASUSTAFEL_VAR_DIR": str(Path(args.db).parent),
        "DEBUG": "false",
        "MFA_REQUIRED": "false",
        "CASUSTAFEL_DEMO": "true",
    }
    os.environ.pop("CASUSTAFEL_ENV", None)
    cookies, pages = _sessions_and_pages(env)
    from django.conf import settings
    from django.test import Client

    reference = 0.0
    print(f"{'page':24} {'ms CPU/GET':>10}  ratio (target >= {TARGET:.2f})")
    for page in pages:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.persona].split("=", 1)[1]
        for _warm in range(2):
            status = client.get(page.path).status_code
        if status != 200:
            raise SystemExit(f"{page.key} ({page.path}): status {status}")
        started = time.process_time()
        for _ in range(args.repeat):
            client.get(page.path)
        cpu = (time.process_time() - started) / args.repeat * 1000
        reference = reference or cpu
        print(f"{page.key:24} {cpu:10.1f}  {reference / cpu:5.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

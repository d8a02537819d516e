"""Where a page's time goes: pyinstrument over repeated GETs of one page, in-process.

    .venv/bin/pip install pyinstrument        # not a project dependency
    DB_ENGINE=sqlite DB_NAME=/tmp/demo.sqlite3 .venv/bin/python bench/profile_page.py \\
        --email <persona e-mail from demo_region> --path /casussen/12/ [--repeat 50]

Runs against an existing database holding the demo region (any scale), with DEBUG off. Prints
the query count of one GET and a pyinstrument call tree of `--repeat` GETs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--email", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--role", help="role of the membership to act for (default: the first active one)")
    parser.add_argument("--cpu-only", action="store_true", help="print queries and CPU time, skip the profile")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.update({"DEBUG": "false", "MFA_REQUIRED": "false", "CASUSTAFEL_DEMO": "true"})
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pyinstrument import Profiler

    from casustafel.accounts.models import User
    from casustafel.organisations.middleware import SESSION_KEY as ACTING_KEY
    from casustafel.organisations.models import Membership

    user = User.objects.get(email=args.email)
    client = Client()
    client.force_login(user)
    memberships = Membership.objects.active().filter(user=user)
    if args.role:
        memberships = memberships.filter(role=args.role)
    session = client.session
    session[ACTING_KEY] = memberships.first().pk  # type: ignore[union-attr]
    session.save()
    response = client.get(args.path)
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(args.path)
    print(f"{args.path}: {len(queries)} queries, {len(response.content) / 1024:.1f} KB")
    cpu = time.process_time()
    for _ in range(args.repeat):
        client.get(args.path)
    print(
        f"{(time.process_time() - cpu) / args.repeat * 1000:.1f} ms CPU per GET (not profiled; SQLite runs in-process)"
    )
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.stop()
    print(f"{(time.perf_counter() - started) / args.repeat * 1000:.1f} ms per GET (profiled)")
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

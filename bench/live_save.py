"""Benchmark: a live-meeting save against a bare Django view doing one query, side by side.

    .venv/bin/python bench/live_save.py [--rounds N] [--use-env-database]

Builds, in a fresh SQLite file in a temp folder (never the demo's var/), the test personas and a
meeting with the seed 002 leidraad, then measures, interleaved round by round so both see the
same machine load:

1. the reference: GET of a bare view that runs one query (`User.objects.count()`), served
   through the same URL resolver and middleware stack (session, login, second factor, acting
   organisation, CSP) by the same logged-in client;
2. the live save: an htmx POST of one answer (field-level save: permission check, version
   check, write and audit event in one transaction).

Twice: with a short agenda and an empty case, and with a long agenda (17 items) and a case
full of entries, facts and agreements. Prints the median and p95 of each, the ratio of the
medians (target: at most 3) and the queries per save (target: the same at both sizes).
Not part of the test suite: times depend on the machine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300, help="measured rounds per size. Default 300.")
    parser.add_argument(
        "--use-env-database",
        action="store_true",
        help="use DB_ENGINE/DB_NAME/DB_HOST/... from the environment (e.g. a throwaway PostgreSQL) instead of a "
        "temp SQLite file; that database must be empty",
    )
    return parser.parse_args()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def main() -> int:
    args = _parse()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casustafel.settings")
    if os.environ.get("CASUSTAFEL_ENV") == "production":
        sys.exit("refusing to run with CASUSTAFEL_ENV=production")
    tmp = tempfile.TemporaryDirectory(prefix="casustafel-bench-")
    if not args.use_env_database:
        os.environ["DB_ENGINE"] = "sqlite"
        os.environ["DB_NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ["CASUSTAFEL_VAR_DIR"] = tmp.name

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import include, path, reverse

    from casustafel.accounts.models import User
    from casustafel.meeting_types.models import Capture, GuideQuestion, SafetyPhase
    from casustafel.meetings.discussion import services
    from casustafel.meetings.models import AgendaItem, AgendaItemPart
    from casustafel.privacy.models import Consent, InformationCategory, LegalBasis
    from casustafel.privacy.provenance.checks import ProvenanceData
    from casustafel.testing.cases import CaseFactory
    from casustafel.testing.discussions import meeting_setting
    from casustafel.testing.personas import build_personas, login_verified
    from casustafel.testing.referrals import actor_for

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0)

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(User.objects.count()))

    urls = ModuleType("bench_live_save_urls")
    urls.urlpatterns = [path("__bench__/bare/", bare), path("", include("casustafel.urls"))]  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls

    personas = build_personas()
    setting = meeting_setting(personas)
    secretary = actor_for(personas, "secretary")
    discussion = setting.discussion(personas)
    question = next(
        q
        for q in GuideQuestion.objects.filter(
            part__phase__version=discussion.guide_version, part__phase__safety_phase=SafetyPhase.DIRECT_SAFETY
        )
        if Capture.SCORES in q.captures
    )
    client = Client()
    login_verified(client, personas.secretary)
    save_url = reverse("meetings:live_answer", args=[setting.meeting.pk, setting.item_1.pk, question.pk])
    state = {"version": ""}

    def save(text: str) -> tuple[float, int]:
        data = {f"a{question.pk}-text": text, f"a{question.pk}-version": state["version"]}
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            response = client.post(save_url, data, HTTP_HX_REQUEST="true")
            took = time.perf_counter() - begin
        body = response.content.decode()
        if response.status_code != 200 or "Opgeslagen om" not in body:
            sys.exit(f"the save failed: {response.status_code} {body[:300]}")
        state["version"] = str(int(state["version"] or 0) + 1)
        return took, len(queries)

    def reference() -> float:
        begin = time.perf_counter()
        response = client.get("/__bench__/bare/")
        took = time.perf_counter() - begin
        if response.status_code != 200:
            sys.exit(f"the bare view failed: {response.status_code}")
        return took

    def measure(label: str) -> tuple[float, int]:
        for n in range(20):  # warm-up: caches, connections, templates
            save(f"opwarmen {label} {n}")
            reference()
        bare_times, save_times, query_counts = [], [], set()
        for n in range(args.rounds):
            bare_times.append(reference())
            took, count = save(f"{label}: antwoord {n}")
            save_times.append(took)
            query_counts.add(count)
        ratio = statistics.median(save_times) / statistics.median(bare_times)
        print(
            f"{label:32} bare view median {statistics.median(bare_times) * 1000:6.2f} ms "
            f"(p95 {_percentile(bare_times, 0.95) * 1000:6.2f}) | live save median "
            f"{statistics.median(save_times) * 1000:6.2f} ms (p95 {_percentile(save_times, 0.95) * 1000:6.2f}) | "
            f"ratio {ratio:4.2f} | queries per save {sorted(query_counts)}"
        )
        return ratio, max(query_counts)

    with override_settings(ROOT_URLCONF=urls.__name__, DEBUG=False):
        small_ratio, small_queries = measure("2 items, empty case")
        for number in range(15):
            extra = CaseFactory(
                referral__referring_organisation=personas.org_a, meeting_type=setting.case_a.meeting_type
            )
            item = AgendaItem.objects.create(
                meeting=setting.meeting, case=extra, kind="review", position=2 + number, planned_minutes=5
            )
            AgendaItemPart.objects.create(item=item, title="Bespreking", planned_minutes=5)
        provenance = ProvenanceData(
            category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN
        )
        for number in range(200):
            services.entry_add(
                actor=secretary,
                discussion=discussion,
                part=setting.part_1,
                kind="concern",
                text=f"Zorg {number}",
                source="x",
            )
        for number in range(50):
            services.picture_fact_add(
                actor=secretary,
                discussion=discussion,
                part=setting.part_1,
                organisation=personas.org_a,
                text=f"Feit {number}",
                source="Dossier",
                provenance=provenance,
            )
            services.discussion_agreement_add(
                actor=secretary,
                discussion=discussion,
                part=setting.part_1,
                organisation=personas.org_a,
                owner=personas.professional_a,
                what=f"Afspraak {number}",
                due_date=dt.date(2030, 1, 1),
                kind="professional_action",
                justification="Nodig",
            )
        large_ratio, large_queries = measure("17 items, case with 300 records")
    tmp.cleanup()
    ok = max(small_ratio, large_ratio) <= 3 and small_queries == large_queries
    print("target (ratio <= 3, same queries at both sizes):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

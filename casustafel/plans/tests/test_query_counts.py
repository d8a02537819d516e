"""The case page, the plan page, "Mijn afspraken" and the start pages keep the same number of
queries whether an organisation has 10 or 1,000 agreements (issue 11, "Performance")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.plans.models import Agreement, AgreementKind, AgreementResponse
from casustafel.testing.involvements import open_case
from casustafel.testing.personas import Personas
from casustafel.testing.plans import make_director, make_plan, raise_escalation

pytestmark = pytest.mark.django_db

# Upper bounds (a page that grows past them should be looked at, not the bound raised).
MAX_QUERIES = {"case": 30, "plan": 40, "my_agreements": 30, "start": 45}


def _agreements(personas: Personas, case, count: int) -> None:
    """`count` agreements of org_a in the case (test volume: straight into the table), a third
    overdue, a third accepted."""
    today = timezone.localdate()
    Agreement.objects.bulk_create(
        Agreement(
            case=case,
            organisation=personas.org_a,
            owner=personas.professional_a if n % 2 else personas.ambassador_a,
            what=f"Afspraak {n}",
            due_date=today + dt.timedelta(days=(n % 3) * 7 - 7),
            kind=AgreementKind.PROFESSIONAL_ACTION,
            justification="Nodig.",
            created_by=personas.process_director,
            response=AgreementResponse.ACCEPTED if n % 3 == 0 else AgreementResponse.PENDING,
        )
        for n in range(count)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def world(personas):
    case = open_case(personas).case
    make_plan(personas, case)
    make_director(personas, case, "professional_a")
    raise_escalation(personas, case)
    return case


@pytest.mark.parametrize(
    ("page", "persona", "url"),
    [
        ("case", "process_director", lambda case: reverse("cases:case_detail", args=[case.pk])),
        ("plan", "process_director", lambda case: reverse("plans:plan", args=[case.pk])),
        ("plan", "professional_a", lambda case: reverse("plans:plan", args=[case.pk])),
        ("my_agreements", "professional_a", lambda case: reverse("plans:my_agreements")),
        ("my_agreements", "ambassador_a", lambda case: reverse("plans:my_agreements")),
        ("start", "process_director", lambda case: reverse("dashboards:start")),
        ("start", "professional_a", lambda case: reverse("dashboards:start")),
        ("start", "ambassador_a", lambda case: reverse("dashboards:start")),
    ],
)
def test_page_queries_do_not_grow_from_10_to_1000_agreements(
    personas, world, page: str, persona: str, url: Callable
) -> None:
    client = personas.client(persona)
    _agreements(personas, world, 10)
    client.get(url(world))  # warm the session and caches
    small = _count(client, url(world))
    _agreements(personas, world, 990)
    large = _count(client, url(world))
    assert large == small, f"{page} as {persona}: {small} queries at 10 agreements, {large} at 1,000"
    assert large <= MAX_QUERIES[page]

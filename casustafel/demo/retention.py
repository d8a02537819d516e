"""Demo retention: the oldest demo cases without information closed by their process director, and one of them
extended twice by the privacy officer, so the retention pages and the case pages show closure,
keep-until dates and a repeated extension.

Through the services (`case_close`, `retention_extend`), deterministic (oldest cases first,
seeded choices) and idempotent: a house that has a closed case already is left alone.

No demo case is due for destruction within a month: the demo has two years of history and the
demo covenant keeps cases five years after closing, so the earliest keep-until date is years
away. Moving dates further back would break the demo's two-year timeline.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from casustafel.cases.models import Case, CaseStatus, CloseReason
from casustafel.cases.services.closing import case_close
from casustafel.demo.information import with_demo_information
from casustafel.demo.region import OFFICE_KEY
from casustafel.demo.transactions import story
from casustafel.organisations.models import Role
from casustafel.privacy.retention.services import retention_extend

if TYPE_CHECKING:
    from casustafel.demo.builder import DemoRegion, Writer

CLOSED_CASES = 2
SEED_OFFSET = 6
CLOSE_REASONS = (
    (CloseReason.GOALS_ACHIEVED, "Doelen van het plan van aanpak bereikt; nazorg belegd bij het sociaal wijkteam."),
    (
        CloseReason.MOVED_AWAY,
        "Betrokkene is verhuisd naar een andere regio; overgedragen aan het Zorg- en Veiligheidshuis daar.",
    ),
    (CloseReason.STEPPED_DOWN, "Veiligheid is hersteld; het lokale zorgnetwerk neemt de regie over."),
)
EXTENSIONS = (
    (365, "Er loopt een klachtprocedure over de aanpak; de stukken zijn daarvoor nodig."),
    (180, "De klachtprocedure is nog niet afgerond."),
)


def build_demo_retention(region: DemoRegion, *, stdout: Writer | None = None) -> list[Case]:
    """Close the oldest active demo cases and extend the first one twice, once.

    Returns:
        The cases closed now (empty when the house had closed cases already).
    """
    house = region.house
    if Case.objects.filter(house=house).exclude(status=CaseStatus.ACTIVE).exists():
        return []
    rng = random.Random(region.seed + SEED_OFFSET)
    today = timezone.localdate()
    directors = {m.user_id: m for m in region.members.get(OFFICE_KEY, []) if m.role == Role.PROCESS_DIRECTOR}
    privacy_officer = region.actor(region.staff(Role.PRIVACY_OFFICER))
    closed: list[Case] = []
    with story():
        for case, (reason_kind, reason) in zip(
            Case.objects.filter(house=house, status=CaseStatus.ACTIVE)
            # Cases without demo information: the information demo keeps its own (the oldest ones).
            .exclude(with_demo_information())
            .order_by("opened_at", "pk")[:CLOSED_CASES],
            CLOSE_REASONS,
            strict=False,
        ):
            director = directors.get(case.process_director_id)
            if director is None:
                continue
            closed_on = min(timezone.localdate(case.opened_at) + dt.timedelta(days=rng.randint(90, 150)), today)
            closed.append(
                case_close(
                    actor=region.actor(director), case=case, reason=reason, reason_kind=reason_kind, closed_on=closed_on
                )
            )
        if closed:
            for days, reason in EXTENSIONS:
                case = Case.objects.get(pk=closed[0].pk)
                assert case.retention_until is not None
                retention_extend(
                    actor=privacy_officer,
                    case=case,
                    new_date=case.retention_until + dt.timedelta(days=days),
                    reason=reason,
                )
    if stdout is not None:
        stdout.write(f"  {len(closed)} closed cases, {len(EXTENSIONS) if closed else 0} retention extensions\n")
    return closed

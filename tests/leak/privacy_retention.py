"""The leak table of the retention pages (cases and referrals without a case) and of closing a
case (see casustafel/testing/leak.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casustafel.cases.models import Case, Referral
from casustafel.plans.services_closure import open_agreements, open_goals
from casustafel.privacy.models import RetentionExtension
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.leak import (
    CASE_VIEWERS,
    NOBODY,
    OUTSIDER_PROCESS_DIRECTOR,
    LeakCase,
    LeakScenario,
    register,
)
from casustafel.testing.referral_retention import decided_referral
from casustafel.testing.retention import close, rich_case

RETENTION_READERS = frozenset({"privacy_officer", "process_director"})


def closed_case(scenario: LeakScenario) -> Case:
    """A second case of the house, closed 360 days ago with a one-year term: due for
    destruction within the month; org_a is involved in it, as in the scenario's case.

    Made on first use rather than as a `scenario_step`: the scenario's exact visible sets
    (tests/test_leak.py) count one case per house, and only these leak cases need a second.
    """
    if "closed_case" not in scenario.extra:
        meeting_type = MeetingTypeFactory(house=scenario.house, name="Nazorg (bewaartermijn)", retention_years=1)
        case = rich_case(scenario.personas, meeting_type=meeting_type, with_information=False)
        Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=400))
        scenario.extra["closed_case"] = close(
            scenario.personas, case, closed_on=timezone.localdate() - dt.timedelta(days=360)
        )
    return scenario.extra["closed_case"]


def rejected_referral(scenario: LeakScenario) -> Referral:
    """A referral of professional_a rejected 360 days ago under a one-year term: due for
    destruction within the month, with no case. Made on first use, as `closed_case` is (the
    scenario's exact visible referral sets count only its own)."""
    if "rejected_referral" not in scenario.extra:
        meeting_type = MeetingTypeFactory(house=scenario.house, name="Nazorg (aanmelding)", retention_years=1)
        scenario.extra["rejected_referral"] = decided_referral(
            scenario.personas, meeting_type=meeting_type, decided_on=timezone.localdate() - dt.timedelta(days=360)
        )
    return scenario.extra["rejected_referral"]


def _rejected(s: LeakScenario) -> dict[str, int]:
    return {"pk": rejected_referral(s).pk}


def _referral_extension(s: LeakScenario) -> dict[str, object]:
    referral = Referral.objects.get(pk=rejected_referral(s).pk)
    assert referral.retention_until is not None
    count = RetentionExtension.objects.filter(referral=referral).count()
    new_date = referral.retention_until + dt.timedelta(days=10 + count)
    return {"new_date": new_date.isoformat(), "reason": "Klacht over het besluit", "version": referral.version}


def _closed(s: LeakScenario) -> dict[str, int]:
    return {"pk": closed_case(s).pk}


def _extension(s: LeakScenario) -> dict[str, object]:
    case = Case.objects.get(pk=closed_case(s).pk)
    assert case.retention_until is not None
    new_date = case.retention_until + dt.timedelta(days=10 + RetentionExtension.objects.filter(case=case).count())
    return {"new_date": new_date.isoformat(), "reason": "Lopende klachtprocedure", "version": case.version}


def _close(s: LeakScenario) -> dict[str, object]:
    """A complete closing (plans.services_closure): reason, each open goal and agreement settled,
    the closure plan and the last safety score."""
    case = Case.objects.get(pk=s.case.pk)
    data: dict[str, object] = {
        "closed_on": timezone.localdate().isoformat(),
        "reason_kind": "goals_achieved",
        "reason": "Doelen bereikt",
        "continues": "Wijkteam blijft betrokken.",
        "if_it_goes_wrong": "Wijkteam meldt opnieuw aan.",
        "last_safety_score": 8,
        "last_safety_justification": "Rustig.",
        "version": case.version,
    }
    for goal in open_goals(case):
        data[f"goal_{goal.pk}"], data[f"goal_{goal.pk}_evidence"] = "achieved", "Geen meldingen."
    for agreement in open_agreements(case):
        data[f"agreement_{agreement.pk}"] = "done"
    return data


register(
    # Each house's privacy officer and process directors see their own house's overview; only
    # this house's see the closed case on it.
    LeakCase(
        "privacy:retention_overview",
        sees=RETENTION_READERS | {OUTSIDER_PROCESS_DIRECTOR},
        shows=lambda s: f"/privacy/bewaartermijnen/casussen/{closed_case(s).pk}/",
        shown_to=RETENTION_READERS,
        reads=0,
    ),
    LeakCase(
        "privacy:retention_overview",
        sees=RETENTION_READERS | {OUTSIDER_PROCESS_DIRECTOR},
        shows=lambda s: f"/privacy/bewaartermijnen/aanmeldingen/{rejected_referral(s).pk}/",
        shown_to=RETENTION_READERS,
        reads=0,
        label="referral due",
    ),
    LeakCase("privacy:retention_referral", sees=RETENTION_READERS, kwargs=_rejected, reads=1),
    # The scenario's draft: only the privacy officer sees its page (drafts stay with the
    # referrer; process directors never see them).
    LeakCase(
        "privacy:retention_referral",
        sees=frozenset({"privacy_officer"}),
        kwargs=lambda s: {"pk": s.draft.pk},
        reads=1,
        label="draft",
    ),
    LeakCase(
        "privacy:retention_referral",
        method="post",
        ok=302,
        sees=frozenset({"privacy_officer"}),
        forbidden=frozenset({"process_director"}),
        kwargs=_rejected,
        data=_referral_extension,
        label="extend",
    ),
    # The scenario's case has a referral, so it has no referral retention page.
    LeakCase(
        "privacy:retention_referral",
        sees=NOBODY,
        kwargs=lambda s: {"pk": s.referral.pk},
        label="referral of a case",
    ),
    LeakCase("privacy:retention_case", sees=RETENTION_READERS, kwargs=_closed, reads=1),
    LeakCase(
        "privacy:retention_case",
        method="post",
        ok=302,
        sees=frozenset({"privacy_officer"}),
        forbidden=frozenset({"process_director"}),
        kwargs=_closed,
        data=_extension,
        label="extend",
    ),
    # The active case of the scenario: its viewers may open the closing page only when they
    # are a process director of the house.
    LeakCase(
        "plans:case_close",
        sees=frozenset({"process_director"}),
        forbidden=CASE_VIEWERS - {"process_director"},
        kwargs=lambda s: {"pk": s.case.pk},
        reads=1,
    ),
    LeakCase(
        "plans:case_close",
        method="post",
        ok=302,
        sees=frozenset({"process_director"}),
        forbidden=CASE_VIEWERS - {"process_director"},
        kwargs=lambda s: {"pk": s.case.pk},
        data=_close,
        label="close",
    ),
)

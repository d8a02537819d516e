"""The leak table of the privacy app's covenant and access log: the covenant pages, the chair's privacy reminder and the
access log, with exactly who gets in (see casustafel/testing/leak.py). A new URL under
/privacy/ fails tests/test_leak.py until it is registered here."""

from __future__ import annotations

from django.urls import reverse

from casustafel.audit.context import Actor
from casustafel.privacy.covenant.services import covenant_version_draft
from casustafel.testing.leak import (
    FAST_PATCHES,
    HOUSE_MEMBERS,
    OUTSIDER_PROCESS_DIRECTOR,
    LeakCase,
    LeakScenario,
    register,
    scenario_step,
)
from casustafel.testing.privacy import publish_covenant

# The covenant page: house staff, administrators and privacy officers of the house.
COVENANT_READERS = frozenset({"process_director", "secretary", "house_manager", "administrator", "privacy_officer"})
ADMINISTRATORS = frozenset({"administrator"})
PRIVACY_OFFICERS = frozenset({"privacy_officer"})

FAST_PATCHES["casustafel.privacy.covenant.pdf.covenant_pdf"] = lambda version: b"%PDF-1.7 leak test"


@scenario_step
def covenant(scenario: LeakScenario) -> None:
    """A published covenant for the house (org_a, org_e and the office take part, the case's
    meeting type has its rule) and a draft of the next version."""
    house = scenario.personas.house
    scenario.extra["covenant_published"] = publish_covenant(
        house,
        participants=[scenario.personas.org_a, scenario.org_e, scenario.personas.office],
        meeting_types=[scenario.case.meeting_type],
    )
    draft = covenant_version_draft(actor=Actor.system(), house=house)
    scenario.extra["covenant_draft"] = draft
    scenario.extra["covenant_rule"] = draft.meeting_rules.get()


def _published(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.extra["covenant_published"].pk}


def _draft(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.extra["covenant_draft"].pk}


def _rule(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.extra["covenant_rule"].pk}


register(
    # Each administrator, and each house's staff, sees their own house's covenant page.
    LeakCase("privacy:covenant", sees=COVENANT_READERS | {"outsider_house", OUTSIDER_PROCESS_DIRECTOR}),
    LeakCase("privacy:covenant_edit", method="post", ok=302, sees=ADMINISTRATORS | {"outsider_house"}),
    # The PDF of the covenant in force: every member of the house (the other house has none).
    LeakCase("privacy:covenant_pdf", sees=HOUSE_MEMBERS),
    LeakCase("privacy:covenant_version", sees=COVENANT_READERS, kwargs=_published),
    LeakCase("privacy:covenant_version", sees=ADMINISTRATORS, kwargs=_draft, label="draft"),
    LeakCase("privacy:covenant_version_pdf", sees=HOUSE_MEMBERS, kwargs=_published),
    LeakCase("privacy:covenant_version_pdf", sees=ADMINISTRATORS, kwargs=_draft, label="draft"),
    LeakCase(
        "privacy:covenant_version_update",
        method="post",
        ok=302,
        sees=ADMINISTRATORS,
        kwargs=_draft,
        data=lambda s: {"version": s.extra["covenant_draft"].version},
    ),
    LeakCase(
        "privacy:covenant_version_publish",
        method="post",
        ok=302,
        sees=ADMINISTRATORS,
        kwargs=_draft,
        data=lambda s: {"version": s.extra["covenant_draft"].version},
    ),
    LeakCase("privacy:covenant_version_discard", method="post", ok=302, sees=ADMINISTRATORS, kwargs=_draft),
    LeakCase("privacy:covenant_rule_add", method="post", sees=ADMINISTRATORS, kwargs=_draft),
    LeakCase("privacy:covenant_rule_edit", sees=ADMINISTRATORS, kwargs=_rule),
    LeakCase("privacy:covenant_rule_edit", method="post", sees=ADMINISTRATORS, kwargs=_rule, label="invalid"),
    LeakCase("privacy:covenant_rule_remove", method="post", ok=302, sees=ADMINISTRATORS, kwargs=_rule),
    LeakCase("privacy:meeting_reminder", sees=HOUSE_MEMBERS, kwargs=lambda s: {"pk": s.case.meeting_type_id}),
    LeakCase(
        "privacy:access_log",
        sees=PRIVACY_OFFICERS,
        query=lambda s: f"case_id={s.case.pk}",
        shows=lambda s: reverse("privacy:access_log_export"),
        shown_to=PRIVACY_OFFICERS,
    ),
    LeakCase("privacy:access_log_export", sees=PRIVACY_OFFICERS),
    LeakCase("privacy:audit_integrity", sees=PRIVACY_OFFICERS),
    LeakCase("privacy:audit_integrity", method="post", ok=302, sees=PRIVACY_OFFICERS, label="check"),
    LeakCase("privacy:access_log_person_search", sees=PRIVACY_OFFICERS),
    LeakCase("privacy:access_log_user_search", sees=PRIVACY_OFFICERS, query=lambda s: "user_q=a"),
    LeakCase("privacy:access_log_person_search", method="post", sees=PRIVACY_OFFICERS, label="search"),
)

"""The leak table of the case information pages: facts, attachments, download and withdrawal
(see casustafel/testing/leak.py).

Items are made on first use (not as a scenario step), all by org_a, which referred the case:
a house-wide fact and attachment, and a known-only fact and attachment. So:

- the page and house-wide items: everyone who sees the case (`CASE_VIEWERS`);
- known-only content and its download: org_a only, with the substitute of professional_a, who
  sees through org_a; house staff see only the notice;
- adding: who acts for an involved organisation or as house staff; the substitute sees the case
  but may not add (403);
- withdrawing: org_a only; staff and the substitute see the item but do not own it (403).

The download reads no file (the leak test is about who gets the response): `open_stored` is
replaced, so nothing is written under ATTACHMENT_ROOT either.
"""

from __future__ import annotations

import io
from typing import Any

from casustafel.cases.models import Attachment, CaseFact
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis, Restriction
from casustafel.testing.information import PDF_BYTES, AttachmentFactory, CaseFactFactory
from casustafel.testing.leak import (
    CASE_VIEWERS,
    FAST_PATCHES,
    HOUSE_CASE_STAFF,
    PROFESSIONAL_E,
    SUBSTITUTE_CURRENT,
    LeakCase,
    LeakScenario,
    register,
)

HOUSE_WIDE_TEXT = "Lekproef: het gezin verhuist in mei"
KNOWN_ONLY_TEXT = "Lekproef: afgeschermde behandeling"
ORG_A = frozenset({"professional_a", "ambassador_a"})
# Who sees org_a's known-only content: org_a and whoever stands in for its people.
ORG_A_VIEWERS = ORG_A | {SUBSTITUTE_CURRENT}
# professional_e acts for org_e, involved and a covenant participant: a contributor too.
CONTRIBUTORS = HOUSE_CASE_STAFF | ORG_A | {PROFESSIONAL_E}
# They see the case (and house-wide items) but do not act for the organisation that owns them.
NOT_OWNERS = HOUSE_CASE_STAFF | {SUBSTITUTE_CURRENT, PROFESSIONAL_E}

FAST_PATCHES["casustafel.cases.views.information.open_stored"] = lambda storage_name: io.BytesIO(PDF_BYTES)


def items(scenario: LeakScenario) -> dict[str, Any]:
    if "information" not in scenario.extra:
        case, org_a = scenario.case, scenario.personas.org_a
        values = {"case": case, "organisation": org_a, "added_by": scenario.personas.professional_a}
        scenario.extra["information"] = {
            "fact": CaseFactFactory(**values, text=HOUSE_WIDE_TEXT),
            "fact_known_only": CaseFactFactory(**values, text=KNOWN_ONLY_TEXT, known_only=True),
            "attachment": AttachmentFactory(**values, write_file=False),
            "attachment_known_only": AttachmentFactory(**values, known_only=True, write_file=False),
        }
    return scenario.extra["information"]


def _case(s: LeakScenario) -> dict[str, int]:
    items(s)
    return {"pk": s.case.pk}


def _fact(s: LeakScenario) -> dict[str, int]:
    fact: CaseFact = items(s)["fact"]
    return {"pk": s.case.pk, "fact_pk": fact.pk}


def _attachment(key: str) -> Any:
    def kwargs(s: LeakScenario) -> dict[str, int]:
        attachment: Attachment = items(s)[key]
        return {"pk": s.case.pk, "attachment_pk": attachment.pk}

    return kwargs


def _fact_post(s: LeakScenario) -> dict[str, str]:
    return {
        "fact-kind": "fact",
        "fact-text": "Lekproef: nieuw feit",
        "fact-category": InformationCategory.HOUSEHOLD,
        "fact-legal_basis": LegalBasis.WGS,
        "fact-consent": Consent.GIVEN,
        "fact-restriction": Restriction.HOUSE,
    }


register(
    LeakCase(
        "cases:case_information",
        kwargs=_case,
        sees=CASE_VIEWERS,
        reads=1,
        shows=lambda s: HOUSE_WIDE_TEXT,
        shown_to=CASE_VIEWERS,
        label="house-wide content",
    ),
    LeakCase(
        "cases:case_information",
        kwargs=_case,
        sees=CASE_VIEWERS,
        reads=1,
        shows=lambda s: KNOWN_ONLY_TEXT,
        shown_to=ORG_A_VIEWERS,
        label="known-only content",
    ),
    LeakCase(
        "cases:case_fact_add",
        method="post",
        kwargs=_case,
        data=_fact_post,
        ok=302,
        sees=CONTRIBUTORS,
        forbidden=frozenset({SUBSTITUTE_CURRENT}),
        reads=0,
        label="valid",
    ),
    LeakCase(
        "cases:case_fact_add",
        method="post",
        kwargs=_case,
        sees=CONTRIBUTORS,
        forbidden=frozenset({SUBSTITUTE_CURRENT}),
        reads=1,
        label="invalid",
    ),
    # Only the invalid post (no file): a valid one would write a file under ATTACHMENT_ROOT for
    # every persona; who gets in is the same view check as for facts.
    LeakCase(
        "cases:attachment_add",
        method="post",
        kwargs=_case,
        data=lambda s: {"attachment-description": "Lekproef"},
        sees=CONTRIBUTORS,
        forbidden=frozenset({SUBSTITUTE_CURRENT}),
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "cases:attachment_download",
        kwargs=_attachment("attachment"),
        sees=CASE_VIEWERS,
        reads=1,
        label="house-wide",
    ),
    LeakCase(
        "cases:attachment_download",
        kwargs=_attachment("attachment_known_only"),
        sees=ORG_A_VIEWERS,
        reads=1,
        label="known-only",
    ),
    LeakCase(
        "cases:case_fact_withdraw",
        method="post",
        kwargs=_fact,
        ok=302,
        sees=ORG_A,
        forbidden=NOT_OWNERS,
        reads=0,
    ),
    LeakCase(
        "cases:attachment_withdraw",
        method="post",
        kwargs=_attachment("attachment"),
        ok=302,
        sees=ORG_A,
        forbidden=NOT_OWNERS,
        reads=0,
    ),
)

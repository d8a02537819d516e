"""The leak table of the subject access pages (see casustafel/testing/leak.py): only the privacy
officer of the house gets in; everyone else, including the other house, gets a 404.

The requests are made on first use (not as a `scenario_step`), like the retention cases: only
these cases need them. The restriction is put on a person of its own, so that no other app's
leak case meets a restricted person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.privacy.subject_access.models import RestrictionGround, SubjectAccessRequest
from casustafel.privacy.subject_access.services import (
    restriction_mark_add,
    sar_exception_add,
    subject_access_request_create,
)
from casustafel.testing.cases import PersonFactory
from casustafel.testing.leak import FAST_PATCHES, LeakCase, LeakScenario, register

PRIVACY_OFFICERS = frozenset({"privacy_officer"})

FAST_PATCHES["casustafel.privacy.subject_access.pdf.sar_pdf"] = lambda overview: b"%PDF-1.7 leak test"


def _request(scenario: LeakScenario) -> SubjectAccessRequest:
    """A request about the case's subject, with a legal exception for org_b."""
    if "sar" not in scenario.extra:
        actor = Actor.system()
        sar = subject_access_request_create(
            actor=actor,
            house=scenario.house,
            person=scenario.party.person,
            received_on=timezone.localdate(),
            requester="person",
        )
        scenario.extra["sar_exception"] = sar_exception_add(
            actor=actor, request=sar, ground="safety_of_others", organisations=[scenario.personas.org_b]
        )
        scenario.extra["sar"] = sar
    return scenario.extra["sar"]


def _restricted(scenario: LeakScenario) -> SubjectAccessRequest:
    """A request about a person of their own, who carries an active restriction mark."""
    if "sar_restricted" not in scenario.extra:
        actor = Actor.system()
        person = PersonFactory(house=scenario.house, surname="Beperkt")
        sar = subject_access_request_create(
            actor=actor, house=scenario.house, person=person, received_on=timezone.localdate(), requester="person"
        )
        scenario.extra["sar_mark"] = restriction_mark_add(
            actor=actor,
            person=person,
            request=sar,
            ground=RestrictionGround.OBJECTION_PENDING,
            starts_on=timezone.localdate(),
        )
        scenario.extra["sar_restricted"] = sar
    return scenario.extra["sar_restricted"]


def _pk(s: LeakScenario) -> dict[str, int]:
    return {"pk": _request(s).pk}


def _fresh(s: LeakScenario) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.get(pk=_request(s).pk)


def _handling(s: LeakScenario) -> dict[str, Any]:
    return {
        "handling-version": _fresh(s).version,
        "handling-status": "in_progress",
        "handling-identity_check": "id_document",
    }


def _extension(s: LeakScenario) -> dict[str, Any]:
    sar = _fresh(s)
    return {
        "extend-version": sar.version,
        "extend-extended_due_on": (sar.due_on + dt.timedelta(days=10)).isoformat(),
        "extend-extension_reason": "Veel betrokken organisaties.",
    }


def _exception(s: LeakScenario) -> dict[str, Any]:
    _request(s)
    return {"exception-ground": "rights_of_others", "exception-organisations": [s.personas.org_a.pk]}


def _lift_exception_kwargs(s: LeakScenario) -> dict[str, int]:
    return {"pk": _request(s).pk, "exception_pk": s.extra["sar_exception"].pk}


def _lift_exception(s: LeakScenario) -> dict[str, Any]:
    _request(s)
    return {f"exclift{s.extra['sar_exception'].pk}-lift_note": "Gevaar geweken."}


def _rectification(s: LeakScenario) -> dict[str, Any]:
    return {
        "rectification-disputed": "Het adres klopt niet.",
        "rectification-decision": "note_added",
        "rectification-statement": "Ik woon sinds maart elders.",
    }


def _restriction(s: LeakScenario) -> dict[str, Any]:
    return {"restriction-ground": "accuracy_contested", "restriction-starts_on": timezone.localdate().isoformat()}


def _lift_mark_kwargs(s: LeakScenario) -> dict[str, int]:
    return {"pk": _restricted(s).pk, "mark_pk": s.extra["sar_mark"].pk}


def _lift_mark(s: LeakScenario) -> dict[str, Any]:
    _restricted(s)
    prefix = f"reslift{s.extra['sar_mark'].pk}"
    return {f"{prefix}-reason": "Bezwaar beoordeeld.", f"{prefix}-person_informed": "on"}


register(
    LeakCase(
        "privacy:sar_list",
        sees=PRIVACY_OFFICERS,
        reads=1,
        shows=lambda s: f"Inzageverzoek {_request(s).pk}",
        shown_to=PRIVACY_OFFICERS,
    ),
    LeakCase("privacy:sar_create", sees=PRIVACY_OFFICERS, reads=0),
    LeakCase(
        "privacy:sar_create",
        method="post",
        sees=PRIVACY_OFFICERS,
        reads=0,
        data=lambda s: {"surname": s.party.person.surname, "date_of_birth": s.party.person.date_of_birth},
        label="search",
    ),
    LeakCase("privacy:sar_detail", sees=PRIVACY_OFFICERS, kwargs=_pk, reads=1),
    LeakCase("privacy:sar_overview", sees=PRIVACY_OFFICERS, kwargs=_pk, reads=1),
    LeakCase("privacy:sar_overview_pdf", sees=PRIVACY_OFFICERS, kwargs=_pk, reads=1),
    LeakCase("privacy:sar_update", method="post", ok=302, sees=PRIVACY_OFFICERS, kwargs=_pk, data=_handling),
    LeakCase("privacy:sar_extend", method="post", ok=302, sees=PRIVACY_OFFICERS, kwargs=_pk, data=_extension),
    LeakCase("privacy:sar_exception_add", method="post", ok=302, sees=PRIVACY_OFFICERS, kwargs=_pk, data=_exception),
    LeakCase(
        "privacy:sar_exception_lift",
        method="post",
        ok=302,
        sees=PRIVACY_OFFICERS,
        kwargs=_lift_exception_kwargs,
        data=_lift_exception,
    ),
    LeakCase(
        "privacy:sar_rectification_add", method="post", ok=302, sees=PRIVACY_OFFICERS, kwargs=_pk, data=_rectification
    ),
    LeakCase(
        "privacy:sar_restriction_add", method="post", ok=302, sees=PRIVACY_OFFICERS, kwargs=_pk, data=_restriction
    ),
    LeakCase(
        "privacy:sar_restriction_lift",
        method="post",
        ok=302,
        sees=PRIVACY_OFFICERS,
        kwargs=_lift_mark_kwargs,
        data=_lift_mark,
    ),
)

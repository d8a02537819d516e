"""The leak table of the cases app: every case, referral, person, triage and criteria URL,
with exactly who gets in (see casustafel/testing/leak.py). A new URL under /casussen/ fails
tests/test_leak.py until it is registered here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from casustafel.testing.leak import (
    CASE_ROLES,
    CASE_VIEWERS,
    FORMER_MEMBERS,
    HOUSE_CASE_STAFF,
    HOUSE_MEMBERS,
    NOBODY,
    OUTSIDER_PROCESS_DIRECTOR,
    REFERRAL_VIEWERS,
    REFERRAL_WRITERS,
    LeakCase,
    LeakScenario,
    register,
)

ALL_USERS = HOUSE_MEMBERS | FORMER_MEMBERS | {"outsider_house", OUTSIDER_PROCESS_DIRECTOR}
ADMINISTRATORS = frozenset({"administrator"})
ALL_ADMINISTRATORS = frozenset({"administrator", "outsider_house"})  # each sees their own house's
PROCESS_DIRECTOR = frozenset({"process_director"})
# Who may start a referral (REFERRER_ROLES): professionals and house staff.
REFERRERS = CASE_ROLES | {"house_manager"}


def _case(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.case.pk}


def _referral(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.referral.pk}


def _draft(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.draft.pk}


def _case_url(s: LeakScenario) -> str:
    return reverse("cases:case_detail", args=[s.case.pk])


def _referral_url(s: LeakScenario) -> str:
    return reverse("cases:referral_detail", args=[s.referral.pk])


def _draft_url(s: LeakScenario) -> str:
    return reverse("cases:referral_detail", args=[s.draft.pk])


def _current_involvement(s: LeakScenario) -> dict[str, int]:
    involvement = s.case.involvements.get(organisation=s.personas.org_a, ended_at__isnull=True)
    return {"pk": s.case.pk, "involvement_pk": involvement.pk}


# --- Cases (need-to-know) ---------------------------------------------------------------

CASE_WORKERS_NOT_STAFF = CASE_VIEWERS - HOUSE_CASE_STAFF

register(
    LeakCase("cases:case_list", sees=CASE_ROLES, shows=_case_url, shown_to=CASE_VIEWERS),
    LeakCase(
        "cases:case_list",
        sees=CASE_ROLES,
        query=lambda s: "status=",
        label="all statuses",
        shows=_case_url,
        shown_to=CASE_VIEWERS,
    ),
    LeakCase("cases:case_detail", sees=CASE_VIEWERS, kwargs=_case, reads=1),
    LeakCase("cases:case_detail", sees=CASE_VIEWERS, kwargs=_case, htmx=True, reads=1, label="htmx"),
    LeakCase(
        "cases:case_involvement_add",
        method="post",
        kwargs=_case,
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "cases:case_involvement_contacts",
        kwargs=_case,
        query=lambda s: f"add-organisation={s.personas.org_b.pk}",
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
    ),
    LeakCase(
        "cases:case_involvement_add",
        method="post",
        kwargs=_case,
        data=lambda s: {"add-organisation": s.personas.org_b.pk, "add-reason": "Politie: huiselijk geweld"},
        ok=302,
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        reads=0,
        label="valid",
    ),
    LeakCase(
        "cases:case_involvement_end",
        method="post",
        kwargs=_current_involvement,
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "cases:case_involvement_end",
        method="post",
        kwargs=_current_involvement,
        data=lambda s: {f"end-{_current_involvement(s)['involvement_pk']}-end_reason": "Klaar"},
        ok=302,
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        reads=0,
        label="valid",
    ),
    LeakCase(
        "cases:case_involvement_named",
        method="post",
        kwargs=_current_involvement,
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        ok=302,
        reads=0,
        label="nobody but the contact",
    ),
    LeakCase(
        "cases:case_involvement_named",
        method="post",
        kwargs=_current_involvement,
        data=lambda s: {f"named-{_current_involvement(s)['involvement_pk']}-named_people": "0"},
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "cases:case_involvement_end",
        method="post",
        kwargs=lambda s: {"pk": s.case.pk, "involvement_pk": s.ended_involvement.pk},
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_WORKERS_NOT_STAFF,
        reads=1,
        label="already ended",
    ),
    LeakCase(
        "cases:case_detail",
        kwargs=lambda s: {"pk": s.other_case.pk},
        sees=frozenset({OUTSIDER_PROCESS_DIRECTOR}),
        reads=1,
        label="other house",
    ),
)

# --- Referrals ----------------------------------------------------------------------------

register(
    LeakCase("cases:referral_list", sees=ALL_USERS, shows=_referral_url, shown_to=REFERRAL_VIEWERS),
    LeakCase("cases:referral_list", sees=ALL_USERS, shows=_draft_url, shown_to=REFERRAL_WRITERS, label="draft"),
    LeakCase(
        "cases:referral_list",
        sees=ALL_USERS,
        query=lambda s: "status=accepted",
        shows=_referral_url,
        shown_to=REFERRAL_VIEWERS,
        label="accepted",
    ),
    LeakCase("cases:referral_create", sees=REFERRERS, forbidden=ALL_USERS - REFERRERS),
    LeakCase("cases:referral_create", method="post", sees=REFERRERS, forbidden=ALL_USERS - REFERRERS, label="invalid"),
    LeakCase("cases:referral_detail", sees=REFERRAL_VIEWERS, kwargs=_referral, reads=1),
    LeakCase("cases:referral_detail", sees=REFERRAL_WRITERS, kwargs=_draft, reads=1, label="draft"),
    LeakCase(
        "cases:party_detail",
        sees=REFERRAL_VIEWERS,
        kwargs=lambda s: {"pk": s.referral.pk, "party_pk": s.party.pk},
        reads=1,
    ),
    LeakCase(
        "cases:party_detail",
        sees=REFERRAL_WRITERS,
        kwargs=lambda s: {"pk": s.draft.pk, "party_pk": s.draft_party.pk},
        reads=1,
        label="draft",
    ),
    LeakCase(
        "cases:party_check_known",
        method="post",
        ok=302,
        sees=REFERRAL_WRITERS,
        forbidden=HOUSE_CASE_STAFF,
        kwargs=lambda s: {"pk": s.referral.pk, "party_pk": s.party.pk},
    ),
    LeakCase(
        "cases:information_answer",
        method="post",
        sees=REFERRAL_WRITERS,
        forbidden=HOUSE_CASE_STAFF,
        kwargs=lambda s: {"pk": s.referral.pk, "question_pk": s.question.pk},
        reads=1,
    ),
)

# Writes on the facts of a referral: only a draft, only by its writers. On the accepted
# referral everyone who sees it gets 403; on the draft only the writers get in.
_DRAFT_WRITES = [
    ("cases:referral_general_edit", None, 200),
    ("cases:referral_concern_edit", None, 200),
    ("cases:referral_term_edit", None, 200),
    ("cases:party_add", None, 200),
    ("cases:problem_add", None, 200),
    ("cases:prior_action_add", None, 200),
    ("cases:referral_submit", None, 302),  # a complete draft: submitting succeeds
    ("cases:party_remove", "party_pk", 302),
    ("cases:party_edit", "party_pk", 200),  # without data: the page with the form's errors
    ("cases:referral_delete", None, 302),
    ("cases:problem_remove", "problem_pk", 302),
    ("cases:prior_action_remove", "action_pk", 302),
]
# Writes that carry the version the page showed (optimistic locking cannot be skipped).
_DRAFT_DATA = {
    "cases:referral_submit": lambda s: {"submit-version": s.draft.version},
    "cases:referral_delete": lambda s: {"delete-version": s.draft.version},
}
_ACCEPTED_OBJECTS = {"party_pk": "party", "problem_pk": "problem", "action_pk": "prior_action"}
_DRAFT_OBJECTS = {"party_pk": "draft_party", "problem_pk": "draft_problem", "action_pk": "draft_prior_action"}


def _write_kwargs(kwarg: str | None, *, draft: bool):  # type: ignore[no-untyped-def]
    def build(s: LeakScenario) -> dict[str, int]:
        kwargs = {"pk": (s.draft if draft else s.referral).pk}
        if kwarg:
            kwargs[kwarg] = getattr(s, (_DRAFT_OBJECTS if draft else _ACCEPTED_OBJECTS)[kwarg]).pk
        return kwargs

    return build


for _name, _kwarg, _ok in _DRAFT_WRITES:
    register(
        LeakCase(
            _name,
            method="post",
            sees=NOBODY,
            forbidden=REFERRAL_VIEWERS,
            kwargs=_write_kwargs(_kwarg, draft=False),
            label="accepted referral",
        ),
        LeakCase(
            _name,
            method="post",
            ok=_ok,
            sees=REFERRAL_WRITERS,
            kwargs=_write_kwargs(_kwarg, draft=True),
            data=_DRAFT_DATA.get(_name),
        ),
    )

# --- Persons (administrators of the house) -------------------------------------------------

register(
    LeakCase("cases:person_duplicates", sees=ALL_ADMINISTRATORS),
    LeakCase(
        "cases:person_duplicates",
        sees=ALL_ADMINISTRATORS,
        query=lambda s: urlencode(
            {
                "given_names": s.party.person.given_names,
                "surname": s.party.person.surname,
                "date_of_birth": s.party.person.date_of_birth,
            }
        ),
        shows=lambda s: s.party.person.full_name,
        shown_to=ADMINISTRATORS,
        label="search",
    ),
    LeakCase("cases:person_merge", sees=ALL_ADMINISTRATORS),
    LeakCase(
        "cases:person_merge",
        sees=ADMINISTRATORS,
        query=lambda s: f"keep={s.party.person_id}&duplicate={s.draft_party.person_id}",
        reads=2,
        # A POST reads the persons from its body, not the query: for another house's
        # administrator it is just their own (empty) merge form.
        side_door=False,
        label="both persons",
    ),
)

# --- Triage (process directors decide, secretaries read) ----------------------------------

_STAFF_EVERYWHERE = HOUSE_CASE_STAFF | {OUTSIDER_PROCESS_DIRECTOR}


def _triage_data(s: LeakScenario) -> dict[str, object]:
    return {"criteria_version": s.triage.criteria_version_id, "referral_version": s.referral.version}


register(
    LeakCase(
        "cases:triage_list",
        sees=_STAFF_EVERYWHERE,
        query=lambda s: "toon=decided",
        shows=lambda s: reverse("cases:triage_detail", args=[s.referral.pk]),
        shown_to=HOUSE_CASE_STAFF,
    ),
    LeakCase("cases:triage_detail", sees=HOUSE_CASE_STAFF, kwargs=_referral, reads=1),
    LeakCase(
        "cases:triage_detail",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=frozenset({"secretary"}),
        kwargs=_referral,
        data=_triage_data,
        reads=1,
        label="decided referral",
    ),
    LeakCase(
        "cases:triage_team_search",
        sees=PROCESS_DIRECTOR,
        forbidden=frozenset({"secretary"}),
        kwargs=_referral,
        query=lambda s: "team_q=a",
    ),
    LeakCase(
        "cases:triage_evaluate",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=frozenset({"secretary"}),
        kwargs=_referral,
        data=_triage_data,
    ),
    LeakCase(
        "cases:triage_first_contact",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=frozenset({"secretary"}),
        kwargs=_referral,
        reads=1,
    ),
    LeakCase(
        "cases:triage_record",
        sees=HOUSE_CASE_STAFF,
        kwargs=lambda s: {"pk": s.referral.pk, "triage_pk": s.triage.pk},
        reads=1,
    ),
)

# --- Criteria and caseload caps (administrators of the house; no personal data) -------------


def _criteria_set(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.triage.criteria_version.criteria_set_id}


def _version(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.triage.criteria_version_id}


def _criterion(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.triage.criteria_version.criteria.order_by("pk").values_list("pk", flat=True)[0]}


register(
    LeakCase("cases:criteria_set_list", sees=ALL_ADMINISTRATORS),
    LeakCase("cases:criteria_set_create", sees=ALL_ADMINISTRATORS),
    LeakCase("cases:criteria_set_create", method="post", sees=ALL_ADMINISTRATORS, label="invalid"),
    LeakCase("cases:criteria_set_install_default", method="post", ok=302, sees=ALL_ADMINISTRATORS),
    LeakCase("cases:criteria_set_detail", sees=ADMINISTRATORS, kwargs=_criteria_set),
    LeakCase("cases:criteria_set_edit", method="post", ok=302, sees=ADMINISTRATORS, kwargs=_criteria_set),
    LeakCase("cases:criteria_version_detail", sees=ADMINISTRATORS, kwargs=_version),
    LeakCase("cases:criteria_version_update", method="post", sees=ADMINISTRATORS, kwargs=_version),
    LeakCase("cases:criterion_add", method="post", sees=ADMINISTRATORS, kwargs=_version),
    LeakCase("cases:criteria_version_publish", method="post", ok=302, sees=ADMINISTRATORS, kwargs=_version),
    LeakCase("cases:criteria_version_discard", method="post", ok=302, sees=ADMINISTRATORS, kwargs=_version),
    LeakCase("cases:criterion_edit", sees=ADMINISTRATORS, kwargs=_criterion),
    LeakCase(
        "cases:criterion_remove",
        method="post",
        ok=302,
        sees=ADMINISTRATORS,
        kwargs=_criterion,
        data=lambda s: {"version": s.triage.criteria_version.criteria.get(**_criterion(s)).revision},
    ),
    LeakCase("cases:caseload_caps", sees=ALL_ADMINISTRATORS),
)

# --- The start page (not case-scoped itself, but it lists cases) ----------------------------

register(
    LeakCase("dashboards:start", sees=ALL_USERS, shows=_case_url, shown_to=CASE_VIEWERS, label="my cases"),
)

# --- The timeline -------------------------------------------------------------------------

register(
    LeakCase("cases:case_timeline", sees=CASE_VIEWERS, kwargs=_case, reads=1),
    LeakCase(
        "cases:case_timeline",
        sees=CASE_VIEWERS,
        kwargs=_case,
        query=lambda s: "kind=agreement&kind=plan",
        reads=1,
        label="filtered",
    ),
)

"""Restriction of processing is enforced in one place for every write path (issue 7, point 13).

The walk finds every service of the project (a public function with a keyword-only `actor` in a
`services` module): each declares how it stands to a restriction (`refuses_restricted` or
`restriction_exempt` with a reason), or is listed below as writing no case data at all. A new
service that does neither fails here. Then every declared check is shown to refuse: for each
`refuses_restricted` service a call about a restricted person is refused and leaves nothing.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

import pytest

import casustafel
from casustafel.cases.models import Attachment, CaseFact, CaseParty, LifeDomainProblem, PartyRole, Person, Referral
from casustafel.cases.services.information import attachment_add, case_fact_add
from casustafel.cases.services.persons import case_party_add, case_party_add_person, case_party_update, person_merge
from casustafel.cases.services.referrals import life_domain_problem_add, referral_submit
from casustafel.lib.errors import ServiceError
from casustafel.meetings.discussion.models import DiscussionFact
from casustafel.meetings.discussion.services import picture_fact_add
from casustafel.meetings.services.parts import client_participation_update
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.privacy.subject_access.restrictions import RULE_ATTRIBUTE, RestrictionRule
from casustafel.testing.cases import CasePartyFactory, MeetingTypeFactory, PersonFactory
from casustafel.testing.discussions import meeting_setting
from casustafel.testing.information import PDF_BYTES, case_with
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for, referral_of, referral_setting
from casustafel.testing.sar import restrict

# Services that write no data about the people in cases, per module, by name: organisations
# and accounts, configuration (criteria, meeting types, the covenant) and the audit trail's own
# records. A new function in one of these modules is not covered by the list: it must declare.
NOT_CASE_DATA: dict[str, set[str]] = {
    "casustafel.accounts.services": {"mfa_device_confirm", "password_change_own"},
    "casustafel.audit.services": {"audit_record", "audit_read", "audit_list", "audit_verification_start"},
    "casustafel.organisations.services": {
        "house_create",
        "organisation_create",
        "organisation_update",
        "user_create",
        "user_update",
        "user_set_password",
        "user_set_initial_password",
        "user_reset_mfa",
        "user_unlock",
        "membership_create",
        "membership_update",
        "membership_end",
        "substitution_create",
        "substitution_revoke",
    },
    "casustafel.demo.services": {"demo_user_password_hash_set", "demo_dates_set", "demo_notifications_settle"},
    "casustafel.meetings.services.meeting_types": {
        "meeting_type_create",
        "meeting_type_update",
        "input_requirement_add",
        "input_requirement_remove",
        "meeting_type_install",
        "meeting_types_install_default",
    },
    # A meeting itself (when, where, chair, open or held) holds no case: its agenda items do.
    "casustafel.meetings.services.meetings": {
        "meeting_plan",
        "meeting_update",
        "meeting_cancel",
        "meeting_start",
        "meeting_finish",
    },
    # A notification is a neutral sentence and a link (notifications sit below privacy).
    "casustafel.notifications.services": {
        "notification_send",
        "notifications_send_many",
        "notification_preferences_set",
        "notification_mark_read",
        "notifications_mark_all_read",
    },
    "casustafel.cases.services.criteria": {
        "criteria_set_install_default",
        "criteria_set_create",
        "criteria_version_draft",
        "criteria_version_update",
        "criterion_add",
        "criterion_update",
        "criterion_remove",
        "criteria_version_publish",
        "criteria_version_discard",
    },
    "casustafel.privacy.covenant.services": {
        "covenant_version_draft",
        "covenant_version_update",
        "covenant_rule_add",
        "covenant_rule_update",
        "covenant_rule_remove",
        "covenant_version_publish",
        "covenant_version_discard",
    },
    "casustafel.privacy.access_log.services": {"access_log_search_record", "access_log_export_record"},
    # Reporting and learning: indicator definitions, hand-entered outside figures, the annual
    # report's narrative and the audit of looking at aggregates, never a person.
    "casustafel.reporting.services": {
        "report_export_record",
        "report_view_record",
        "indicator_catalogue_install",
        "indicator_revise",
        "indicator_add_external",
        "external_figure_record",
        "annual_report_section_save",
        "annual_report_edition_request",
    },
    "casustafel.learning.services": {"learning_view_record"},
}


def _service_modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(casustafel.__path__, prefix="casustafel."):
        name = info.name
        if ".tests" in name or ".migrations" in name or name.startswith("casustafel.testing"):
            continue
        if name.rsplit(".", 1)[-1] == "services" or ".services." in name:
            yield importlib.import_module(name)


def _services() -> list[tuple[str, str, Callable[..., Any]]]:
    found = []
    for module in _service_modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            actor = inspect.signature(function).parameters.get("actor")
            if actor is not None and actor.kind == inspect.Parameter.KEYWORD_ONLY:
                found.append((module.__name__, name, function))
    return found


def test_every_service_declares_how_it_stands_to_a_restriction() -> None:
    services = _services()
    assert len(services) > 80, "the walk found the project's services"
    undeclared = []
    for module, name, function in services:
        rule = getattr(function, RULE_ATTRIBUTE, None)
        listed = name in NOT_CASE_DATA.get(module, set())
        if rule is None and not listed:
            undeclared.append(f"{module}.{name}")
        if rule is not None and listed:
            undeclared.append(f"{module}.{name} is declared and also listed as writing no case data")
        if isinstance(rule, RestrictionRule) and not rule.checked:
            assert len(rule.reason) > 10, f"{module}.{name}: say why it records nothing new about a person"
    assert not undeclared, (
        "services that write case data must be decorated with @refuses_restricted(...) or "
        f"@restriction_exempt(reason) (privacy/subject_access/restrictions.py): {undeclared}"
    )
    listed = {f"{module}.{name}" for module, names in NOT_CASE_DATA.items() for name in names}
    assert listed <= {f"{module}.{name}" for module, name, _ in services}, "the list names services that are gone"


def test_the_services_that_record_about_a_person_are_the_checked_ones() -> None:
    checked = {
        f"{module}.{name}"
        for module, name, function in _services()
        if getattr(function, RULE_ATTRIBUTE, RestrictionRule(checked=False)).checked
    }
    assert checked == {
        "casustafel.cases.services.information.case_fact_add",
        "casustafel.cases.services.information.attachment_add",
        "casustafel.cases.services.persons.case_party_add",
        "casustafel.cases.services.persons.case_party_add_person",
        "casustafel.cases.services.persons.case_party_update",
        "casustafel.cases.services.persons.person_merge",
        "casustafel.cases.services.referrals.life_domain_problem_add",
        "casustafel.cases.services.referrals.referral_submit",
        "casustafel.meetings.discussion.services.picture_fact_add",
        "casustafel.meetings.services.parts.client_participation_update",
    }


# --- Each check refuses -----------------------------------------------------------------------

HOUSEHOLD = ProvenanceData(category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)


@pytest.fixture
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    return tmp_path / "attachments"


@pytest.mark.django_db
def test_case_information_about_a_restricted_person_is_refused_and_leaves_nothing(
    personas: Personas, attachment_root: Path
) -> None:
    case = case_with(
        personas.house, meeting_type=MeetingTypeFactory(house=personas.house), referring_organisation=personas.org_a
    )
    person = PersonFactory(house=personas.house)
    CasePartyFactory(referral=case.referral, person=person, role=PartyRole.CHILD)
    restrict(personas, person)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ServiceError) as refused:
        case_fact_add(actor=actor, case=case, text="Nieuw feit.", provenance=HOUSEHOLD, person=person)
    assert "person" in refused.value.message_dict
    with pytest.raises(ServiceError, match="de verwerking beperkt"):
        attachment_add(
            actor=actor, case=case, upload=ContentFile(PDF_BYTES, name="v.pdf"), provenance=HOUSEHOLD, person=person
        )
    assert not CaseFact.objects.exists() and not Attachment.objects.exists()
    assert not [path for path in attachment_root.rglob("*") if path.is_file()]  # the stored file is gone too


@pytest.mark.django_db
def test_referral_writes_about_a_restricted_person_are_refused(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral: Referral = referral_of(personas, referral_setting(personas))
    actor = actor_for(personas, "professional_a")
    restricted = PersonFactory(house=personas.house, given_names="Sanne", surname="Visser")
    restrict(personas, restricted)
    with pytest.raises(ServiceError, match="de verwerking beperkt"):
        case_party_add(actor=actor, referral=referral, person=restricted, role=PartyRole.SUBJECT)
    # A restricted person is never even proposed (issue 7, point 1): typed in, the answer is the
    # house office's contact, which says nothing about the restriction itself.
    with pytest.raises(ValidationError, match="Neem contact op met"):
        case_party_add_person(
            actor=actor,
            referral=referral,
            given_names="Sanne",
            surname="Visser",
            date_of_birth=restricted.date_of_birth,
            role=PartyRole.SUBJECT,
            chosen_person_id=restricted.pk,
        )
    assert not CaseParty.objects.filter(person=restricted).exists()
    party = CasePartyFactory(referral=referral, person=restricted, role=PartyRole.SUBJECT)
    with pytest.raises(ServiceError, match="de verwerking beperkt"):
        case_party_update(actor=actor, party=party, expected_version=party.version, role=PartyRole.VICTIM)
    assert CaseParty.objects.get(pk=party.pk).role == PartyRole.SUBJECT
    with pytest.raises(ServiceError, match="de verwerking beperkt"):
        life_domain_problem_add(
            actor=actor, referral=referral, domain="housing", description="Dakloos.", source="Eigen", person=restricted
        )
    assert not LifeDomainProblem.objects.filter(person=restricted).exists()
    # The page names the restricted party among the blockers; the refusal itself does not
    # depend on that list.
    monkeypatch.setattr("casustafel.cases.services.referrals._restriction_blockers", lambda referral: [])
    with pytest.raises(ServiceError, match="de verwerking beperkt"):
        referral_submit(actor=actor, referral=referral, expected_version=referral.version)
    assert Referral.objects.get(pk=referral.pk).submitted_at is None


@pytest.mark.django_db
def test_meeting_writes_about_a_restricted_person_are_refused(personas: Personas) -> None:
    setting = meeting_setting(personas)
    restricted: CaseParty = CasePartyFactory(
        referral=setting.case_a.referral, person=PersonFactory(house=personas.house)
    )
    restrict(personas, restricted.person)
    secretary = actor_for(personas, "secretary")
    with pytest.raises(ServiceError) as refused:
        picture_fact_add(
            actor=secretary,
            discussion=setting.discussion(personas),
            part=setting.part_1,
            organisation=personas.org_a,
            text="Nieuw feit.",
            source="Huisbezoek",
            provenance=HOUSEHOLD,
            person=restricted.person,
        )
    assert "person" in refused.value.message_dict
    assert not CaseFact.objects.filter(person=restricted.person).exists() and not DiscussionFact.objects.exists()
    participation = setting.item_1.client_participation
    with pytest.raises(ServiceError) as refused:
        client_participation_update(
            actor=secretary,
            participation=participation,
            expected_version=participation.version,
            invited_parties=[restricted],
            clients_invited=True,
            client_input="Wil niet dat de school erbij is.",
        )
    assert "invited_parties" in refused.value.message_dict
    participation.refresh_from_db()
    assert not participation.invited_parties.filter(pk=restricted.pk).exists() and not participation.client_input


@pytest.mark.django_db
def test_merging_a_restricted_person_is_refused(personas: Personas) -> None:
    keep: Person = PersonFactory(house=personas.house)
    duplicate: Person = PersonFactory(house=personas.house)
    restrict(personas, duplicate)
    with pytest.raises(ServiceError, match="de verwerking beperkt"):
        person_merge(actor=actor_for(personas, "administrator"), keep=keep, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None

"""The organisation services: each writes what it says, records its audit event in the same
transaction, and refuses stale forms and broken rules with a Dutch message per field."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.lib.errors import ConflictError
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Sector, Substitution
from casustafel.organisations.services import (
    house_create,
    membership_create,
    membership_end,
    membership_update,
    organisation_create,
    organisation_update,
    substitution_create,
    substitution_revoke,
    user_create,
    user_reset_mfa,
    user_set_initial_password,
    user_set_password,
    user_update,
)
from casustafel.testing.factories import MembershipFactory, SubstitutionFactory, TOTPDeviceFactory, UserFactory
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Lange-zin-met-koffie-2026"


def last_event(obj: Model, action: str) -> AuditEvent:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action).latest(
        "sequence"
    )


def messages_of(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


# --- Houses and organisations --------------------------------------------------------------


def test_house_create_records_its_details(admin_actor: Actor) -> None:
    house = house_create(actor=admin_actor, name="ZVH Noord", region="Noord")
    event = last_event(house, AuditAction.CREATE)
    assert event.object_type == "organisations.safetyhouse"
    assert event.changes["name"] == [None, "ZVH Noord"] and event.changes["region"] == [None, "Noord"]
    assert event.actor == admin_actor.user


def test_organisation_create_adds_it_to_the_house_and_audits(personas: Personas, admin_actor: Actor) -> None:
    organisation = organisation_create(
        actor=admin_actor, house=personas.house, name="Reclassering Testregio", sector=Sector.SUPERVISION
    )
    assert organisation.house == personas.house and organisation.is_active
    event = last_event(organisation, AuditAction.CREATE)
    assert event.changes["name"] == [None, "Reclassering Testregio"]
    assert event.changes["sector"] == [None, "supervision"]
    assert event.changes["house"] == [None, personas.house.pk]


def test_organisation_create_refuses_a_name_the_house_already_has(personas: Personas, admin_actor: Actor) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation_create(actor=admin_actor, house=personas.house, name="veilig thuis testregio", sector=Sector.CARE)
    assert messages_of(exc, "name") == ["Dit huis heeft al een organisatie met deze naam."]


def test_the_same_name_is_fine_in_another_house(personas: Personas, admin_actor: Actor) -> None:
    other = SafetyHouse.objects.get(name="Zorg- en Veiligheidshuis Elders")
    organisation = organisation_create(actor=admin_actor, house=other, name="Veilig Thuis Testregio", sector="care")
    assert organisation.pk


def test_organisation_update_records_only_the_changes_and_bumps_the_version(
    personas: Personas, admin_actor: Actor
) -> None:
    organisation = personas.org_a
    updated = organisation_update(
        actor=admin_actor,
        organisation=organisation,
        expected_version=organisation.version,
        name="Veilig Thuis Testregio",
        contact_phone="088 123 45 67",
        is_active=False,
    )
    assert updated.version == organisation.version + 1 and not updated.is_active
    event = last_event(organisation, AuditAction.UPDATE)
    assert event.changes == {"contact_phone": ["", "088 123 45 67"], "is_active": [True, False]}


def test_organisation_update_without_changes_writes_nothing(personas: Personas, admin_actor: Actor) -> None:
    before = AuditEvent.objects.count()
    updated = organisation_update(
        actor=admin_actor,
        organisation=personas.org_a,
        expected_version=personas.org_a.version,
        name=personas.org_a.name,
    )
    assert updated.version == personas.org_a.version
    assert AuditEvent.objects.count() == before


def test_organisation_update_with_a_stale_version_overwrites_nothing(personas: Personas, admin_actor: Actor) -> None:
    stale = Organisation.objects.get(pk=personas.org_a.pk)
    organisation_update(actor=admin_actor, organisation=personas.org_a, expected_version=1, contact_phone="010")
    events = AuditEvent.objects.count()
    with pytest.raises(ConflictError) as exc:
        organisation_update(actor=admin_actor, organisation=stale, expected_version=1, contact_phone="020")
    assert "Iemand anders heeft dit intussen gewijzigd" in exc.value.messages[0]
    assert Organisation.objects.get(pk=stale.pk).contact_phone == "010"
    assert AuditEvent.objects.count() == events


def test_organisation_update_refuses_another_organisations_name(personas: Personas, admin_actor: Actor) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation_update(
            actor=admin_actor, organisation=personas.org_a, expected_version=1, name=personas.org_b.name
        )
    assert messages_of(exc, "name") == ["Dit huis heeft al een organisatie met deze naam."]


# --- Users ---------------------------------------------------------------------------------


def test_user_create_without_password_makes_a_user_who_cannot_log_in_yet(
    personas: Personas, admin_actor: Actor
) -> None:
    user = user_create(
        actor=admin_actor,
        email="  Nieuw@Example.ORG ",
        full_name="Nieuwe Collega",
        organisation=personas.org_a,
        role=Role.PROFESSIONAL,
        is_ambassador=True,
        job_title="Gedragswetenschapper",
    )
    assert user.email == "nieuw@example.org"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.is_ambassador) == (
        personas.org_a,
        Role.PROFESSIONAL,
        True,
    )
    assert membership.job_title == "Gedragswetenschapper"
    user_event = last_event(user, AuditAction.CREATE)
    assert user_event.changes["email"] == [None, "nieuw@example.org"]
    assert user_event.object_type == "accounts.user"
    assert last_event(membership, AuditAction.CREATE).changes["role"] == [None, "professional"]
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


def test_user_create_with_a_password_lets_the_user_log_in_and_audits_without_the_password(
    personas: Personas, admin_actor: Actor
) -> None:
    user = user_create(
        actor=admin_actor,
        email="nieuw@example.org",
        full_name="Nieuwe Collega",
        password=STRONG_PASSWORD,
        organisation=personas.org_a,
        role=Role.PROFESSIONAL,
    )
    assert user.check_password(STRONG_PASSWORD)
    event = last_event(user, AuditAction.PASSWORD_CHANGED)
    assert event.changes == {"must_change_password": [False, True]}  # temporary: issue 7, point 16
    assert STRONG_PASSWORD not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_user_create_with_a_weak_password_creates_nothing(personas: Personas, admin_actor: Actor) -> None:
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=admin_actor,
            email="nieuw@example.org",
            full_name="Nieuwe Collega",
            password="kort",
            organisation=personas.org_a,
            role=Role.PROFESSIONAL,
        )
    assert "Dit wachtwoord is te kort: gebruik minstens 12 tekens." in messages_of(exc, "password")
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_user_create_refuses_an_address_that_exists_in_another_letter_case(
    personas: Personas, admin_actor: Actor
) -> None:
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=admin_actor,
            email=personas.professional_a.email.upper(),
            full_name="Dubbel",
            organisation=personas.org_a,
            role=Role.PROFESSIONAL,
        )
    assert messages_of(exc, "email") == ["Er bestaat al een gebruiker met dit e-mailadres."]


def test_user_update_records_the_changes(personas: Personas, admin_actor: Actor) -> None:
    user = personas.professional_a
    updated = user_update(
        actor=admin_actor, user=user, expected_version=user.version, full_name="Professional Anders", phone="06"
    )
    assert updated.full_name == "Professional Anders" and updated.version == user.version + 1
    event = last_event(user, AuditAction.UPDATE)
    assert event.changes == {"full_name": ["Professional A", "Professional Anders"], "phone": ["", "06"]}


def test_user_update_refuses_a_colleagues_address(personas: Personas, admin_actor: Actor) -> None:
    with pytest.raises(ValidationError) as exc:
        user_update(
            actor=admin_actor,
            user=personas.professional_a,
            expected_version=1,
            email=personas.professional_b.email,
        )
    assert messages_of(exc, "email") == ["Er bestaat al een gebruiker met dit e-mailadres."]


def test_user_update_with_a_stale_version_overwrites_nothing(personas: Personas, admin_actor: Actor) -> None:
    user = personas.professional_a
    user_update(actor=admin_actor, user=user, expected_version=1, phone="010")
    with pytest.raises(ConflictError):
        user_update(actor=admin_actor, user=user, expected_version=1, phone="020")
    assert User.objects.get(pk=user.pk).phone == "010"


def test_administrator_cannot_deactivate_their_own_account(personas: Personas, admin_actor: Actor) -> None:
    with pytest.raises(ValidationError) as exc:
        user_update(actor=admin_actor, user=personas.administrator, expected_version=1, is_active=False)
    assert messages_of(exc, "is_active") == ["U kunt uw eigen account niet op inactief zetten."]
    assert User.objects.get(pk=personas.administrator.pk).is_active


def test_user_set_password_checks_the_validators_in_dutch(personas: Personas, admin_actor: Actor) -> None:
    user = personas.professional_a
    with pytest.raises(ValidationError) as exc:
        user_set_password(actor=admin_actor, user=user, password="professional_a@example.org")
    assert "Het wachtwoord lijkt te veel op de e-mailadres." in messages_of(exc, "password")
    with pytest.raises(ValidationError) as exc:
        user_set_password(actor=admin_actor, user=user, password="123456789012")
    assert "Dit wachtwoord bevat alleen cijfers." in messages_of(exc, "password")
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


def test_user_set_password_sets_it_and_audits(personas: Personas, admin_actor: Actor) -> None:
    user = personas.professional_a
    user_set_password(actor=admin_actor, user=user, password=STRONG_PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(STRONG_PASSWORD)
    event = last_event(user, AuditAction.PASSWORD_CHANGED)
    assert event.actor == personas.administrator
    assert event.changes == {"must_change_password": [False, True]}


def test_initial_password_is_set_for_a_user_without_one(personas: Personas, admin_actor: Actor) -> None:
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    user_set_initial_password(actor=admin_actor, user=user, password=STRONG_PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(STRONG_PASSWORD)
    assert last_event(user, AuditAction.PASSWORD_CHANGED).actor == personas.administrator


def test_initial_password_never_replaces_a_password_the_user_has(personas: Personas, admin_actor: Actor) -> None:
    user = personas.professional_a
    with pytest.raises(ValidationError) as exc:
        user_set_initial_password(actor=admin_actor, user=user, password=STRONG_PASSWORD)
    assert "Alleen de gebruiker zelf kan het wijzigen" in exc.value.messages[0]
    assert not User.objects.get(pk=user.pk).check_password(STRONG_PASSWORD)


def test_user_reset_mfa_removes_every_device_and_audits_how_many(personas: Personas, admin_actor: Actor) -> None:
    user = personas.professional_a
    TOTPDeviceFactory(user=user, confirmed=False)
    removed = user_reset_mfa(actor=admin_actor, user=user)
    assert removed == 2
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert TOTPDevice.objects.filter(user=personas.professional_b).exists()
    event = last_event(user, AuditAction.MFA_RESET)
    assert event.changes == {"devices_removed": [2, 0]} and event.actor == personas.administrator


# --- Memberships ---------------------------------------------------------------------------


def test_membership_create_adds_a_role_and_audits(personas: Personas, admin_actor: Actor) -> None:
    start = timezone.localdate() + dt.timedelta(days=7)
    membership = membership_create(
        actor=admin_actor,
        user=personas.professional_a,
        organisation=personas.org_b,
        role=Role.PROFESSIONAL,
        job_title="Wijkagent",
        start_date=start,
    )
    event = last_event(membership, AuditAction.CREATE)
    assert event.changes["organisation"] == [None, personas.org_b.pk]
    assert event.changes["start_date"] == [None, start.isoformat()]
    assert event.changes["job_title"] == [None, "Wijkagent"]


def test_membership_create_refuses_the_same_role_twice(personas: Personas, admin_actor: Actor) -> None:
    with pytest.raises(ValidationError) as exc:
        membership_create(
            actor=admin_actor, user=personas.professional_a, organisation=personas.org_a, role=Role.PROFESSIONAL
        )
    assert messages_of(exc, "role") == ["Deze gebruiker heeft deze rol bij deze organisatie al."]


def test_membership_create_refuses_an_end_before_the_start(personas: Personas, admin_actor: Actor) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        membership_create(
            actor=admin_actor,
            user=personas.professional_a,
            organisation=personas.org_b,
            role=Role.PROFESSIONAL,
            start_date=today,
            end_date=today - dt.timedelta(days=1),
        )
    assert messages_of(exc, "end_date") == ["De einddatum ligt vóór de ingangsdatum."]


def test_membership_update_records_the_changes(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["professional_a"]
    updated = membership_update(
        actor=admin_actor,
        membership=membership,
        expected_version=membership.version,
        is_ambassador=True,
        job_title="Teamleider",
    )
    assert updated.is_ambassador and updated.version == membership.version + 1
    event = last_event(membership, AuditAction.UPDATE)
    assert event.changes == {"is_ambassador": [False, True], "job_title": ["", "Teamleider"]}


def test_membership_update_refuses_an_end_before_the_start(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["professional_a"]
    with pytest.raises(ValidationError) as exc:
        membership_update(
            actor=admin_actor,
            membership=membership,
            expected_version=membership.version,
            end_date=membership.start_date - dt.timedelta(days=1),
        )
    assert messages_of(exc, "end_date") == ["De einddatum ligt vóór de ingangsdatum."]


def test_membership_update_with_a_stale_version_overwrites_nothing(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["professional_a"]
    membership_update(actor=admin_actor, membership=membership, expected_version=1, job_title="Eerst")
    with pytest.raises(ConflictError):
        membership_update(actor=admin_actor, membership=membership, expected_version=1, job_title="Later")
    assert Membership.objects.get(pk=membership.pk).job_title == "Eerst"


def test_membership_end_ends_it_today_and_keeps_the_history(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["professional_a"]
    ended = membership_end(actor=admin_actor, membership=membership, expected_version=membership.version)
    today = timezone.localdate()
    assert ended.end_date == today
    assert not Membership.objects.active(today + dt.timedelta(days=1)).filter(pk=membership.pk).exists()
    assert last_event(membership, AuditAction.UPDATE).changes == {"end_date": [None, today.isoformat()]}


def test_membership_end_refuses_a_day_before_the_start(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["professional_a"]
    with pytest.raises(ValidationError) as exc:
        membership_end(
            actor=admin_actor,
            membership=membership,
            expected_version=membership.version,
            end_date=membership.start_date - dt.timedelta(days=1),
        )
    assert messages_of(exc, "end_date") == ["De einddatum ligt vóór de ingangsdatum."]


def test_membership_end_with_a_stale_version_overwrites_nothing(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["professional_a"]
    membership_update(actor=admin_actor, membership=membership, expected_version=1, job_title="Eerst")
    with pytest.raises(ConflictError):
        membership_end(actor=admin_actor, membership=membership, expected_version=1)
    assert Membership.objects.get(pk=membership.pk).end_date is None


# --- Substitutions -------------------------------------------------------------------------


def _window(days: int = 7) -> dict[str, dt.datetime]:
    start = timezone.now() + dt.timedelta(hours=1)
    return {"starts_at": start, "ends_at": start + dt.timedelta(days=days)}


def test_substitution_create_records_who_arranged_it(personas: Personas) -> None:
    actor = Actor(user=personas.professional_a, membership=personas.memberships["professional_a"])
    substitution = substitution_create(
        actor=actor,
        absent_membership=personas.memberships["professional_a"],
        substitute=personas.ambassador_a,
        reason="Vakantie",
        **_window(),
    )
    assert substitution.created_by == personas.professional_a
    event = last_event(substitution, AuditAction.CREATE)
    assert event.changes["substitute"] == [None, personas.ambassador_a.pk]
    assert event.changes["reason"] == [None, "Vakantie"]


@pytest.mark.parametrize(
    ("substitute", "window", "field", "message"),
    [
        ("professional_a", {}, "substitute", "Iemand kan niet zijn eigen vervanger zijn."),
        (
            "professional_b",
            {},
            "substitute",
            "De vervanger moet een actieve collega bij dezelfde organisatie zijn.",
        ),
        ("ambassador_a", {"days": -1}, "ends_at", "Het einde moet na het begin liggen."),
        (
            "ambassador_a",
            {"days": 93},
            "ends_at",
            "Een vervanging duurt hoogstens drie maanden; leg daarna een nieuwe vast.",
        ),
    ],
)
def test_substitution_create_refuses_broken_rules_per_field(
    personas: Personas, admin_actor: Actor, substitute: str, window: dict[str, int], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        substitution_create(
            actor=admin_actor,
            absent_membership=personas.memberships["professional_a"],
            substitute=personas.users[substitute],
            reason="Vakantie",
            **_window(**window),
        )
    assert messages_of(exc, field) == [message]
    assert not Substitution.objects.exists()


def test_substitution_create_refuses_a_window_in_the_past(personas: Personas, admin_actor: Actor) -> None:
    start = timezone.now() - dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        substitution_create(
            actor=admin_actor,
            absent_membership=personas.memberships["professional_a"],
            substitute=personas.ambassador_a,
            starts_at=start,
            ends_at=start + dt.timedelta(days=2),
            reason="Ziek",
        )
    assert messages_of(exc, "ends_at") == ["Het einde ligt in het verleden."]


def test_substitute_whose_membership_ended_is_not_a_colleague(personas: Personas, admin_actor: Actor) -> None:
    former = MembershipFactory(organisation=personas.org_a, ended=True).user
    with pytest.raises(ValidationError) as exc:
        substitution_create(
            actor=admin_actor,
            absent_membership=personas.memberships["professional_a"],
            substitute=former,
            reason="Vakantie",
            **_window(),
        )
    assert "substitute" in exc.value.message_dict


def test_substitution_revoke_ends_it_now_and_audits(personas: Personas, admin_actor: Actor) -> None:
    substitution = SubstitutionFactory(
        absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a
    )
    revoked = substitution_revoke(actor=admin_actor, substitution=substitution)
    assert revoked.revoked_at is not None and not revoked.is_current()
    event = last_event(substitution, AuditAction.UPDATE)
    assert event.changes == {"revoked_at": [None, revoked.revoked_at.isoformat()]}


def test_substitution_revoke_twice_is_refused(personas: Personas, admin_actor: Actor) -> None:
    substitution = SubstitutionFactory(
        absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a
    )
    substitution_revoke(actor=admin_actor, substitution=substitution)
    with pytest.raises(ValidationError) as exc:
        substitution_revoke(actor=admin_actor, substitution=substitution)
    assert exc.value.messages == ["Deze vervanging is al beëindigd."]


LAST_ADMIN = (
    "Dit is de laatste functioneel beheerder van het huis. Geef eerst iemand anders deze rol; "
    "anders kan niemand organisaties en gebruikers meer beheren."
)


def test_the_last_administrator_of_a_house_cannot_end_their_membership(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["administrator"]
    with pytest.raises(ValidationError) as exc:
        membership_end(actor=admin_actor, membership=membership, expected_version=membership.version)
    assert messages_of(exc, "end_date") == [LAST_ADMIN]
    with pytest.raises(ValidationError) as exc:
        membership_update(
            actor=admin_actor,
            membership=membership,
            expected_version=membership.version,
            end_date=timezone.localdate() + dt.timedelta(days=30),
        )
    assert messages_of(exc, "end_date") == [LAST_ADMIN]
    assert Membership.objects.get(pk=membership.pk).end_date is None


def test_an_administrator_may_leave_once_a_colleague_administers_the_house(
    personas: Personas, admin_actor: Actor
) -> None:
    membership = personas.memberships["administrator"]
    MembershipFactory(organisation=personas.office, role=Role.ADMINISTRATOR)
    ended = membership_end(actor=admin_actor, membership=membership, expected_version=membership.version)
    assert ended.end_date == timezone.localdate()


def test_a_colleague_who_leaves_first_does_not_count_as_successor(personas: Personas, admin_actor: Actor) -> None:
    membership = personas.memberships["administrator"]
    MembershipFactory(
        organisation=personas.office, role=Role.ADMINISTRATOR, end_date=timezone.localdate() + dt.timedelta(days=5)
    )
    with pytest.raises(ValidationError):
        membership_end(
            actor=admin_actor,
            membership=membership,
            expected_version=membership.version,
            end_date=timezone.localdate() + dt.timedelta(days=10),
        )

"""Writes on houses, organisations, users, memberships and substitutions. Each service
validates, saves and records its audit event in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.organisations.models import (
    CaseVisibility,
    Membership,
    Organisation,
    Role,
    SafetyHouse,
    Sector,
    Substitution,
)
from casustafel.organisations.selectors import users_manageable_by

ORGANISATION_FIELDS = (
    "name",
    "sector",
    "is_house_office",
    "contact_email",
    "contact_phone",
    "is_active",
    "case_visibility",
)
USER_FIELDS = ("email", "full_name", "phone", "is_active", "preferred_language")
MEMBERSHIP_FIELDS = ("user", "organisation", "role", "is_ambassador", "job_title", "start_date", "end_date")


def _create(actor: Actor, instance: Any, fields: tuple[str, ...]) -> None:
    instance.full_clean()
    instance.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=instance, changes=diff({}, snapshot(instance, fields)))


def _update(
    actor: Actor, instance: Any, expected_version: int | None, fields: tuple[str, ...], values: dict[str, Any]
) -> Any:
    locked = lock_for_update(instance, expected_version=expected_version)
    before = snapshot(locked, fields)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean()
    changes = diff(before, snapshot(locked, fields))
    if not changes:
        return locked
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def _check_unique_name(house_id: int, name: str, exclude_pk: int | None = None) -> None:
    # The database constraint would say the same in a non-field message naming the constraint;
    # this puts a readable message next to the name field.
    same_name = Organisation.objects.filter(house_id=house_id, name__iexact=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise ValidationError({"name": _("Dit huis heeft al een organisatie met deze naam.")})


def _check_dates(start_date: dt.date | None, end_date: dt.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("De einddatum ligt vóór de ingangsdatum.")})


@transaction.atomic
def house_create(
    *, actor: Actor, name: str, region: str, contact_email: str = "", contact_phone: str = ""
) -> SafetyHouse:
    """Register a new Zorg- en Veiligheidshuis on this installation."""
    house = SafetyHouse(name=name, region=region, contact_email=contact_email, contact_phone=contact_phone)
    _create(actor, house, ("name", "region", "contact_email", "contact_phone"))
    return house


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    house: SafetyHouse,
    name: str,
    sector: Sector | str,
    is_house_office: bool = False,
    contact_email: str = "",
    contact_phone: str = "",
    case_visibility: CaseVisibility | str = CaseVisibility.ALL_CASE_WORKERS,
) -> Organisation:
    """Add a partner organisation (or the house's own office) to a house."""
    _check_unique_name(house.pk, name)
    organisation = Organisation(
        house=house,
        name=name,
        sector=sector,
        is_house_office=is_house_office,
        contact_email=contact_email,
        contact_phone=contact_phone,
        case_visibility=case_visibility,
    )
    _create(actor, organisation, ("house", *ORGANISATION_FIELDS))
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, expected_version: int | None, **values: Any
) -> Organisation:
    """Change an organisation's details; refuses when someone else saved it in between."""
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "name" in values:
        _check_unique_name(organisation.house_id, values["name"], exclude_pk=organisation.pk)
    return _update(actor, organisation, expected_version, ORGANISATION_FIELDS, values)


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    email: str,
    full_name: str,
    phone: str = "",
    password: str | None = None,
    organisation: Organisation,
    role: Role | str,
    is_ambassador: bool = False,
    job_title: str = "",
) -> User:
    """Create a user together with their first membership: a user without one would be
    invisible to every administrator.

    Args:
        password: an initial password the administrator hands over out of band; checked
            against the password validators. Without it the user cannot log in until an
            administrator sets one (`user_set_initial_password`).
    """
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Er bestaat al een gebruiker met dit e-mailadres.")})
    user = User(email=email, full_name=full_name, phone=phone)
    user.set_unusable_password()
    _create(actor, user, USER_FIELDS)
    membership_create(
        actor=actor, user=user, organisation=organisation, role=role, is_ambassador=is_ambassador, job_title=job_title
    )
    if password:
        user_set_password(actor=actor, user=user, password=password)
    return user


@transaction.atomic
def user_update(*, actor: Actor, user: User, expected_version: int | None, **values: Any) -> User:
    """Change a user's details (name, e-mail, phone, language, active)."""
    unknown = set(values) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "email" in values:
        values["email"] = User.objects.normalize_email(values["email"]).lower()
        if User.objects.filter(email__iexact=values["email"]).exclude(pk=user.pk).exists():
            raise ValidationError({"email": _("Er bestaat al een gebruiker met dit e-mailadres.")})
    if values.get("is_active") is False and actor.user is not None and actor.user.pk == user.pk:
        # An administrator who deactivates themselves is logged out and may leave the house
        # without anyone to manage it.
        raise ValidationError({"is_active": _("U kunt uw eigen account niet op inactief zetten.")})
    return _update(actor, user, expected_version, USER_FIELDS, values)


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> None:
    """Set a new password after checking it against the password validators (length, common
    passwords, likeness to the user's name and e-mail). Changing the password hash ends every
    other session of the user. The audit event records that it changed, never the password.

    A password someone else sets (an administrator) is temporary: the user must choose their
    own at the first login (`accounts.middleware.PasswordChangeRequiredMiddleware`), so the
    administrator never knows the password in use.

    Raises:
        ValidationError: keyed `password`, with the validators' messages.
    """
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    before = user.must_change_password
    user.set_password(password)
    user.must_change_password = actor.user is not None and actor.user.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    changes = diff({"must_change_password": before}, {"must_change_password": user.must_change_password})
    audit_record(actor=actor, action=AuditAction.PASSWORD_CHANGED, obj=user, changes=changes or None)


@transaction.atomic
def user_set_initial_password(*, actor: Actor, user: User, password: str) -> None:
    """Let an administrator set the first password of a user who has none yet.

    A password the user chose themselves is never replaced this way: an administrator who could
    do so could log in as any colleague (and the user may work in other houses too).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.has_usable_password():
        raise ValidationError(_("Deze gebruiker heeft al een wachtwoord. Alleen de gebruiker zelf kan het wijzigen."))
    user_set_password(actor=actor, user=locked, password=password)


@transaction.atomic
def user_reset_mfa(*, actor: Actor, user: User) -> int:
    """Remove the user's second-factor devices so they enrol again at their next login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.MFA_RESET, obj=user, changes={"devices_removed": [removed, 0]})
    return removed


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> int:
    """Lift a lockout before its cool-off ends: remove the failed logins django-axes recorded
    for the user's e-mail address (in any letter case), so the user can log in again at once.

    Args:
        actor: an administrator of a house the user is a member of (or the system).
        user: the locked-out user.

    Returns:
        How many failed-login records were removed (0 when the account was not locked).

    Raises:
        PermissionDenied: the actor does not manage this user.
    """
    from axes.models import AccessAttempt
    from axes.utils import reset

    if actor.user is not None and not users_manageable_by(actor.user).filter(pk=user.pk).exists():
        raise PermissionDenied
    # axes keeps the address as typed; reset() matches it exactly.
    typed = set(AccessAttempt.objects.filter(username__iexact=user.email).values_list("username", flat=True))
    removed = sum(reset(username=name) for name in sorted(typed | {user.email}))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, changes={"failed_logins": [removed, 0]})
    return removed


@transaction.atomic
def membership_create(
    *,
    actor: Actor,
    user: User,
    organisation: Organisation,
    role: Role | str,
    is_ambassador: bool = False,
    job_title: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Membership:
    """Let a user work for an organisation in a role."""
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": _("Deze gebruiker heeft deze rol bij deze organisatie al.")})
    _check_dates(start_date or timezone.localdate(), end_date)
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        is_ambassador=is_ambassador,
        job_title=job_title,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    _create(actor, membership, MEMBERSHIP_FIELDS)
    return membership


@transaction.atomic
def membership_update(
    *, actor: Actor, membership: Membership, expected_version: int | None, **values: Any
) -> Membership:
    """Change the ambassador flag, job title or dates of a membership."""
    allowed = {"is_ambassador", "job_title", "start_date", "end_date"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _check_dates(values.get("start_date", membership.start_date), values.get("end_date", membership.end_date))
    if values.get("end_date"):
        _refuse_last_administrator(membership, values["end_date"])
    return _update(actor, membership, expected_version, MEMBERSHIP_FIELDS, values)


def _refuse_last_administrator(membership: Membership, end_date: dt.date) -> None:
    """Nobody could manage the house's organisations and users any more (and the
    administrator could not undo it in the UI): keep at least one administrator after
    `end_date`."""
    if membership.role != Role.ADMINISTRATOR:
        return
    others = (
        Membership.objects.filter(
            role=Role.ADMINISTRATOR,
            organisation__house_id=membership.organisation.house_id,
            user__is_active=True,
            start_date__lte=end_date,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=end_date))
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            {
                "end_date": _(
                    "Dit is de laatste functioneel beheerder van het huis. Geef eerst iemand anders deze rol; "
                    "anders kan niemand organisaties en gebruikers meer beheren."
                )
            }
        )


@transaction.atomic
def membership_end(
    *, actor: Actor, membership: Membership, expected_version: int | None, end_date: dt.date | None = None
) -> Membership:
    """End a membership (from today unless a date is given); history stays."""
    day = end_date or timezone.localdate()
    if day < membership.start_date:
        raise ValidationError({"end_date": _("De einddatum ligt vóór de ingangsdatum.")})
    _refuse_last_administrator(membership, day)
    return _update(actor, membership, expected_version, MEMBERSHIP_FIELDS, {"end_date": day})


@transaction.atomic
def substitution_create(
    *,
    actor: Actor,
    absent_membership: Membership,
    substitute: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
) -> Substitution:
    """Delegate an absent colleague's case access to a colleague of the same organisation for
    a limited window. The substitute acts on the absent colleague's behalf; every act says so."""
    errors: dict[str, str] = {}
    if substitute.pk == absent_membership.user_id:
        errors["substitute"] = _("Iemand kan niet zijn eigen vervanger zijn.")
    elif (
        not Membership.objects.active(starts_at.date())
        .filter(user=substitute, organisation=absent_membership.organisation_id)
        .exists()
    ):
        errors["substitute"] = _("De vervanger moet een actieve collega bij dezelfde organisatie zijn.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("Het einde moet na het begin liggen.")
    elif ends_at - starts_at > dt.timedelta(days=92):
        errors["ends_at"] = _("Een vervanging duurt hoogstens drie maanden; leg daarna een nieuwe vast.")
    if ends_at <= timezone.now():
        errors.setdefault("ends_at", _("Het einde ligt in het verleden."))
    if errors:
        raise ValidationError(errors)
    substitution = Substitution(
        absent_membership=absent_membership,
        substitute=substitute,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_by=actor.user,
    )
    _create(actor, substitution, ("absent_membership", "substitute", "starts_at", "ends_at", "reason"))
    return substitution


@transaction.atomic
def substitution_revoke(*, actor: Actor, substitution: Substitution) -> Substitution:
    """End a substitution now."""
    locked = Substitution.objects.select_for_update().get(pk=substitution.pk)
    if locked.revoked_at is not None or locked.ends_at <= timezone.now():
        raise ValidationError(_("Deze vervanging is al beëindigd."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"revoked_at": [None, locked.revoked_at.isoformat()]},
    )
    return locked

"""Improvement plans and their actions, followed like agreements: an owner (organisation and
named person) and a date; the owner hears of it at once, is reminded before the date and told
when it is overdue (`periodic.py`); they report done / partly / not done with the result; the
managers see overdue actions on their start page. Each action names the indicators of the
catalogue it should move (by key) and collects value ratings (a rating with a narrative, per
organisation and year: seed 004's value case).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.learning.models import (
    ActionEnd,
    ActionIndicator,
    ActionProgress,
    Direction,
    ImprovementAction,
    ImprovementActionUpdate,
    ImprovementPlan,
    PlanStatus,
    Rating,
    SelfAssessment,
    ValueRating,
)
from casustafel.learning.roles import can_report_action, is_manager
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.lib.validation import raise_errors, text_error
from casustafel.meeting_types.models import MeetingType
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import Membership, Organisation, SafetyHouse

PLAN_FIELDS = ("house", "title", "aim", "meeting_type", "assessment", "status")
ACTION_FIELDS = ("plan", "title", "description", "organisation", "owner", "due_date")
RATING_FIELDS = ("action", "organisation", "year", "aspect", "rating", "narrative")
INDICATOR_KEY = re.compile(r"^[a-z0-9_-]{1,60}$")


def _require_manager(actor: Actor, house: SafetyHouse) -> None:
    membership = actor.membership
    if actor.user is None or not is_manager(membership) or membership.organisation.house_id != house.pk:  # type: ignore[union-attr]
        raise PermissionDenied


def action_url(action: ImprovementAction) -> str:
    return reverse("learning:action", args=[action.pk])


# --- Plans ---------------------------------------------------------------------------------


def _plan_errors(
    house: SafetyHouse, title: str, aim: str, meeting_type: MeetingType | None, assessment: SelfAssessment | None
) -> None:
    raise_errors(
        {
            "title": text_error(title, _("Geef het verbeterplan een titel."), max_length=200),
            "aim": text_error(aim, _("Schrijf op wat het plan moet bereiken.")),
            "meeting_type": _("Dit overlegtype hoort niet bij dit huis.")
            if meeting_type is not None and meeting_type.house_id != house.pk
            else None,
            "assessment": _("Deze zelfevaluatie hoort niet bij dit huis.")
            if assessment is not None and assessment.house_id != house.pk
            else None,
        }
    )


@transaction.atomic
def improvement_plan_create(
    *,
    actor: Actor,
    house: SafetyHouse,
    title: str,
    aim: str,
    meeting_type: MeetingType | None = None,
    assessment: SelfAssessment | None = None,
) -> ImprovementPlan:
    """A new improvement plan of the house or of one meeting type, perhaps after a round."""
    _require_manager(actor, house)
    _plan_errors(house, title, aim, meeting_type, assessment)
    plan = ImprovementPlan(
        house=house,
        title=title.strip(),
        aim=aim.strip(),
        meeting_type=meeting_type,
        assessment=assessment,
        created_by=actor.user,
    )
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=plan, changes=diff({}, snapshot(plan, PLAN_FIELDS)))
    return plan


@transaction.atomic
def improvement_plan_update(
    *, actor: Actor, plan: ImprovementPlan, title: str, aim: str, expected_version: int | None
) -> ImprovementPlan:
    _require_manager(actor, plan.house)
    locked = lock_for_update(plan, expected_version=expected_version)
    _plan_errors(locked.house, title, aim, None, None)
    before = snapshot(locked, ("title", "aim"))
    locked.title, locked.aim = title.strip(), aim.strip()
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, changes=diff(before, snapshot(locked, ("title", "aim")))
    )
    return locked


@transaction.atomic
def improvement_plan_close(*, actor: Actor, plan: ImprovementPlan, expected_version: int | None) -> ImprovementPlan:
    """Close a plan whose actions have all ended (done or dropped)."""
    _require_manager(actor, plan.house)
    locked = lock_for_update(plan, expected_version=expected_version)
    if locked.status == PlanStatus.CLOSED:
        raise ServiceError(_("Dit verbeterplan is al afgerond."))
    if locked.actions.open().exists():
        raise ServiceError(_("Rond eerst alle verbeteracties af (uitgevoerd of vervallen)."))
    locked.status, locked.closed_at = PlanStatus.CLOSED, timezone.now()
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"status": ["active", "closed"]})
    return locked


# --- Actions -------------------------------------------------------------------------------


def _action_errors(
    plan: ImprovementPlan,
    *,
    title: str,
    organisation: Organisation | None,
    owner: User | None,
    due_date: dt.date | None,
    indicators: Sequence[tuple[str, str]],
) -> None:
    errors: dict[str, str | None] = {
        "title": text_error(title, _("Beschrijf de verbeteractie in een paar woorden."), max_length=200),
        "organisation": None,
        "owner": None,
        "due_date": None if due_date else _("Kies de datum waarop de actie klaar moet zijn."),
        "indicators": None,
    }
    if organisation is None:
        errors["organisation"] = _("Kies de organisatie die de actie uitvoert.")
    elif organisation.house_id != plan.house_id or not organisation.is_active:
        errors["organisation"] = _("Kies een organisatie die nu deelneemt aan dit huis.")
    if owner is None:
        errors["owner"] = _("Kies wie de actie trekt.")
    elif (
        organisation is not None
        and not Membership.objects.active().filter(user=owner, organisation=organisation).exists()
    ):
        errors["owner"] = _("Deze medewerker werkt niet (meer) voor %(organisation)s.") % {"organisation": organisation}
    keys = [key for key, _direction in indicators]
    if len(set(keys)) != len(keys):
        errors["indicators"] = _("Noem elke indicator één keer.")
    elif any(not INDICATOR_KEY.match(key) or direction not in Direction.values for key, direction in indicators):
        errors["indicators"] = _(
            "Noem indicatoren met hun sleutel uit de catalogus (kleine letters, cijfers, - en _) en of ze omhoog of "
            "omlaag moeten."
        )
    raise_errors(errors)


def _set_indicators(action: ImprovementAction, indicators: Sequence[tuple[str, str]]) -> dict[str, list[object]]:
    before = sorted(f"{i.indicator_key}:{i.direction}" for i in action.indicators.all())
    action.indicators.all().delete()
    ActionIndicator.objects.bulk_create(
        [ActionIndicator(action=action, indicator_key=key, direction=direction) for key, direction in indicators]
    )
    after = sorted(f"{key}:{direction}" for key, direction in indicators)
    return {"indicators": [before, after]} if before != after else {}


@transaction.atomic
def improvement_action_create(
    *,
    actor: Actor,
    plan: ImprovementPlan,
    title: str,
    organisation: Organisation | None,
    owner: User | None,
    due_date: dt.date | None,
    description: str = "",
    indicators: Sequence[tuple[str, str]] = (),
) -> ImprovementAction:
    """Add an action to an active plan; its owner is told at once. A date in the past is
    accepted (the page warns), as for agreements.

    Raises:
        PermissionDenied: not a manager of the plan's house.
        ServiceError: the plan is closed.
        ValidationError: per field: no title, organisation, owner or date; an owner who does not
            work for the organisation; malformed or repeated indicator keys.
    """
    _require_manager(actor, plan.house)
    if plan.status != PlanStatus.ACTIVE:
        raise ServiceError(_("Dit verbeterplan is afgerond; er kunnen geen acties bij."))
    _action_errors(plan, title=title, organisation=organisation, owner=owner, due_date=due_date, indicators=indicators)
    assert due_date is not None and actor.user is not None  # refused above otherwise
    action = ImprovementAction(
        plan=plan,
        title=title.strip(),
        description=description.strip(),
        organisation=organisation,
        owner=owner,
        due_date=due_date,
        created_by=actor.user,
    )
    action.full_clean()
    action.save()
    changes = diff({}, snapshot(action, ACTION_FIELDS))
    changes.update(_set_indicators(action, indicators))
    audit_record(actor=actor, action=AuditAction.CREATE, obj=action, changes=changes)
    if owner is not None and (actor.user is None or owner.pk != actor.user.pk):
        notification_send(
            actor=actor, recipient=owner, kind=NotificationKind.IMPROVEMENT_ASSIGNED, url=action_url(action)
        )
    return action


@transaction.atomic
def improvement_action_update(
    *,
    actor: Actor,
    action: ImprovementAction,
    title: str,
    organisation: Organisation | None,
    owner: User | None,
    due_date: dt.date | None,
    description: str,
    indicators: Sequence[tuple[str, str]],
    expected_version: int | None,
) -> ImprovementAction:
    """Change an open action; a new owner is told. A new date is a new reminder."""
    _require_manager(actor, action.plan.house)
    locked = lock_for_update(action, expected_version=expected_version)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze verbeteractie is al afgerond."))
    _action_errors(
        locked.plan, title=title, organisation=organisation, owner=owner, due_date=due_date, indicators=indicators
    )
    before = snapshot(locked, ACTION_FIELDS)
    previous_owner = locked.owner_id
    locked.title, locked.description = title.strip(), description.strip()
    locked.organisation, locked.owner, locked.due_date = organisation, owner, due_date  # type: ignore[assignment]
    bump_version(locked)
    locked.full_clean()
    locked.save()
    changes = diff(before, snapshot(locked, ACTION_FIELDS))
    changes.update(_set_indicators(locked, indicators))
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    if owner is not None and owner.pk != previous_owner and (actor.user is None or owner.pk != actor.user.pk):
        notification_send(
            actor=actor, recipient=owner, kind=NotificationKind.IMPROVEMENT_ASSIGNED, url=action_url(locked)
        )
    return locked


@transaction.atomic
def improvement_action_report(
    *,
    actor: Actor,
    action: ImprovementAction,
    progress: ActionProgress | str,
    result: str,
    expected_version: int | None,
    reported_at: dt.datetime | None = None,
) -> ImprovementActionUpdate:
    """The owner (or their organisation) reports: done, partly or not done, with the result.
    "Done" ends the action. Two reports at once: the second gets a `ConflictError`.

    Raises:
        PermissionDenied: not the owner nor acting for the action's organisation.
        ConflictError: the action changed since the page was loaded.
        ServiceError: the action has ended.
        ValidationError: no outcome or no result.
    """
    locked = lock_for_update(action, expected_version=expected_version)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze verbeteractie is al afgerond."))
    if not can_report_action(actor.user, actor.membership, locked):  # type: ignore[arg-type]
        raise PermissionDenied
    outcomes = [value for value in ActionProgress.values if value]
    raise_errors(
        {
            "progress": None if progress in outcomes else _("Kies: uitgevoerd, deels of niet uitgevoerd."),
            "result": text_error(result, _("Beschrijf het resultaat, of waarom het (nog) niet lukte.")),
        }
    )
    moment = reported_at or timezone.now()
    assert actor.user is not None  # can_report_action refused otherwise
    update = ImprovementActionUpdate.objects.create(
        action=locked, progress=progress, result=result.strip(), reported_by=actor.user, reported_at=moment
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=update,
        changes=diff({}, snapshot(update, ("action", "progress", "result", "reported_by"))),
    )
    before = snapshot(locked, ("progress", "ended_at", "end"))
    locked.progress, locked.progress_at = str(progress), moment
    if progress == ActionProgress.DONE:
        locked.ended_at, locked.end = moment, ActionEnd.DONE
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=diff(before, snapshot(locked, ("progress", "ended_at", "end"))),
    )
    return update


@transaction.atomic
def improvement_action_drop(
    *, actor: Actor, action: ImprovementAction, reason: str, expected_version: int | None
) -> ImprovementAction:
    """A manager ends an action that will not be carried out, with the reason (kept as a report)."""
    _require_manager(actor, action.plan.house)
    locked = lock_for_update(action, expected_version=expected_version)
    if locked.ended_at is not None:
        raise ServiceError(_("Deze verbeteractie is al afgerond."))
    raise_errors({"reason": text_error(reason, _("Schrijf op waarom de actie vervalt."))})
    moment = timezone.now()
    assert actor.user is not None
    update = ImprovementActionUpdate.objects.create(
        action=locked,
        progress=ActionProgress.NOT_DONE,
        result=reason.strip(),
        reported_by=actor.user,
        reported_at=moment,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=update, changes={"result": [None, update.result]})
    locked.ended_at, locked.end = moment, ActionEnd.DROPPED
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"end": ["", ActionEnd.DROPPED]})
    return locked


# --- Value ---------------------------------------------------------------------------------


@transaction.atomic
def value_rating_record(
    *,
    actor: Actor,
    action: ImprovementAction,
    year: int | None,
    rating: int | None,
    narrative: str,
    aspect: str = "",
    organisation: Organisation | None = None,
    expected_version: int | None = None,
) -> ValueRating:
    """Record (or revise) how the organisation the actor acts for values an action in one year:
    a rating from 1 to 5 and the narrative behind it. One rating per organisation, year and
    aspect; recording it again revises it (with the version the form was loaded with).

    Raises:
        PermissionDenied: no acting membership in the action's house (managers may rate for
            another organisation of the house, e.g. from a partner meeting's conclusions).
        ConflictError: the organisation rated the same year and aspect already and the form
            did not carry that rating's version (or a stale one).
        ValidationError: no year, a year in the future, no rating, no narrative.
    """
    membership = actor.membership
    house_id = action.plan.house_id
    if actor.user is None or membership is None or membership.organisation.house_id != house_id:
        raise PermissionDenied
    rater = organisation or membership.organisation
    if rater.pk != membership.organisation_id and not is_manager(membership):
        raise PermissionDenied
    this_year = timezone.localdate().year
    raise_errors(
        {
            "year": _("Kies het jaar waarover de waardering gaat.")
            if year is None
            else (_("Dat jaar is nog niet begonnen.") if year > this_year else None),
            "rating": None if rating in Rating.values else _("Kies een waardering van 1 tot en met 5."),
            "narrative": text_error(narrative, _("Licht de waardering toe: wat ziet u in de praktijk?")),
            "aspect": text_error(aspect or "-", "", max_length=200),
            "organisation": None if rater.house_id == house_id else _("Kies een organisatie van dit huis."),
        }
    )
    assert year is not None and rating is not None  # refused above otherwise
    existing = ValueRating.objects.filter(action=action, organisation=rater, year=year, aspect=aspect.strip()).first()
    if existing is None:
        rated = ValueRating(
            action=action,
            organisation=rater,
            year=year,
            aspect=aspect.strip(),
            rating=rating,
            narrative=narrative.strip(),
            recorded_by=actor.user,
        )
        rated.full_clean()
        rated.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=rated, changes=diff({}, snapshot(rated, RATING_FIELDS))
        )
        return rated
    if expected_version is None:
        # A second rating for the same organisation, year and aspect replaces the first only
        # when the person saw it: the form comes back with it and its version.
        raise ConflictError(
            _(
                "Uw organisatie heeft deze actie voor %(year)s al gewaardeerd (%(rating)s). Sla opnieuw op om die "
                "waardering te vervangen door de uwe."
            )
            % {"year": year, "rating": existing.get_rating_display()}
        )
    locked = lock_for_update(existing, expected_version=expected_version)
    before = snapshot(locked, RATING_FIELDS)
    locked.rating, locked.narrative, locked.recorded_by = rating, narrative.strip(), actor.user  # type: ignore[assignment]
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, changes=diff(before, snapshot(locked, RATING_FIELDS))
    )
    return locked


def check_indicator_pairs(raw: str) -> list[tuple[str, str]]:
    """Parse "key:up, other_key:down" into pairs (the form's single text field).

    Raises:
        ValidationError: a part that is not "key:up" or "key:down".
    """
    pairs: list[tuple[str, str]] = []
    for part in [p.strip() for p in raw.replace("\n", ",").split(",") if p.strip()]:
        key, _sep, direction = part.partition(":")
        key, direction = key.strip().lower(), direction.strip().lower() or Direction.UP
        if direction in ("omhoog", "hoger"):
            direction = Direction.UP
        elif direction in ("omlaag", "lager"):
            direction = Direction.DOWN
        if not INDICATOR_KEY.match(key) or direction not in Direction.values:
            raise ValidationError(
                _("'%(part)s' is geen indicator. Schrijf per indicator sleutel:omhoog of sleutel:omlaag.")
                % {"part": part}
            )
        pairs.append((key, direction))
    return pairs

"""Writes on criteria sets: install the default set, start a new version, edit its criteria
while it is a draft, publish it.

Published versions are never changed: a triage keeps the version it was judged on, so editing
the criteria means copying the current version into a draft (the next number), changing the
draft and publishing it with a change note. At most one draft exists per set.

Two administrators may edit the same draft: the draft's settings carry `version` and each
criterion its `revision`; an edit based on an older value raises `ConflictError` and saves
nothing (optimistic locking, as `casustafel.lib.concurrency` does for the other forms).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.defaults import (
    DEFAULT_CHANGE_NOTE,
    DEFAULT_CRITERIA,
    DEFAULT_SET_NAME,
    DEFAULT_SOURCE,
    CriterionSpec,
)
from casustafel.lib.concurrency import bump_version, check_version
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import Combinator, CriteriaSet, CriteriaSetVersion, Criterion
from casustafel.organisations.models import SafetyHouse, administered_houses

CRITERION_FIELDS = ("version", "parent", "code", "label", "text", "combinator", "position")
VERSION_FIELDS = ("criteria_set", "number", "combinator", "change_note", "source", "published_at", "created_by")


def _require_administrator(actor: Actor, house_id: int) -> None:
    """Only administrators of the house change its criteria; the system actor (demo, commands)
    may too."""
    if actor.user is None:
        return
    if not administered_houses(actor.user).filter(organisation__house=house_id).exists():
        raise PermissionDenied


def version_conflict() -> ConflictError:
    """The error for an administrator whose form of a draft's settings is out of date."""
    return ConflictError(
        _(
            "Iemand anders heeft deze versie intussen gewijzigd. Uw invoer staat hieronder; controleer de "
            "huidige versie en sla opnieuw op."
        )
    )


def criterion_conflict() -> ConflictError:
    """The error for an administrator whose form of a criterion is out of date."""
    return ConflictError(
        _(
            "Iemand anders heeft dit criterium intussen gewijzigd. Uw invoer staat hieronder; controleer de "
            "huidige versie en sla opnieuw op."
        )
    )


def _lock_draft(version: CriteriaSetVersion, *, expected_version: int | None = None) -> CriteriaSetVersion:
    """Lock the version row (serialising edits of the draft) and make sure it is a draft.

    Raises:
        ServiceError: the version was published.
        ConflictError: `expected_version` is given and someone saved the settings since.
    """
    locked = CriteriaSetVersion.objects.select_for_update().select_related("criteria_set").get(pk=version.pk)
    if locked.published_at is not None:
        raise ServiceError(_("Deze versie is in gebruik genomen en kan niet meer worden gewijzigd."))
    check_version(locked.version, expected_version, version_conflict)
    return locked


def _codes(version: CriteriaSetVersion) -> list[str]:
    return list(version.criteria.order_by("position", "pk").values_list("code", flat=True))


def _create_tree(
    version: CriteriaSetVersion, specs: Iterable[CriterionSpec], parent: Criterion | None = None
) -> list[Criterion]:
    created: list[Criterion] = []
    for position, spec in enumerate(specs, start=1):
        criterion = Criterion(
            version=version,
            parent=parent,
            code=spec.code,
            label=spec.label,
            text=spec.text,
            combinator=spec.combinator,
            position=position,
        )
        criterion.full_clean()
        criterion.save()
        created.append(criterion)
        created.extend(_create_tree(version, spec.children, criterion))
    return created


@transaction.atomic
def criteria_set_install_default(*, actor: Actor, house: SafetyHouse) -> CriteriaSet:
    """Install the criteria a-e of Bijlage 5 (Werkinstructie maart 2014) as a published
    version 1 for the house. Idempotent: a house that already has the set keeps it unchanged.

    Args:
        actor: an administrator of the house, or the system actor (demo data, commands).
        house: the house to install the set for.

    Returns:
        The (new or existing) criteria set named `DEFAULT_SET_NAME`.
    """
    _require_administrator(actor, house.pk)
    existing = CriteriaSet.objects.filter(house=house, name=DEFAULT_SET_NAME).first()
    if existing is not None:
        return existing
    criteria_set = CriteriaSet(house=house, name=DEFAULT_SET_NAME)
    criteria_set.full_clean()
    criteria_set.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=criteria_set,
        changes=diff({}, snapshot(criteria_set, ("house", "name"))),
    )
    version = CriteriaSetVersion(
        criteria_set=criteria_set,
        number=1,
        combinator=Combinator.ALL,
        change_note=DEFAULT_CHANGE_NOTE,
        source=DEFAULT_SOURCE,
        published_at=timezone.now(),
        created_by=actor.user,
    )
    version.full_clean()
    version.save()
    _create_tree(version, DEFAULT_CRITERIA)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        changes={**diff({}, snapshot(version, VERSION_FIELDS)), "criteria": [None, _codes(version)]},
    )
    return criteria_set


@transaction.atomic
def criteria_set_create(*, actor: Actor, house: SafetyHouse, name: str) -> CriteriaSet:
    """Create an empty criteria set with a draft version 1 to fill in.

    Raises:
        PermissionDenied: the actor administers no such house.
        ValidationError: an empty name or a name the house already uses.
    """
    _require_administrator(actor, house.pk)
    name = name.strip()
    if CriteriaSet.objects.filter(house=house, name__iexact=name).exists():
        raise ValidationError({"name": _("Dit huis heeft al een criteriaset met deze naam.")})
    criteria_set = CriteriaSet(house=house, name=name)
    criteria_set.full_clean()
    criteria_set.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=criteria_set,
        changes=diff({}, snapshot(criteria_set, ("house", "name"))),
    )
    version = CriteriaSetVersion(criteria_set=criteria_set, number=1, created_by=actor.user)
    version.full_clean()
    version.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=version, changes=diff({}, snapshot(version, VERSION_FIELDS))
    )
    return criteria_set


def _copy_tree(source: CriteriaSetVersion, target: CriteriaSetVersion) -> None:
    # Parents are created before their children: sort by depth through the parent chain.
    rows = list(source.criteria.all())
    by_pk = {row.pk: row for row in rows}

    def depth(row: Criterion) -> int:
        level = 0
        while row.parent_id is not None:
            row = by_pk[row.parent_id]
            level += 1
        return level

    copies: dict[int, Criterion] = {}
    for row in sorted(rows, key=lambda r: (depth(r), r.position, r.pk)):
        copy = Criterion(
            version=target,
            parent=copies[row.parent_id] if row.parent_id is not None else None,
            code=row.code,
            label=row.label,
            text=row.text,
            combinator=row.combinator,
            position=row.position,
        )
        copy.save()
        copies[row.pk] = copy


@transaction.atomic
def criteria_version_draft(*, actor: Actor, criteria_set: CriteriaSet) -> CriteriaSetVersion:
    """The draft of the next version: the existing draft, or a new one that copies the
    current published version's tree (so the administrator edits from what is in force).

    Args:
        actor: an administrator of the set's house.
        criteria_set: the set to edit.
    """
    _require_administrator(actor, criteria_set.house_id)
    locked_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    draft = locked_set.versions.filter(published_at__isnull=True).order_by("-number").first()
    if draft is not None:
        return draft
    current = locked_set.versions.filter(published_at__isnull=False).order_by("-number").first()
    last_number = locked_set.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = CriteriaSetVersion(
        criteria_set=locked_set,
        number=last_number + 1,
        combinator=current.combinator if current else Combinator.ALL,
        source=current.source if current else "",
        created_by=actor.user,
    )
    draft.full_clean()
    draft.save()
    if current is not None:
        _copy_tree(current, draft)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=draft,
        changes={
            **diff({}, snapshot(draft, VERSION_FIELDS)),
            "copied_from": [None, current.number if current else None],
            "criteria": [None, _codes(draft)],
        },
    )
    return draft


@transaction.atomic
def criteria_version_update(
    *,
    actor: Actor,
    version: CriteriaSetVersion,
    combinator: str,
    source: str,
    change_note: str,
    expected_version: int | None = None,
) -> CriteriaSetVersion:
    """Change how a draft joins its top-level criteria, its source and its change note.

    Args:
        expected_version: the draft's `version` the form was loaded with (None skips the check).

    Raises:
        ServiceError: the version is published.
        ConflictError: someone saved the draft's settings after the form was loaded.
    """
    _require_administrator(actor, version.criteria_set.house_id)
    locked = _lock_draft(version, expected_version=expected_version)
    fields = ("combinator", "source", "change_note")
    before = snapshot(locked, fields)
    locked.combinator = combinator
    locked.source = source.strip()
    locked.change_note = change_note.strip()
    locked.full_clean()
    changes = diff(before, snapshot(locked, fields))
    if changes:
        bump_version(locked)
        locked.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


def _validate_parent(version: CriteriaSetVersion, parent: Criterion | None) -> None:
    if parent is None:
        return
    if parent.version_id != version.pk:
        raise ValidationError({"parent": _("Kies een criterium uit deze versie.")})
    if not parent.combinator:
        raise ValidationError(
            {
                "parent": _(
                    "Criterium %(code)s heeft geen onderdelen. Kies daar eerst of alle onderdelen (EN) of "
                    "minstens één onderdeel (OF) moet gelden."
                )
                % {"code": parent.code}
            }
        )


def _validate_code_unique(version: CriteriaSetVersion, code: str, exclude_pk: int | None = None) -> None:
    clash = version.criteria.filter(code__iexact=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": _("Deze code komt al voor in deze versie.")})


@transaction.atomic
def criterion_add(
    *,
    actor: Actor,
    version: CriteriaSetVersion,
    code: str,
    label: str,
    text: str,
    parent: Criterion | None = None,
    combinator: str = "",
    position: int | None = None,
) -> Criterion:
    """Add a criterion (or a part of one, under `parent`) to a draft version.

    Args:
        parent: the criterion this is a part of; it must have a combinator (EN/OF).
        combinator: "all"/"any" when this criterion will get parts, empty for a leaf.
        position: the order among its siblings; defaults to after the last one.

    Raises:
        ServiceError: the version is published.
        ValidationError: a duplicate code, a parent outside the version or without combinator.
    """
    _require_administrator(actor, version.criteria_set.house_id)
    locked = _lock_draft(version)
    code = code.strip()
    _validate_parent(locked, parent)
    _validate_code_unique(locked, code)
    if position is None:
        siblings = locked.criteria.filter(parent=parent).order_by("-position")
        position = (siblings.values_list("position", flat=True).first() or 0) + 1
    criterion = Criterion(
        version=locked,
        parent=parent,
        code=code,
        label=label.strip(),
        text=text.strip(),
        combinator=combinator,
        position=position,
    )
    criterion.full_clean()
    criterion.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=criterion, changes=diff({}, snapshot(criterion, CRITERION_FIELDS))
    )
    return criterion


@transaction.atomic
def criterion_update(
    *, actor: Actor, criterion: Criterion, expected_version: int | None = None, **values: Any
) -> Criterion:
    """Change a criterion of a draft version (code, label, text, combinator, position).

    Args:
        expected_version: the criterion's `revision` the form was loaded with (None skips the
            check).

    Raises:
        ServiceError: the version is published.
        ConflictError: someone saved the criterion after the form was loaded.
        ValidationError: a duplicate code, or removing the combinator of a criterion with parts.
    """
    allowed = {"code", "label", "text", "combinator", "position"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _require_administrator(actor, criterion.version.criteria_set.house_id)
    version = _lock_draft(criterion.version)
    locked = Criterion.objects.select_for_update().get(pk=criterion.pk)
    check_version(locked.revision, expected_version, criterion_conflict)
    before = snapshot(locked, CRITERION_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) and name != "combinator" else value)
    _validate_code_unique(version, locked.code, exclude_pk=locked.pk)
    if not locked.combinator and locked.children.exists():
        raise ValidationError(
            {
                "combinator": _(
                    "Dit criterium heeft onderdelen; kies of alle onderdelen (EN) of minstens één onderdeel (OF) moet gelden."
                )
            }
        )
    locked.full_clean()
    changes = diff(before, snapshot(locked, CRITERION_FIELDS))
    if changes:
        locked.revision += 1
        locked.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def criterion_remove(*, actor: Actor, criterion: Criterion, expected_version: int | None = None) -> None:
    """Remove a criterion and its parts from a draft version.

    Args:
        expected_version: the criterion's `revision` the page showed (None skips the check,
            for system writes): a criterion someone changed meanwhile is not removed unseen.

    Raises:
        PermissionDenied: the actor administers no such house (checked before the revision).
        ServiceError: the version is published.
        ConflictError: someone changed the criterion after the page was loaded.
    """
    _require_administrator(actor, criterion.version.criteria_set.house_id)
    _lock_draft(criterion.version)
    locked = Criterion.objects.select_for_update().get(pk=criterion.pk)
    check_version(locked.revision, expected_version, criterion_conflict)
    removed = [criterion.code]
    stack = [criterion]
    while stack:
        node = stack.pop()
        for child in node.children.all():
            removed.append(child.code)
            stack.append(child)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=criterion,
        changes={**diff(snapshot(criterion, CRITERION_FIELDS), {}), "removed_codes": [removed, None]},
    )
    criterion.delete()


def publish_problems(version: CriteriaSetVersion) -> list[str]:
    """What keeps a draft from being published, in Dutch (empty when it can be)."""
    problems: list[str] = []
    rows = list(version.criteria.all())
    if not rows:
        problems.append(_("Voeg minstens één criterium toe."))
    parents_with_children = {row.parent_id for row in rows if row.parent_id is not None}
    for row in sorted(rows, key=lambda r: (r.position, r.pk)):
        if row.combinator and row.pk not in parents_with_children:
            problems.append(
                _("Criterium %(code)s heeft een samenstelling (EN/OF) maar geen onderdelen.") % {"code": row.code}
            )
        if not row.combinator and row.pk in parents_with_children:
            problems.append(
                _("Criterium %(code)s heeft onderdelen maar geen samenstelling (EN/OF).") % {"code": row.code}
            )
    if version.number > 1 and not version.change_note.strip():
        problems.append(_("Schrijf bij de toelichting wat er is gewijzigd en waarom."))
    return problems


@transaction.atomic
def criteria_version_publish(*, actor: Actor, version: CriteriaSetVersion) -> CriteriaSetVersion:
    """Take a draft into use: from now on new triages are judged on it. Earlier versions stay
    readable and every earlier triage keeps its version.

    Raises:
        ServiceError: the version is already published.
        ValidationError: the draft is empty, has an EN/OF without parts or parts without EN/OF,
            or (from version 2 on) has no change note.
    """
    _require_administrator(actor, version.criteria_set.house_id)
    locked = _lock_draft(version)
    problems = publish_problems(locked)
    if problems:
        raise ValidationError(problems)
    before = snapshot(locked, ("published_at", "created_by"))
    locked.published_at = timezone.now()
    locked.created_by = actor.user
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={
            **diff(before, snapshot(locked, ("published_at", "created_by"))),
            "criteria": [None, _codes(locked)],
        },
    )
    return locked


@transaction.atomic
def criteria_version_discard(*, actor: Actor, version: CriteriaSetVersion) -> None:
    """Throw away a draft version (never a published one)."""
    _require_administrator(actor, version.criteria_set.house_id)
    locked = _lock_draft(version)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=locked,
        changes={**diff(snapshot(locked, VERSION_FIELDS), {}), "criteria": [_codes(locked), None]},
    )
    locked.delete()

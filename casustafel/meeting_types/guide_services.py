"""Writes on discussion guides: installing the default guides, and editing a guide through a
draft version that is then published (published versions never change).

Administrators of the house (or the system actor: demo, commands) write them; each service
writes its audit event in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.guide_defaults import BOB, LEIDRAAD, GuideSpec
from casustafel.meeting_types.models import (
    Capture,
    DiscussionGuide,
    DiscussionGuideVersion,
    GuidePart,
    GuidePhase,
    GuideQuestion,
    MeetingType,
)
from casustafel.organisations.models import SafetyHouse, administered_houses

SEED_002_SOURCE = "De handen ineen! (Zorg- en Veiligheidshuis Haaglanden), Leidraad Gezamenlijke Analyse en Planvorming"


def _require_administrator(actor: Actor, house_id: int) -> None:
    if actor.user is None:
        return
    if not administered_houses(actor.user).filter(organisation__house=house_id).exists():
        raise PermissionDenied


def default_guide_spec(meeting_type: MeetingType) -> GuideSpec:
    """The three-phase leidraad for MDA++ (the meeting it was written for), BOB for the rest."""
    return LEIDRAAD if "mda" in meeting_type.name.lower() else BOB


def _build(version: DiscussionGuideVersion, spec: GuideSpec) -> None:
    for phase_position, phase_spec in enumerate(spec.phases):
        phase = GuidePhase.objects.create(
            version=version, safety_phase=phase_spec.safety_phase, title=phase_spec.title, position=phase_position
        )
        for part_position, part_spec in enumerate(phase_spec.parts):
            part = GuidePart.objects.create(
                phase=phase, kind=part_spec.kind, title=part_spec.title, intro=part_spec.intro, position=part_position
            )
            GuideQuestion.objects.bulk_create(
                GuideQuestion(
                    part=part,
                    text=question.text,
                    prompts=list(question.prompts),
                    captures=[Capture(value).value for value in question.captures],
                    position=position,
                )
                for position, question in enumerate(part_spec.questions)
            )


@transaction.atomic
def discussion_guide_install(*, actor: Actor, meeting_type: MeetingType, spec: GuideSpec) -> DiscussionGuide:
    """Give a meeting type its guide, with version 1 published. Idempotent: a meeting type that
    has a guide keeps it."""
    _require_administrator(actor, meeting_type.house_id)
    existing = DiscussionGuide.objects.filter(meeting_type=meeting_type).first()
    if existing is not None:
        return existing
    guide = DiscussionGuide.objects.create(meeting_type=meeting_type, name=spec.name, description=spec.description)
    version = DiscussionGuideVersion.objects.create(
        guide=guide,
        number=1,
        source=SEED_002_SOURCE if spec is LEIDRAAD else "",
        published_at=timezone.now(),
        created_by=actor.user,
    )
    _build(version, spec)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=guide,
        changes={"meeting_type": [None, meeting_type.pk], "name": [None, guide.name], "version": [None, 1]},
    )
    return guide


def discussion_guides_install_default(*, actor: Actor, house: SafetyHouse) -> list[DiscussionGuide]:
    """Every meeting type of the house without a guide gets its default one."""
    return [
        discussion_guide_install(actor=actor, meeting_type=meeting_type, spec=default_guide_spec(meeting_type))
        for meeting_type in MeetingType.objects.filter(house=house).order_by("pk")
    ]


def published_version(guide: DiscussionGuide) -> DiscussionGuideVersion | None:
    """The version meetings use now: the latest published one."""
    return guide.versions.filter(published_at__isnull=False).order_by("-number").first()


# --- Editing: draft, change, publish ----------------------------------------------------------


@transaction.atomic
def guide_version_draft(*, actor: Actor, guide: DiscussionGuide) -> DiscussionGuideVersion:
    """A draft copy of the published version to edit; the existing draft when there is one."""
    _require_administrator(actor, guide.meeting_type.house_id)
    draft = guide.versions.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    current = published_version(guide)
    if current is None:
        raise ServiceError(_("Deze gespreksleidraad heeft nog geen gepubliceerde versie."))
    draft = DiscussionGuideVersion.objects.create(
        guide=guide, number=current.number + 1, source=current.source, created_by=actor.user
    )
    for phase in current.phases.prefetch_related("parts__questions"):
        copy = GuidePhase.objects.create(
            version=draft, safety_phase=phase.safety_phase, title=phase.title, position=phase.position
        )
        for part in phase.parts.all():
            part_copy = GuidePart.objects.create(
                phase=copy, kind=part.kind, title=part.title, intro=part.intro, position=part.position
            )
            GuideQuestion.objects.bulk_create(
                GuideQuestion(
                    part=part_copy,
                    text=question.text,
                    prompts=question.prompts,
                    captures=question.captures,
                    position=question.position,
                )
                for question in part.questions.all()
            )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=draft,
        changes={"guide": [None, guide.pk], "number": [None, draft.number]},
    )
    return draft


def _draft_of(actor: Actor, question: GuideQuestion, expected_version: int | None) -> DiscussionGuideVersion:
    return _locked_draft(actor, question.part.phase.version, expected_version)


def _locked_draft(
    actor: Actor, version: DiscussionGuideVersion, expected_version: int | None
) -> DiscussionGuideVersion:
    _require_administrator(actor, version.guide.meeting_type.house_id)
    locked = lock_for_update(version, expected_version=expected_version)
    if not locked.is_draft:
        raise ServiceError(_("Een gepubliceerde versie verandert niet meer; maak eerst een nieuwe versie."))
    return locked


@transaction.atomic
def guide_question_update(
    *, actor: Actor, question: GuideQuestion, expected_version: int | None, text: str, prompts: list[str]
) -> GuideQuestion:
    """Change a question of a draft version and its sub-questions.

    Args:
        expected_version: the draft version's `version` the form was loaded with.

    Raises:
        ConflictError: someone else changed the draft in the meantime.
        ServiceError: the version is published.
        ValidationError: an empty question.
    """
    draft = _draft_of(actor, question, expected_version)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Vul de vraag in.")})
    before = snapshot(question, ("text", "prompts"))
    question.text = text
    question.prompts = [prompt.strip() for prompt in prompts if prompt.strip()]
    question.save(update_fields=["text", "prompts"])
    bump_version(draft)
    draft.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=question,
        changes=diff(before, snapshot(question, ("text", "prompts"))),
    )
    return question


def _text_change(
    actor: Actor,
    draft: DiscussionGuideVersion,
    obj: GuidePhase | GuidePart,
    values: dict[str, str],
    required: str,
    message: str,
) -> None:
    """Change the texts of a phase or part of a locked draft; the draft's version moves on, so
    a form loaded before this change is refused (ConflictError) instead of overwriting it."""
    cleaned = {name: value.strip() for name, value in values.items()}
    if not cleaned[required]:
        raise ValidationError({required: message})
    before = snapshot(obj, tuple(cleaned))
    for name, value in cleaned.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(cleaned))
    bump_version(draft)
    draft.save(update_fields=["version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=diff(before, snapshot(obj, tuple(cleaned))))


@transaction.atomic
def guide_phase_update(*, actor: Actor, phase: GuidePhase, expected_version: int | None, title: str) -> GuidePhase:
    """Rename a phase of a draft version (which safety phase it is stays).

    Raises:
        ConflictError: someone else changed the draft in the meantime.
        ServiceError: the version is published.
        ValidationError: an empty title.
    """
    draft = _locked_draft(actor, phase.version, expected_version)
    _text_change(actor, draft, phase, {"title": title}, "title", _("Geef de fase een titel."))
    return phase


@transaction.atomic
def guide_part_update(
    *, actor: Actor, part: GuidePart, expected_version: int | None, title: str, intro: str
) -> GuidePart:
    """Change the title and the explanation of a part of a draft version (its kind stays: the
    live meeting and the minutes hang on it).

    Raises:
        ConflictError: someone else changed the draft in the meantime.
        ServiceError: the version is published.
        ValidationError: an empty title.
    """
    draft = _locked_draft(actor, part.phase.version, expected_version)
    _text_change(actor, draft, part, {"title": title, "intro": intro}, "title", _("Geef het onderdeel een titel."))
    return part


@transaction.atomic
def guide_version_publish(
    *, actor: Actor, version: DiscussionGuideVersion, expected_version: int | None, change_note: str
) -> DiscussionGuideVersion:
    """Put a draft into use: meetings started from now on follow it; earlier discussions keep
    the version they were held on.

    Raises:
        ServiceError: already published.
        ValidationError: no change note.
    """
    _require_administrator(actor, version.guide.meeting_type.house_id)
    locked = lock_for_update(version, expected_version=expected_version)
    if not locked.is_draft:
        raise ServiceError(_("Deze versie is al gepubliceerd."))
    change_note = change_note.strip()
    if not change_note:
        raise ValidationError({"change_note": _("Schrijf op wat er in deze versie is veranderd.")})
    locked.change_note = change_note
    locked.published_at = timezone.now()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"published_at": [None, locked.published_at.isoformat()], "change_note": [None, change_note]},
    )
    return locked

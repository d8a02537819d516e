"""Writes of the live meeting: the discussion of an agenda item, field by field, and the
approval of the minutes.

Who records: the meeting's chair and minute-taker, while the minutes are not yet approved.
Every service writes its change and its audit event in one transaction; free text about the
household is audited as changed, never as what it says (`AUDIT_REDACTED_FIELDS`).

What outlives the meeting goes through the services of the app it belongs to, in the same
transaction as the link recording where it was made: facts of the picture through
`cases.services.information.case_fact_add` (with the provenance of the organisation that brings
them in), phase moves, bodemeisen and agreements through `plans.services`.

Concurrency: each answer, entry and score has its own `version`. Two people typing in different
fields never conflict; two saving the same field are told so (`ConflictError`, the second
person's text stays on their screen). No save touches a row it does not change, so a save costs
the same whatever the length of the agenda or the size of the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, diff_redacting, raw_values, snapshot
from casustafel.cases.models import CaseFact, CaseStatus, FactKind, Person
from casustafel.cases.services.information import case_fact_add
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.guide_services import published_version
from casustafel.meeting_types.models import DiscussionGuide, GuidePart, GuideQuestion
from casustafel.meetings.models import (
    SCORE_MAX,
    SCORE_MIN,
    AgendaItem,
    AgendaItemPart,
    Discussion,
    DiscussionAgreement,
    DiscussionAnswer,
    DiscussionEntry,
    DiscussionFact,
    DiscussionPhaseMove,
    DiscussionRequirement,
    EntryKind,
    IncidentMoment,
    Meeting,
    Minutes,
    PartSkip,
    RiskScope,
    RiskStability,
    SafetyScore,
    Term,
)
from casustafel.organisations.models import Organisation
from casustafel.plans.models import Agreement, AgreementKind, MinimumRequirement, PhaseMove
from casustafel.plans.services import agreement_create, minimum_requirement_create, phase_move
from casustafel.privacy.provenance.checks import ProvenanceData

TEXT_MAX_LENGTH = 5000
ENTRY_FIELDS = (
    "discussion",
    "part",
    "question",
    "kind",
    "text",
    "source",
    "organisation",
    "incident_moment",
    "occurred",
    "risk_stability",
    "risk_scope",
    "rank",
    "reason",
    "term",
)
SCORE_FIELDS = ("discussion", "part", "participant", "organisation", "score", "justification")
DISCUSSION_FIELDS = ("item", "guide_version", "current_part", "running_since", "used_seconds")


def is_recorder(user: User | None, meeting: Meeting) -> bool:
    """The chair and the minute-taker record the discussion."""
    return user is not None and user.pk in (meeting.chair_id, meeting.minute_taker_id)


def minutes_approved(meeting: Meeting) -> bool:
    """Whether the chair approved the minutes (no query when `minutes` was select_related)."""
    try:
        return meeting.minutes.approved_at is not None
    except Minutes.DoesNotExist:
        return False


def _require_recorder(actor: Actor, discussion: Discussion) -> AgendaItem:
    """The item, when the actor may record on it now.

    Raises:
        PermissionDenied: not the chair or minute-taker.
        ServiceError: the minutes are approved, or the case is no longer active.
    """
    item = discussion.item
    meeting = item.meeting
    if actor.user is not None and not is_recorder(actor.user, meeting):
        raise PermissionDenied
    # Asked of the database, not of a relation cached on `meeting`: the approval may be newer.
    if Minutes.objects.filter(meeting=meeting, approved_at__isnull=False).exists():
        raise ServiceError(_("Het verslag van dit overleg is goedgekeurd; de bespreking verandert niet meer."))
    if item.case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief; er kan niets meer bij."))
    return item


def _require_part(discussion: Discussion, part: AgendaItemPart) -> None:
    if part.item_id != discussion.item_id:
        raise ValidationError({"part": _("Kies een deel van dit agendapunt.")})


def _require_question(discussion: Discussion, question: GuideQuestion) -> None:
    if (
        discussion.guide_version_id is None
        or not GuideQuestion.objects.filter(pk=question.pk, part__phase__version=discussion.guide_version_id).exists()
    ):
        raise ValidationError({"question": _("Deze vraag hoort niet bij de gespreksleidraad van deze bespreking.")})


def _text_error(value: str, empty: str) -> str | None:
    if not value.strip():
        return empty
    if len(value) > TEXT_MAX_LENGTH:
        return _("Houd het korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX_LENGTH}
    return None


def _raise(errors: dict[str, str | None]) -> None:
    found = {name: message for name, message in errors.items() if message}
    if found:
        raise ValidationError(found)


def _audit(actor: Actor, action: AuditAction, obj: Any, case_id: int, changes: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=obj, case_id=case_id, changes=changes)


# --- The discussion itself ----------------------------------------------------------------------


@transaction.atomic
def discussion_open(*, actor: Actor, item: AgendaItem) -> Discussion:
    """The discussion of the item, created on first use with the guide version in use now and
    the item's first part as the current one. Idempotent."""
    existing = Discussion.objects.filter(item=item).first()
    if existing is not None:
        return existing
    if actor.user is not None and not is_recorder(actor.user, item.meeting):
        raise PermissionDenied
    guide = DiscussionGuide.objects.filter(meeting_type=item.meeting.meeting_type_id).first()
    discussion = Discussion.objects.create(
        item=item,
        guide_version=published_version(guide) if guide else None,
        current_part=item.parts.order_by("position", "pk").first(),
    )
    _audit(actor, AuditAction.CREATE, discussion, item.case_id, diff({}, snapshot(discussion, DISCUSSION_FIELDS)))
    return discussion


def elapsed_seconds(discussion: Discussion, now: dt.datetime | None = None) -> int:
    """Time used on the item so far, the current run included."""
    running = 0
    if discussion.running_since is not None:
        running = int(((now or timezone.now()) - discussion.running_since).total_seconds())
    return discussion.used_seconds + max(0, running)


@transaction.atomic
def discussion_timer(*, actor: Actor, discussion: Discussion, run: bool, at: dt.datetime | None = None) -> Discussion:
    """Start or stop the item's timer. Starting one item stops any other running item of the
    same meeting: the table discusses one case at a time."""
    item = _require_recorder(actor, discussion)
    moment = at or timezone.now()
    locked = lock_for_update(discussion, expected_version=None)
    if run:
        for other in (
            Discussion.objects.select_for_update()
            .filter(item__meeting=item.meeting_id, running_since__isnull=False)
            .exclude(pk=locked.pk)
        ):
            _stop(actor, other, moment, other.item.case_id)
        if locked.running_since is None:
            before = snapshot(locked, DISCUSSION_FIELDS)
            locked.running_since = moment
            locked.first_started_at = locked.first_started_at or moment
            bump_version(locked)
            locked.save()
            _audit(actor, AuditAction.UPDATE, locked, item.case_id, diff(before, snapshot(locked, DISCUSSION_FIELDS)))
    elif locked.running_since is not None:
        _stop(actor, locked, moment, item.case_id)
    return locked


def _stop(actor: Actor, discussion: Discussion, moment: dt.datetime, case_id: int) -> None:
    before = snapshot(discussion, DISCUSSION_FIELDS)
    discussion.used_seconds = elapsed_seconds(discussion, moment)
    discussion.running_since = None
    bump_version(discussion)
    discussion.save()
    _audit(actor, AuditAction.UPDATE, discussion, case_id, diff(before, snapshot(discussion, DISCUSSION_FIELDS)))


@transaction.atomic
def discussion_part_select(*, actor: Actor, discussion: Discussion, part: AgendaItemPart) -> Discussion:
    """Say which part of a split item is being discussed now: what is recorded from here on
    belongs to that part (and is read in the minutes by that part's attendees)."""
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    locked = lock_for_update(discussion, expected_version=None)
    if locked.current_part_id != part.pk:
        before = snapshot(locked, DISCUSSION_FIELDS)
        locked.current_part = part
        bump_version(locked)
        locked.save()
        _audit(actor, AuditAction.UPDATE, locked, item.case_id, diff(before, snapshot(locked, DISCUSSION_FIELDS)))
    return locked


@transaction.atomic
def part_skip(*, actor: Actor, discussion: Discussion, guide_part: GuidePart, skipped: bool = True) -> None:
    """The chair skips a part of the guide (or takes it up again). Skipped parts stay in the
    minutes as skipped."""
    item = _require_recorder(actor, discussion)
    if actor.user is not None and actor.user.pk != item.meeting.chair_id:
        raise PermissionDenied  # skipping is the chair's call, not the minute-taker's
    if guide_part.phase.version_id != discussion.guide_version_id:
        raise ValidationError(
            {"guide_part": _("Dit onderdeel hoort niet bij de gespreksleidraad van deze bespreking.")}
        )
    existing = PartSkip.objects.filter(discussion=discussion, guide_part=guide_part).first()
    if skipped and existing is None:
        skip = PartSkip.objects.create(
            discussion=discussion, guide_part=guide_part, skipped_by=actor.user or item.meeting.chair
        )
        _audit(actor, AuditAction.CREATE, skip, item.case_id, {"guide_part": [None, guide_part.pk]})
    elif not skipped and existing is not None:
        _audit(actor, AuditAction.DELETE, existing, item.case_id, {"guide_part": [guide_part.pk, None]})
        existing.delete()


# --- Answers ----------------------------------------------------------------------------------


@transaction.atomic
def answer_save(
    *,
    actor: Actor,
    discussion: Discussion,
    part: AgendaItemPart,
    question: GuideQuestion,
    text: str,
    expected_version: int | None,
) -> DiscussionAnswer:
    """Save the answer to one question, as typed (field-level save).

    Args:
        expected_version: the answer's version the field was loaded with; None when the field
            was empty on screen (no answer yet).

    Raises:
        ConflictError: someone else saved this answer since (also when they created it while
            this screen still showed it empty). Nothing is saved; the caller keeps the text.
    """
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    _require_question(discussion, question)
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({"text": _("Houd het korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX_LENGTH}})
    # Read and lock in one query: the version check below must see the row nobody else can
    # change before this transaction ends.
    answer = (
        DiscussionAnswer.objects.select_for_update().filter(discussion=discussion, part=part, question=question).first()
    )
    if answer is None:
        if expected_version is not None:
            raise ConflictError(_("Dit antwoord is intussen gewist of verplaatst. Uw tekst staat nog hieronder."))
        answer = DiscussionAnswer(
            discussion=discussion, part=part, question=question, text=text, updated_by=actor.user or item.meeting.chair
        )
        answer.save()
        _audit(
            actor,
            AuditAction.CREATE,
            answer,
            item.case_id,
            {"question": [None, question.pk], "text": [None, "[afgeschermd]"]},
        )
        return answer
    if expected_version != answer.version:
        raise ConflictError(_conflict_message())
    if answer.text == text:
        return answer
    before = raw_values(answer, ("text",))
    answer.text = text
    answer.updated_by_id = actor.user.pk if actor.user else item.meeting.chair_id
    bump_version(answer)
    answer.save(update_fields=["text", "updated_by", "version", "updated_at"])
    _audit(actor, AuditAction.UPDATE, answer, item.case_id, diff_redacting(before, answer, ("text",)))
    return answer


def _conflict_message() -> str:
    return _(
        "Iemand anders heeft dit veld intussen opgeslagen. Uw tekst is niet opgeslagen en staat nog in het veld; "
        "de andere versie staat eronder. Neem over wat nodig is en sla opnieuw op."
    )


# --- Structured entries -------------------------------------------------------------------------


def _entry_errors(discussion: Discussion, part: AgendaItemPart, values: dict[str, Any]) -> dict[str, str | None]:
    kind = values["kind"]
    errors: dict[str, str | None] = {"text": _text_error(values["text"], _("Vul de omschrijving in."))}
    if kind == EntryKind.CONCERN and not values["source"]:
        errors["source"] = _("Waar rust de zorg op? Vul de bron in (waarneming, melding, vermoeden).")
    if kind == EntryKind.INCIDENT:
        if values["incident_moment"] not in IncidentMoment.values:
            errors["incident_moment"] = _("Kies het eerste, ergste of laatste incident.")
        elif DiscussionEntry.objects.filter(
            discussion=discussion, part=part, kind=EntryKind.INCIDENT, incident_moment=values["incident_moment"]
        ).exists():
            errors["incident_moment"] = _("Het %(moment)s incident is al vastgelegd.") % {
                "moment": str(IncidentMoment(values["incident_moment"]).label).lower()
            }
    if kind == EntryKind.RISK:
        if values["risk_stability"] not in RiskStability.values:
            errors["risk_stability"] = _("Kies statisch of dynamisch.")
        if values["risk_scope"] not in RiskScope.values:
            errors["risk_scope"] = _("Kies individueel of systemisch.")
        rank = values["rank"]
        if rank is not None and not 1 <= rank <= 3:
            errors["rank"] = _("Een top-3-risico heeft plaats 1, 2 of 3.")
        elif (
            rank is not None
            and DiscussionEntry.objects.filter(discussion=discussion, kind=EntryKind.RISK, rank=rank).exists()
        ):
            errors["rank"] = _("Plaats %(rank)s van de top 3 is al bezet.") % {"rank": rank}
    if kind == EntryKind.PRIORITY:
        errors["reason"] = _text_error(values["reason"], _("Schrijf op waarom dit voorrang heeft."))
    if kind in (EntryKind.PRIORITY, EntryKind.INTERVENTION) and values["term"] not in Term.values:
        errors["term"] = _("Kies korte of lange termijn.")
    organisation = values["organisation"]
    if organisation is not None and organisation.house_id != discussion.item.case.house_id:
        errors["organisation"] = _("Kies een organisatie van dit Zorg- en Veiligheidshuis.")
    return errors


@transaction.atomic
def entry_add(
    *,
    actor: Actor,
    discussion: Discussion,
    part: AgendaItemPart,
    kind: EntryKind | str,
    text: str,
    question: GuideQuestion | None = None,
    source: str = "",
    organisation: Organisation | None = None,
    incident_moment: str = "",
    occurred: str = "",
    risk_stability: str = "",
    risk_scope: str = "",
    rank: int | None = None,
    reason: str = "",
    term: str = "",
) -> DiscussionEntry:
    """Add a concern, strength, need, incident, risk factor, brainstorm idea, priority or
    intervention (see `DiscussionEntry` for the fields each kind uses).

    Raises:
        ValidationError: per field, in Dutch: no text, a concern without source, an incident
            moment already recorded, a risk without its classification or with a taken top-3
            place, a priority without reason or term.
    """
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Kies wat u vastlegt.")})
    if question is not None:
        _require_question(discussion, question)
    values: dict[str, Any] = {
        "kind": kind,
        "text": text.strip(),
        "source": source.strip() if kind == EntryKind.CONCERN else "",
        "organisation": organisation if kind in (EntryKind.IDEA, EntryKind.INTERVENTION) else None,
        "incident_moment": incident_moment if kind == EntryKind.INCIDENT else "",
        "occurred": occurred.strip() if kind == EntryKind.INCIDENT else "",
        "risk_stability": risk_stability if kind == EntryKind.RISK else "",
        "risk_scope": risk_scope if kind == EntryKind.RISK else "",
        "rank": rank if kind in (EntryKind.RISK, EntryKind.PRIORITY) else None,
        "reason": reason.strip() if kind == EntryKind.PRIORITY else "",
        "term": term if kind in (EntryKind.PRIORITY, EntryKind.INTERVENTION) else "",
    }
    _raise(_entry_errors(discussion, part, values))
    entry = DiscussionEntry(
        discussion=discussion, part=part, question=question, created_by=actor.user or item.meeting.chair, **values
    )
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, item.case_id, diff({}, snapshot(entry, ENTRY_FIELDS)))
    return entry


@transaction.atomic
def entry_remove(*, actor: Actor, entry: DiscussionEntry, expected_version: int | None) -> None:
    """Take back an entry typed by mistake (before the minutes are approved).

    Raises:
        ConflictError: someone else changed it in the meantime.
    """
    item = _require_recorder(actor, entry.discussion)
    locked = lock_for_update(entry, expected_version=expected_version)
    _audit(actor, AuditAction.DELETE, locked, item.case_id, diff(snapshot(locked, ENTRY_FIELDS), {}))
    locked.delete()


# --- Scores ------------------------------------------------------------------------------------


@transaction.atomic
def score_record(
    *,
    actor: Actor,
    discussion: Discussion,
    part: AgendaItemPart,
    participant: str,
    score: int | None,
    justification: str,
    organisation: Organisation | None = None,
    expected_version: int | None = None,
) -> SafetyScore:
    """Record one participant's answer to the scaling question; a participant scored before
    in this part gets their score changed (with a version check).

    Raises:
        ValidationError: a score outside 0-10, no participant, no justification.
        ConflictError: someone else changed this participant's score in the meantime.
    """
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    participant, justification = participant.strip(), justification.strip()
    score_error = None
    if score is None or not SCORE_MIN <= score <= SCORE_MAX:
        score_error = _("Geef een cijfer van %(min)s tot en met %(max)s.") % {"min": SCORE_MIN, "max": SCORE_MAX}
    _raise(
        {
            "participant": None if participant else _("Vul in van wie dit cijfer is."),
            "score": score_error,
            "justification": _text_error(justification, _("Wat is de onderbouwing voor het cijfer?")),
        }
    )
    assert score is not None  # refused above otherwise
    existing = SafetyScore.objects.filter(discussion=discussion, part=part, participant__iexact=participant).first()
    if existing is None:
        record = SafetyScore(
            discussion=discussion,
            part=part,
            participant=participant,
            organisation=organisation,
            score=score,
            justification=justification,
            recorded_by=actor.user or item.meeting.chair,
        )
        record.full_clean()
        record.save()
        _audit(actor, AuditAction.CREATE, record, item.case_id, diff({}, snapshot(record, SCORE_FIELDS)))
        return record
    if expected_version is None:
        raise ConflictError(
            _("%(participant)s heeft al een cijfer in deze bespreking. Pas dat cijfer aan in de lijst.")
            % {"participant": participant}
        )
    locked = lock_for_update(existing, expected_version=expected_version)
    before = raw_values(locked, SCORE_FIELDS)
    locked.score, locked.justification, locked.organisation = score, justification, organisation
    changes = diff_redacting(before, locked, SCORE_FIELDS)
    if changes:
        bump_version(locked)
        locked.full_clean()
        locked.save()
        _audit(actor, AuditAction.UPDATE, locked, item.case_id, changes)
    return locked


# --- What outlives the meeting ------------------------------------------------------------------


@transaction.atomic
def picture_fact_add(
    *,
    actor: Actor,
    discussion: Discussion,
    part: AgendaItemPart,
    organisation: Organisation,
    text: str,
    source: str,
    provenance: ProvenanceData,
    person: Person | None = None,
    kind: FactKind | str = FactKind.FACT,
) -> CaseFact:
    """A fact of the picture, as brought in by an organisation at the table: stored as a
    `CaseFact` of that organisation (provenance and the covenant check for its sector) and
    linked to this discussion with the source it rests on.

    Raises:
        ValidationError: per field, from `case_fact_add`, and a missing source.
    """
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("Vul de bron in: waar komt deze informatie vandaan?")})
    fact = case_fact_add(
        actor=actor,
        case=item.case,
        text=text,
        provenance=provenance,
        kind=kind,
        person=person,
        contributor=organisation,
    )
    link = DiscussionFact.objects.create(discussion=discussion, part=part, fact=fact, source=source)
    _audit(actor, AuditAction.CREATE, link, item.case_id, {"fact": [None, fact.pk], "source": [None, "[afgeschermd]"]})
    return fact


@transaction.atomic
def discussion_phase_move(
    *, actor: Actor, discussion: Discussion, part: AgendaItemPart, to_phase: str, reason: str
) -> PhaseMove:
    """Move the case to another safety phase in the meeting (forward or back, with reason)."""
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    move = phase_move(actor=actor, case=item.case, to_phase=to_phase, reason=reason)
    link = DiscussionPhaseMove.objects.create(discussion=discussion, part=part, phase_move=move)
    _audit(actor, AuditAction.CREATE, link, item.case_id, {"phase_move": [None, move.pk]})
    return move


@transaction.atomic
def discussion_requirement_add(
    *,
    actor: Actor,
    discussion: Discussion,
    part: AgendaItemPart,
    what: str,
    monitor: Organisation | None,
    if_not_met: str,
) -> MinimumRequirement:
    """Set a bodemeis in the meeting: what, who monitors it, what if it is not met."""
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    requirement = minimum_requirement_create(
        actor=actor, case=item.case, what=what, monitor=monitor, if_not_met=if_not_met
    )
    link = DiscussionRequirement.objects.create(discussion=discussion, part=part, requirement=requirement)
    _audit(actor, AuditAction.CREATE, link, item.case_id, {"requirement": [None, requirement.pk]})
    return requirement


@transaction.atomic
def discussion_agreement_add(
    *,
    actor: Actor,
    discussion: Discussion,
    part: AgendaItemPart,
    organisation: Organisation | None,
    owner: User | None,
    what: str,
    due_date: dt.date | None,
    kind: AgreementKind | str,
    justification: str,
    due_time: dt.time | None = None,
) -> Agreement:
    """Make an agreement in the meeting (who, what, by when, kind, justification)."""
    item = _require_recorder(actor, discussion)
    _require_part(discussion, part)
    agreement = agreement_create(
        actor=actor,
        case=item.case,
        organisation=organisation,
        owner=owner,
        what=what,
        due_date=due_date,
        due_time=due_time,
        kind=kind,
        justification=justification,
    )
    link = DiscussionAgreement.objects.create(discussion=discussion, part=part, agreement=agreement)
    _audit(actor, AuditAction.CREATE, link, item.case_id, {"agreement": [None, agreement.pk]})
    return agreement


# --- Minutes ------------------------------------------------------------------------------------


@transaction.atomic
def minutes_approve(*, actor: Actor, meeting: Meeting) -> Minutes:
    """The chair approves the minutes: from now on the discussions of the meeting are fixed,
    and the minutes are announced in-app to everyone who may read a part of them (see
    `selectors.minutes_readers`).

    Raises:
        PermissionDenied: not the chair.
        ServiceError: already approved, nothing discussed, or an item's timer still running.
    """
    from casustafel.meetings.discussion.notices import minutes_ready_notify
    from casustafel.meetings.discussion.selectors import minutes_readers

    if actor.user is not None and actor.user.pk != meeting.chair_id:
        raise PermissionDenied
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    locked = lock_for_update(minutes, expected_version=None)
    if locked.approved_at is not None:
        raise ServiceError(_("Dit verslag is al goedgekeurd."))
    discussions = Discussion.objects.filter(item__meeting=meeting)
    if not discussions.exists():
        raise ServiceError(_("Er is nog niets besproken; er is geen verslag om goed te keuren."))
    if discussions.filter(running_since__isnull=False).exists():
        raise ServiceError(_("Er loopt nog een bespreking. Stop eerst de tijd van het agendapunt."))
    locked.approved_at = timezone.now()
    locked.approved_by = actor.user or meeting.chair
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"approved_at": [None, locked.approved_at.isoformat()], "approved_by": [None, locked.approved_by_id]},
    )
    minutes_ready_notify(actor=actor, meeting=meeting, readers=minutes_readers(meeting))
    return locked

"""The live meeting's services: who records, field-level saves with version checks, entries,
scores 0-10, facts with provenance, phase moves, bodemeisen and agreements linked to the
discussion, skipped parts, the timer, and approving the minutes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import REDACTED
from casustafel.cases.models import CaseFact
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import Capture, GuidePart, GuideQuestion, PartKind, SafetyPhase
from casustafel.meetings.discussion import services
from casustafel.meetings.models import (
    DiscussionAgreement,
    DiscussionEntry,
    EntryKind,
    IncidentMoment,
    Minutes,
    RiskScope,
    RiskStability,
    Term,
)
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.plans.models import AgreementKind, PhaseDirection
from casustafel.plans.selectors import current_phase
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.testing.discussions import meeting_setting
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas):
    return meeting_setting(personas)


@pytest.fixture
def discussion(personas, setting):
    return setting.discussion(personas)


@pytest.fixture
def secretary(personas):
    return actor_for(personas, "secretary")


@pytest.fixture
def chair(personas):
    return actor_for(personas, "process_director")


def question_with(discussion, capture, phase=SafetyPhase.DIRECT_SAFETY):
    return next(
        q
        for q in GuideQuestion.objects.filter(
            part__phase__version=discussion.guide_version, part__phase__safety_phase=phase
        ).order_by("part__position", "position")
        if capture in q.captures
    )


def test_opening_an_item_creates_its_discussion_on_the_guide_in_use(personas, setting, discussion):
    assert discussion.guide_version.number == 1
    assert discussion.current_part == setting.part_1
    assert services.discussion_open(actor=actor_for(personas, "process_director"), item=setting.item_1) == discussion
    with pytest.raises(PermissionDenied):
        services.discussion_open(actor=actor_for(personas, "professional_a"), item=setting.item_2)


def test_only_the_chair_and_minute_taker_record(personas, setting, discussion):
    question = question_with(discussion, Capture.SCORES)
    for name in ("professional_a", "professional_b", "house_manager"):
        with pytest.raises(PermissionDenied):
            services.answer_save(
                actor=actor_for(personas, name),
                discussion=discussion,
                part=setting.part_1,
                question=question,
                text="x",
                expected_version=None,
            )


def test_answers_are_saved_field_by_field_and_a_stale_save_never_overwrites(
    personas, setting, discussion, secretary, chair
):
    question = question_with(discussion, Capture.SCORES)
    first = services.answer_save(
        actor=secretary,
        discussion=discussion,
        part=setting.part_1,
        question=question,
        text="Zorgen",
        expected_version=None,
    )
    assert first.version == 1
    typed = services.answer_save(
        actor=secretary,
        discussion=discussion,
        part=setting.part_1,
        question=question,
        text="Zorgen om de kinderen",
        expected_version=1,
    )
    assert typed.version == 2
    # The chair's screen still had version 1 (or an empty field): refused, nothing saved.
    with pytest.raises(ConflictError):
        services.answer_save(
            actor=chair,
            discussion=discussion,
            part=setting.part_1,
            question=question,
            text="Anders",
            expected_version=1,
        )
    with pytest.raises(ConflictError):
        services.answer_save(
            actor=chair,
            discussion=discussion,
            part=setting.part_1,
            question=question,
            text="Nieuw",
            expected_version=None,
        )
    typed.refresh_from_db()
    assert typed.text == "Zorgen om de kinderen"
    # A different field of the same discussion saves independently.
    other = question_with(discussion, Capture.CONCERNS)
    services.answer_save(
        actor=chair,
        discussion=discussion,
        part=setting.part_1,
        question=other,
        text="Moeder is bang",
        expected_version=None,
    )
    event = AuditEvent.objects.filter(object_type="meetings.discussionanswer", action=AuditAction.UPDATE).get()
    assert event.changes == {"text": [REDACTED, REDACTED]}
    assert event.case_id == setting.case_a.pk


def test_a_question_of_another_guide_or_a_part_of_another_item_is_refused(personas, setting, discussion, secretary):
    foreign = setting.item_2.parts.get()
    question = question_with(discussion, Capture.SCORES)
    with pytest.raises(ValidationError):
        services.answer_save(
            actor=secretary, discussion=discussion, part=foreign, question=question, text="x", expected_version=None
        )


def test_scores_are_0_to_10_with_a_justification_and_one_per_participant(personas, setting, discussion, secretary):
    record = {"actor": secretary, "discussion": discussion, "part": setting.part_1}
    for wrong in (-1, 11, None):
        with pytest.raises(ValidationError) as refused:
            services.score_record(**record, participant="Politie", score=wrong, justification="Onderbouwd")
        assert refused.value.message_dict["score"] == ["Geef een cijfer van 0 tot en met 10."]
    with pytest.raises(ValidationError) as empty:
        services.score_record(**record, participant=" ", score=4, justification="")
    assert set(empty.value.message_dict) == {"participant", "justification"}
    zero = services.score_record(**record, participant="Moeder", score=0, justification="Voelt zich niet veilig")
    ten = services.score_record(
        **record, participant="Veilig Thuis", organisation=personas.org_a, score=10, justification="Plan werkt"
    )
    assert (zero.score, ten.score) == (0, 10)
    with pytest.raises(ConflictError):
        services.score_record(**record, participant="moeder", score=3, justification="Opnieuw")
    changed = services.score_record(
        **record, participant="Moeder", score=3, justification="Na het gesprek", expected_version=1
    )
    assert (changed.score, changed.version) == (3, 2)


def test_entries_keep_brainstorm_apart_and_check_each_kind(personas, setting, discussion, secretary):
    add = {"actor": secretary, "discussion": discussion, "part": setting.part_1}
    with pytest.raises(ValidationError) as concern:
        services.entry_add(**add, kind=EntryKind.CONCERN, text="Kinderen zijn bang")
    assert "source" in concern.value.message_dict
    services.entry_add(**add, kind=EntryKind.CONCERN, text="Kinderen zijn bang", source="School, gesprek mentor")
    services.entry_add(
        **add, kind=EntryKind.INCIDENT, incident_moment=IncidentMoment.WORST, occurred="mei 2025", text="Mishandeling"
    )
    with pytest.raises(ValidationError) as twice:
        services.entry_add(**add, kind=EntryKind.INCIDENT, incident_moment=IncidentMoment.WORST, text="Ander")
    assert twice.value.message_dict["incident_moment"] == ["Het ergste incident is al vastgelegd."]
    with pytest.raises(ValidationError) as risk:
        services.entry_add(**add, kind=EntryKind.RISK, text="Alcohol", rank=4)
    assert set(risk.value.message_dict) == {"risk_stability", "risk_scope", "rank"}
    services.entry_add(
        **add,
        kind=EntryKind.RISK,
        text="Alcoholgebruik vader",
        risk_stability=RiskStability.DYNAMIC,
        risk_scope=RiskScope.INDIVIDUAL,
        rank=1,
    )
    with pytest.raises(ValidationError) as taken:
        services.entry_add(
            **add,
            kind=EntryKind.RISK,
            text="Schulden",
            risk_stability=RiskStability.DYNAMIC,
            risk_scope=RiskScope.SYSTEMIC,
            rank=1,
        )
    assert taken.value.message_dict == {"rank": ["Plaats 1 van de top 3 is al bezet."]}
    services.entry_add(**add, kind=EntryKind.IDEA, text="Buurtsportcoach voor zoon", organisation=personas.org_a)
    with pytest.raises(ValidationError) as priority:
        services.entry_add(**add, kind=EntryKind.PRIORITY, text="Veiligheidsplan")
    assert set(priority.value.message_dict) == {"reason", "term"}
    services.entry_add(
        **add, kind=EntryKind.PRIORITY, text="Veiligheidsplan", reason="Eerst veiligheid", term=Term.SHORT, rank=1
    )
    kinds = list(DiscussionEntry.objects.filter(discussion=discussion).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["concern", "incident", "risk", "idea", "priority"])
    entry = DiscussionEntry.objects.get(kind=EntryKind.IDEA)
    services.entry_remove(actor=secretary, entry=entry, expected_version=1)
    assert not DiscussionEntry.objects.filter(kind=EntryKind.IDEA).exists()


def test_facts_keep_the_provenance_of_the_organisation_that_brings_them_in(personas, setting, discussion, secretary):
    provenance = ProvenanceData(
        category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN
    )
    with pytest.raises(ValidationError) as no_source:
        services.picture_fact_add(
            actor=secretary,
            discussion=discussion,
            part=setting.part_1,
            organisation=personas.org_a,
            text="x",
            source="",
            provenance=provenance,
        )
    assert "source" in no_source.value.message_dict
    fact = services.picture_fact_add(
        actor=secretary,
        discussion=discussion,
        part=setting.part_1,
        organisation=personas.org_a,
        text="Moeder heeft een veiligheidsplan opgesteld.",
        source="Huisbezoek 2 december",
        provenance=provenance,
    )
    assert (fact.organisation, fact.added_by) == (personas.org_a, personas.secretary)
    assert fact.discussion_link.source == "Huisbezoek 2 december"
    assert CaseFact.objects.filter(case=setting.case_a).count() == 1


def test_phase_moves_bodemeisen_and_agreements_outlive_the_meeting_and_record_where_they_were_made(
    personas, setting, discussion, secretary
):
    add = {"actor": secretary, "discussion": discussion, "part": setting.part_1}
    services.discussion_phase_move(**add, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Start")
    services.discussion_phase_move(**add, to_phase=SafetyPhase.RISK_REDUCTION, reason="Geen acute zorgen")
    back = services.discussion_phase_move(**add, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Nieuw incident")
    assert back.direction == PhaseDirection.BACKWARD
    assert current_phase(setting.case_a) == SafetyPhase.DIRECT_SAFETY
    requirement = services.discussion_requirement_add(
        **add,
        what="Vader komt niet in de woning",
        monitor=personas.org_a,
        if_not_met="Veilig Thuis schakelt de politie in",
    )
    assert requirement.discussion_link.discussion == discussion
    agreement = services.discussion_agreement_add(
        **add,
        organisation=personas.org_a,
        owner=personas.professional_a,
        what="Veiligheidsplan met moeder bespreken",
        due_date=timezone.localdate() + dt.timedelta(days=3),
        due_time=dt.time(12, 0),
        kind=AgreementKind.HOUSEHOLD_ACTION,
        justification="Moeder vraagt erom",
    )
    assert DiscussionAgreement.objects.get(agreement=agreement).part == setting.part_1
    with pytest.raises(ValidationError):
        services.discussion_agreement_add(
            **add, organisation=personas.org_a, owner=None, what="x", due_date=None, kind="", justification=""
        )
    assert DiscussionAgreement.objects.count() == 1


def test_only_the_chair_skips_a_part_and_it_stays_visible_as_skipped(personas, setting, discussion, chair, secretary):
    part = GuidePart.objects.get(
        phase__version=discussion.guide_version, phase__safety_phase="direct_safety", kind=PartKind.BEFORE_HAND
    )
    with pytest.raises(PermissionDenied):
        services.part_skip(actor=secretary, discussion=discussion, guide_part=part)
    services.part_skip(actor=chair, discussion=discussion, guide_part=part)
    assert discussion.skips.get().guide_part == part
    services.part_skip(actor=chair, discussion=discussion, guide_part=part, skipped=False)
    assert not discussion.skips.exists()


def test_the_timer_counts_time_used_and_runs_one_item_at_a_time(personas, setting, discussion, chair):
    start = timezone.now() - dt.timedelta(minutes=12)
    services.discussion_timer(actor=chair, discussion=discussion, run=True, at=start)
    other = setting.discussion(personas, setting.item_2)
    other = services.discussion_timer(actor=chair, discussion=other, run=True, at=start + dt.timedelta(minutes=10))
    discussion.refresh_from_db()
    assert discussion.running_since is None
    assert discussion.used_seconds == 600
    assert services.elapsed_seconds(other) >= 120


def test_approving_the_minutes_fixes_the_discussion_and_notifies_the_readers(
    personas, setting, discussion, chair, secretary
):
    question = question_with(discussion, Capture.SCORES)
    services.answer_save(
        actor=secretary, discussion=discussion, part=setting.part_1, question=question, text="6", expected_version=None
    )
    with pytest.raises(PermissionDenied):
        services.minutes_approve(actor=secretary, meeting=setting.meeting)
    services.discussion_timer(actor=chair, discussion=discussion, run=True)
    with pytest.raises(ServiceError):
        services.minutes_approve(actor=chair, meeting=setting.meeting)
    services.discussion_timer(actor=chair, discussion=discussion, run=False)
    minutes = services.minutes_approve(actor=chair, meeting=setting.meeting)
    assert minutes.approved_by == personas.process_director
    with pytest.raises(ServiceError):
        services.answer_save(
            actor=secretary, discussion=discussion, part=setting.part_1, question=question, text="7", expected_version=1
        )
    with pytest.raises(ServiceError):
        services.minutes_approve(actor=chair, meeting=setting.meeting)
    ready = Notification.objects.filter(kind=NotificationKind.MINUTES_READY)
    # Whoever the invitations went to (professional_a is org_a's contact in the case), chair,
    # minute-taker.
    assert set(ready.values_list("recipient__email", flat=True)) == {
        "process_director@example.org",
        "secretary@example.org",
        "professional_a@example.org",
        "professional_b@example.org",
    }
    assert Minutes.objects.get().approved_at is not None
    assert all(n.url == f"/overleggen/{setting.meeting.pk}/verslag/" for n in ready)

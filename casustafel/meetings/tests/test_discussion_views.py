"""The live screen and the minutes over HTTP: who gets in, htmx field saves (and the conflict
message that keeps the typed text), blocks with Dutch errors, one audit read per opened item,
bounded queries, minutes per invitee, and the tagged PDF."""

from __future__ import annotations

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pypdf
import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.meeting_types.models import Capture, GuideQuestion, SafetyPhase
from casustafel.meetings.discussion import services
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemPart,
    Attendance,
    AttendanceStatus,
    DiscussionAnswer,
    SafetyScore,
)
from casustafel.plans.models import Agreement
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.testing.cases import CaseFactory
from casustafel.testing.discussions import meeting_setting
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def question_with(discussion, capture):
    return next(
        q
        for q in GuideQuestion.objects.filter(
            part__phase__version=discussion.guide_version, part__phase__safety_phase=SafetyPhase.DIRECT_SAFETY
        ).order_by("part__position", "position")
        if capture in q.captures
    )


@pytest.fixture
def setting(personas):
    return meeting_setting(personas)


def live_url(setting, item=None):
    item = item or setting.item_1
    return reverse("meetings:live_item", args=[setting.meeting.pk, item.pk])


def test_the_chair_and_minute_taker_open_the_item_and_others_do_not(personas, setting):
    expected = {
        "process_director": 200,
        "secretary": 200,
        "professional_a": 404,
        "professional_b": 404,
        "house_manager": 404,
        "board_member": 404,
        "outsider_house": 404,
        "anonymous": 302,
    }
    actual = {name: personas.client(name).get(live_url(setting)).status_code for name in expected}
    assert actual == expected


def test_opening_an_item_writes_one_audit_read_of_its_case(personas, setting):
    client = personas.client("secretary")
    before = AuditEvent.objects.filter(action=AuditAction.READ).count()
    response = client.get(live_url(setting))
    assert response.status_code == 200
    reads = AuditEvent.objects.filter(action=AuditAction.READ).order_by("sequence")[before:]
    assert [(e.case_id, e.object_type) for e in reads] == [(setting.case_a.pk, "cases.case")]
    page = response.content.decode()
    assert "Op een schaal van 1-10 hoe bezorgd ben je over de directe veiligheid van de betrokkenen?" in page
    assert "Vooraf" in page and "Besluitvorming" in page


def _answer(client, setting, question, text, version="", **extra):
    url = reverse("meetings:live_answer", args=[setting.meeting.pk, setting.item_1.pk, question.pk])
    data = {f"a{question.pk}-text": text, f"a{question.pk}-version": version, **extra}
    return client.post(url, data, **HTMX)


def test_an_answer_saves_as_typed_and_a_second_writer_gets_a_dutch_conflict(personas, setting):
    secretary, chair = personas.client("secretary"), personas.client("process_director")
    secretary.get(live_url(setting))
    discussion = setting.item_1.discussion
    question = question_with(discussion, Capture.SCORES)
    saved = _answer(secretary, setting, question, "Zorgen om de jongste")
    assert saved.status_code == 200
    assert "Opgeslagen om" in saved.content.decode()
    assert f'id="answer-version-{question.pk}" value="1" hx-swap-oob="true"' in saved.content.decode()
    conflict = _answer(chair, setting, question, "Mijn eigen tekst", version="")
    body = conflict.content.decode()
    assert conflict.status_code == 200
    assert "Iemand anders heeft dit veld intussen opgeslagen" in body
    assert "Zorgen om de jongste" in body  # the other version is shown next to the kept text
    assert 'name="conflict_version" value="1"' in body
    assert DiscussionAnswer.objects.get().text == "Zorgen om de jongste"
    # Saving on purpose after reading the other version takes over the field.
    resolved = _answer(chair, setting, question, "Beide teksten samen", version="", resolve="1", conflict_version="1")
    assert "Opgeslagen om" in resolved.content.decode()
    assert DiscussionAnswer.objects.get().text == "Beide teksten samen"


def _capture(client, setting, question, capture, data):
    url = reverse("meetings:live_capture", args=[setting.meeting.pk, setting.item_1.pk])
    prefix = f"q{question.pk}{capture}"
    payload = {"question": question.pk, "capture": capture, **{f"{prefix}-{k}": v for k, v in data.items()}}
    return client.post(url, payload, **HTMX)


def test_a_score_outside_0_to_10_is_refused_next_to_the_field_and_the_input_stays(personas, setting):
    client = personas.client("secretary")
    client.get(live_url(setting))
    question = question_with(setting.item_1.discussion, Capture.SCORES)
    response = _capture(
        client, setting, question, "scores", {"participant": "Moeder", "score": "12", "justification": "Angstig"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Geef een cijfer van 0 tot en met 10." in body
    assert 'value="Moeder"' in body and "Angstig" in body
    assert not SafetyScore.objects.exists()
    ok = _capture(
        client, setting, question, "scores", {"participant": "Moeder", "score": "2", "justification": "Angstig"}
    )
    assert ok.status_code == 200 and SafetyScore.objects.get().score == 2


def test_an_agreement_is_made_from_the_live_screen(personas, setting):
    client = personas.client("secretary")
    client.get(live_url(setting))
    question = question_with(setting.item_1.discussion, Capture.AGREEMENTS)
    refused = _capture(client, setting, question, "agreements", {"what": "Huisbezoek"})
    assert "Kies wie de afspraak uitvoert." in refused.content.decode()
    response = _capture(
        client,
        setting,
        question,
        "agreements",
        {
            "organisation": personas.org_a.pk,
            "owner": personas.professional_a.pk,
            "what": "Huisbezoek met moeder",
            "due_date": "2030-01-15",
            "kind": "household_action",
            "justification": "Moeder vraagt om steun",
        },
    )
    assert response.status_code == 200
    assert "Huisbezoek met moeder" in response.content.decode()
    assert Agreement.objects.get().owner == personas.professional_a


def _save_answer_queries(client, setting, question, text, version):
    with CaptureQueriesContext(connection) as queries:
        response = _answer(client, setting, question, text, version=str(version))
    assert "Opgeslagen om" in response.content.decode()
    return len(queries)


def test_a_live_save_costs_the_same_queries_for_a_short_agenda_and_a_long_one_with_a_full_case(personas):
    """Asserted at two data sizes: 2 items and an empty case, then 17 items and a case with 40
    entries, 10 facts and 10 agreements."""
    setting = meeting_setting(personas)
    client = personas.client("secretary")
    client.get(live_url(setting))
    discussion = setting.item_1.discussion
    question = question_with(discussion, Capture.SCORES)
    _answer(client, setting, question, "eerste")
    small = _save_answer_queries(client, setting, question, "tweede", 1)

    secretary = actor_for(personas, "secretary")
    for number in range(15):
        extra = CaseFactory(referral__referring_organisation=personas.org_a, meeting_type=setting.case_a.meeting_type)
        item = AgendaItem.objects.create(
            meeting=setting.meeting, case=extra, kind="review", position=2 + number, planned_minutes=5
        )
        AgendaItemPart.objects.create(item=item, title="Bespreking", planned_minutes=5)
    provenance = ProvenanceData(
        category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN
    )
    for number in range(40):
        services.entry_add(
            actor=secretary,
            discussion=discussion,
            part=setting.part_1,
            kind="concern",
            text=f"Zorg {number}",
            source="Melding",
        )
    for number in range(10):
        services.picture_fact_add(
            actor=secretary,
            discussion=discussion,
            part=setting.part_1,
            organisation=personas.org_a,
            text=f"Feit {number}",
            source="Dossier",
            provenance=provenance,
        )
        services.discussion_agreement_add(
            actor=secretary,
            discussion=discussion,
            part=setting.part_1,
            organisation=personas.org_a,
            owner=personas.professional_a,
            what=f"Afspraak {number}",
            due_date=dt.date(2030, 1, 1),
            kind="professional_action",
            justification="Nodig",
        )
    large = _save_answer_queries(client, setting, question, "derde", 2)
    assert small == large
    assert large <= 25


# --- Minutes ----------------------------------------------------------------------------------


def _discussed(personas, setting):
    secretary = actor_for(personas, "secretary")
    discussion = setting.discussion(personas)
    services.answer_save(
        actor=secretary,
        discussion=discussion,
        part=setting.part_1,
        question=question_with(discussion, Capture.SCORES),
        text="Zorgen over de veiligheid van de kinderen",
        expected_version=None,
    )
    other = setting.discussion(personas, setting.item_2)
    services.answer_save(
        actor=secretary,
        discussion=other,
        part=setting.item_2.parts.get(),
        question=question_with(other, Capture.SCORES),
        text="Geheim van casus B",
        expected_version=None,
    )
    services.minutes_approve(actor=actor_for(personas, "process_director"), meeting=setting.meeting)


def test_an_invitee_of_item_1_reads_item_1_and_never_item_2(personas, setting):
    _discussed(personas, setting)
    client = personas.client("professional_a")
    page = client.get(reverse("meetings:minutes", args=[setting.meeting.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Zorgen over de veiligheid van de kinderen" in body
    assert "Geheim van casus B" not in body
    assert f"Casus {setting.case_b.pk}" not in body
    assert "Een andere casus" in body
    item_2 = [setting.meeting.pk, setting.item_2.pk]
    assert client.get(reverse("meetings:minutes_item", args=item_2)).status_code == 404
    assert client.get(reverse("meetings:minutes_item_pdf", args=item_2)).status_code == 404
    assert client.get(reverse("meetings:live_item", args=item_2)).status_code == 404


def test_split_item_parts_are_read_only_by_their_attendees(personas):
    setting = meeting_setting(personas, split=True)
    secretary = actor_for(personas, "secretary")
    discussion = setting.discussion(personas)
    first, second = setting.item_1.parts.order_by("position")
    question = question_with(discussion, Capture.SCORES)
    services.answer_save(
        actor=secretary,
        discussion=discussion,
        part=first,
        question=question,
        text="Strafzaak loopt",
        expected_version=None,
    )
    services.discussion_part_select(actor=secretary, discussion=discussion, part=second)
    services.answer_save(
        actor=secretary,
        discussion=discussion,
        part=second,
        question=question,
        text="Moeder wil hulp",
        expected_version=None,
    )
    url = reverse("meetings:minutes_item", args=[setting.meeting.pk, setting.item_1.pk])
    police = personas.client("professional_b").get(url).content.decode()
    care = personas.client("professional_a").get(url).content.decode()
    assert "Strafzaak loopt" in police and "Moeder wil hulp" not in police
    assert "Moeder wil hulp" in care and "Strafzaak loopt" not in care
    # Recorded absent from the police part: the police no longer read it.
    invitation = first.invitations.get()
    Attendance.objects.create(
        part=first, invitation=invitation, status=AttendanceStatus.ABSENT_WITH_NOTICE, recorded_by=personas.secretary
    )
    assert personas.client("professional_b").get(url).status_code == 404


def test_the_minutes_pdf_is_tagged_has_its_language_and_holds_the_text(personas, setting):
    _discussed(personas, setting)
    response = personas.client("professional_a").get(reverse("meetings:minutes_pdf", args=[setting.meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Zorgen over de veiligheid van de kinderen" in text
    assert "Geheim van casus B" not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="meetings.meeting").count() == 1


def test_attendance_is_recorded_per_part_from_the_live_screen(personas, setting, time_machine):
    client = personas.client("secretary")
    url = reverse("meetings:live_attendance", args=[setting.meeting.pk, setting.item_1.pk])
    invitation = setting.item_1.invitations.get()
    client.get(live_url(setting))
    early = client.post(url, {"invitation": invitation.pk, "status": "present"}, **HTMX)
    assert "Aanwezigheid legt u vast vanaf het begin van het overleg." in early.content.decode()
    time_machine.move_to(setting.meeting.starts_at + dt.timedelta(minutes=5))
    client = personas.client("secretary")  # a week later: the idle timeout ended the session
    response = client.post(url, {"invitation": invitation.pk, "status": "absent_notice"}, **HTMX)
    assert response.status_code == 200
    attendance = Attendance.objects.get(part=setting.part_1, invitation=invitation)
    assert attendance.status == AttendanceStatus.ABSENT_WITH_NOTICE
    assert "selected>Afwezig met bericht" in response.content.decode()


def test_the_clock_and_a_skip_answer_htmx_with_only_what_they_change(personas, setting):
    """Starting the clock or skipping a part during the meeting must not reload the screen and
    lose what is being typed elsewhere on it."""
    chair = personas.client("process_director")
    chair.get(live_url(setting))
    discussion = setting.item_1.discussion
    timer_url = reverse("meetings:live_timer", args=[setting.meeting.pk, setting.item_1.pk])
    started = chair.post(timer_url, {"run": "1"}, **HTMX)
    body = started.content.decode()
    assert started.status_code == 200
    assert body.lstrip().startswith('<div class="ct-live__timer" id="live-timer">')
    assert "data-timer-started=" in body and "Tijd stoppen" in body
    assert "<html" not in body and "ct-live__part" not in body
    discussion.refresh_from_db()
    assert discussion.running_since is not None

    guide_part = question_with(discussion, Capture.SCORES).part
    skip_url = reverse("meetings:live_skip", args=[setting.meeting.pk, setting.item_1.pk, guide_part.pk])
    skipped = chair.post(skip_url, {"skip": "1"}, **HTMX)
    body = skipped.content.decode()
    assert skipped.status_code == 200
    assert body.lstrip().startswith(f'<section id="part-{guide_part.pk}"')
    assert "Overgeslagen" in body and "Toch bespreken" in body
    assert f'<li id="nav-part-{guide_part.pk}" hx-swap-oob="true">' in body
    assert "<html" not in body and 'id="live-timer"' not in body
    assert discussion.skips.filter(guide_part=guide_part).exists()
    # The minute-taker may not skip: that is the chair's call.
    refused = personas.client("secretary").post(skip_url, {"skip": "0"}, **HTMX)
    assert refused.status_code == 403
    assert discussion.skips.filter(guide_part=guide_part).exists()

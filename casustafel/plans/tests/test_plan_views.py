"""The plan pages beyond who gets in (tests/test_leak.py): the household letter, comparing two
versions, the minutes' part rule on the plan and the timeline, the task list, and the periodic
work on the django-tasks queue."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

from casustafel.cases.timeline import case_timeline
from casustafel.meetings.discussion.services import discussion_agreement_add
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.plans.models import AgreementKind, Approach
from casustafel.plans.services_plan import plan_save
from casustafel.plans.visibility import hidden_items
from casustafel.privacy.provenance.access import case_viewer
from casustafel.testing.discussions import meeting_setting
from casustafel.testing.involvements import open_case
from casustafel.testing.plans import make_plan
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(personas):
    return make_plan(personas, open_case(personas).case)


def test_the_household_letter_is_a_tagged_dutch_pdf_with_the_summary(personas, planned):
    response = personas.client("professional_a").get(reverse("plans:plan_letter", args=[planned.case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "We zorgen samen dat u veilig thuis kunt wonen." in text
    assert "Moeder en kinderen wonen veilig thuis." in text
    catalog = reader.trailer["/Root"]
    assert catalog.get("/Lang") == "nl" and "/StructTreeRoot" in catalog


def test_two_versions_side_by_side_show_what_changed(personas, planned):
    plan_save(
        actor=actor_for(personas, "process_director"),
        case=planned.case,
        approach=Approach.ALIGNED,
        common_goal="Moeder en kinderen wonen veilig, vader in behandeling.",
        problem=planned.plan.problem,
        household_summary=planned.plan.household_summary,
        reason="Vader in behandeling",
        expected_version=planned.plan.version,
    )
    url = reverse("plans:plan_versions", args=[planned.case.pk]) + "?a=1&b=3"
    page = personas.client("professional_a").get(url).content.decode()
    assert "<del>Gezamenlijke</del>" in page and "<ins>Afgestemde</ins>" in page
    assert "Vader in behandeling" in page


def test_an_agreement_made_in_a_part_a_partner_was_not_invited_to_is_hidden_from_them(personas):
    setting = meeting_setting(personas, split=True)  # part 1: the police; part 2: Veilig Thuis
    discussion = setting.discussion(personas)
    police_part = setting.item_1.parts.order_by("position").first()
    agreement = discussion_agreement_add(
        actor=actor_for(personas, "secretary"),
        discussion=discussion,
        part=police_part,
        organisation=personas.org_b,
        owner=personas.professional_b,
        what="Aanhouding voorbereiden bij de volgende overtreding.",
        due_date=timezone.localdate() + dt.timedelta(days=5),
        kind=AgreementKind.PROFESSIONAL_ACTION,
        justification="Het contactverbod wordt steeds overtreden.",
    )
    case = setting.case_a
    url = reverse("plans:agreement", args=[case.pk, agreement.pk])
    veilig_thuis = case_viewer(personas.professional_a, case)
    assert agreement.pk in hidden_items(case, veilig_thuis, personas.professional_a).agreements
    assert personas.client("professional_a").get(url).status_code == 404
    plan_page = personas.client("professional_a").get(reverse("plans:plan", args=[case.pk])).content.decode()
    assert "Aanhouding" not in plan_page and "waarvoor u niet was uitgenodigd" in plan_page
    entries = case_timeline(case, veilig_thuis, personas.professional_a, kinds=["agreement"])
    assert entries and all("Aanhouding" not in e.title + e.detail for e in entries)
    # The police (invited, and responsible) and the house staff read it.
    assert personas.client("professional_b").get(url).status_code == 200
    assert personas.client("process_director").get(url).status_code == 200


def test_my_agreements_show_what_is_past_its_term(personas, planned):
    from casustafel.plans.services import agreement_create

    agreement_create(
        actor=actor_for(personas, "process_director"),
        case=planned.case,
        organisation=personas.org_a,
        owner=personas.professional_a,
        what="Verslag sturen aan de procesregisseur.",
        due_date=timezone.localdate() - dt.timedelta(days=2),
        kind=AgreementKind.INFORMATION_EXCHANGE,
        justification="Nodig voor het volgende overleg.",
    )
    page = personas.client("professional_a").get(reverse("plans:my_agreements")).content.decode()
    assert "Verslag sturen aan de procesregisseur." in page and "over de termijn" in page
    assert "Huisbezoek bij moeder" in page


def test_the_plan_page_flags_goals_without_criterion_owner_or_date(personas, planned):
    from casustafel.plans.services_plan import goal_create

    goal_create(actor=actor_for(personas, "process_director"), case=planned.case, title="Rust thuis", reason="x")
    page = personas.client("process_director").get(reverse("plans:plan", args=[planned.case.pk])).content.decode()
    assert "Geen meetbaar resultaatcriterium" in page and "Geen streefdatum" in page


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_tick_enqueue_puts_every_job_on_the_task_queue(personas, planned):
    overdue = planned.agreement
    overdue.due_date = timezone.localdate() - dt.timedelta(days=1)
    overdue.save(update_fields=["due_date"])  # test data: a due date that has passed
    call_command("tick", "--enqueue", verbosity=0)
    assert Notification.objects.filter(
        recipient=personas.professional_a, kind=NotificationKind.AGREEMENT_OVERDUE
    ).exists()

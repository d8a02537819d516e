"""Improvement plans and actions, followed like agreements; value ratings per organisation and
year."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.learning.models import ActionEnd, ActionIndicator, ActionProgress, PlanStatus, ValueRating
from casustafel.learning.services_improvement import (
    check_indicator_pairs,
    improvement_action_create,
    improvement_action_drop,
    improvement_action_report,
    improvement_action_update,
    improvement_plan_close,
    improvement_plan_create,
    value_rating_record,
)
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.notifications.models import Notification, NotificationKind
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

IN_A_MONTH = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def plan(personas):
    return improvement_plan_create(
        actor=actor_for(personas, "house_manager"), house=personas.house, title="Plan", aim="Beter nakomen."
    )


def _action(personas, plan, **overrides):
    values = {
        "title": "Terugkoppelen zonder te komen",
        "organisation": personas.org_b,
        "owner": personas.professional_b,
        "due_date": IN_A_MONTH,
        "indicators": [("agreements_on_time", "up"), ("agreements_overdue", "down")],
    }
    values.update(overrides)
    return improvement_action_create(actor=actor_for(personas, "process_director"), plan=plan, **values)


def test_an_action_tells_its_owner_and_keeps_its_indicators(personas, plan):
    action = _action(personas, plan)
    notice = Notification.objects.get(recipient=personas.professional_b)
    assert (notice.kind, notice.url) == (NotificationKind.IMPROVEMENT_ASSIGNED, f"/leren/verbeteracties/{action.pk}/")
    assert sorted(ActionIndicator.objects.values_list("indicator_key", "direction")) == [
        ("agreements_on_time", "up"),
        ("agreements_overdue", "down"),
    ]


def test_an_action_needs_an_owner_who_works_for_the_organisation_and_a_date(personas, plan):
    with pytest.raises(ValidationError) as caught:
        _action(personas, plan, owner=personas.professional_a, due_date=None, title="")
    errors = caught.value.message_dict
    assert set(errors) == {"owner", "due_date", "title"}
    assert errors["owner"] == [f"Deze medewerker werkt niet (meer) voor {personas.org_b.name}."]


def test_malformed_or_repeated_indicator_keys_are_refused(personas, plan):
    with pytest.raises(ValidationError) as caught:
        _action(personas, plan, indicators=[("Agreements on time", "up")])
    assert "indicators" in caught.value.message_dict
    with pytest.raises(ValidationError, match="één keer"):
        _action(personas, plan, indicators=[("a", "up"), ("a", "down")])
    assert check_indicator_pairs("agreements_on_time:omhoog, agreements_overdue:omlaag") == [
        ("agreements_on_time", "up"),
        ("agreements_overdue", "down"),
    ]
    with pytest.raises(ValidationError, match="zijwaarts"):
        check_indicator_pairs("x:zijwaarts")


def test_the_owners_organisation_reports_and_done_ends_the_action(personas, plan):
    action = _action(personas, plan)
    with pytest.raises(PermissionDenied):
        improvement_action_report(
            actor=actor_for(personas, "professional_a"),
            action=action,
            progress=ActionProgress.DONE,
            result="Gedaan",
            expected_version=action.version,
        )
    improvement_action_report(
        actor=actor_for(personas, "professional_b"),
        action=action,
        progress=ActionProgress.PARTLY,
        result="Twee teams werken zo.",
        expected_version=action.version,
    )
    action.refresh_from_db()
    assert (action.progress, action.ended_at) == (ActionProgress.PARTLY, None)
    with pytest.raises(ConflictError):
        improvement_action_report(
            actor=actor_for(personas, "professional_b"),
            action=action,
            progress=ActionProgress.DONE,
            result="Alle teams.",
            expected_version=action.version - 1,
        )
    improvement_action_report(
        actor=actor_for(personas, "professional_b"),
        action=action,
        progress=ActionProgress.DONE,
        result="Alle teams.",
        expected_version=action.version,
    )
    action.refresh_from_db()
    assert action.end == ActionEnd.DONE and action.ended_at is not None
    assert list(action.updates.values_list("progress", flat=True)) == ["partly", "done"]


def test_a_report_without_a_result_is_refused_in_dutch(personas, plan):
    action = _action(personas, plan)
    with pytest.raises(ValidationError) as caught:
        improvement_action_report(
            actor=actor_for(personas, "professional_b"), action=action, progress="", result=" ", expected_version=None
        )
    assert caught.value.message_dict == {
        "progress": ["Kies: uitgevoerd, deels of niet uitgevoerd."],
        "result": ["Beschrijf het resultaat, of waarom het (nog) niet lukte."],
    }


def test_a_new_owner_is_told(personas, plan):
    action = _action(personas, plan)
    improvement_action_update(
        actor=actor_for(personas, "process_director"),
        action=action,
        title=action.title,
        organisation=personas.org_a,
        owner=personas.professional_a,
        due_date=IN_A_MONTH,
        description="",
        indicators=[],
        expected_version=action.version,
    )
    assert Notification.objects.filter(recipient=personas.professional_a, kind="improvement_assigned").count() == 1
    assert not ActionIndicator.objects.exists()


def test_a_plan_closes_only_when_every_action_ended(personas, plan):
    action = _action(personas, plan)
    manager = actor_for(personas, "process_director")
    with pytest.raises(ServiceError, match="Rond eerst"):
        improvement_plan_close(actor=manager, plan=plan, expected_version=None)
    improvement_action_drop(actor=manager, action=action, reason="Landelijk opgelost.", expected_version=None)
    closed = improvement_plan_close(actor=manager, plan=plan, expected_version=None)
    assert closed.status == PlanStatus.CLOSED
    with pytest.raises(ServiceError, match="afgerond"):
        _action(personas, closed)


def test_board_members_change_nothing(personas, plan):
    with pytest.raises(PermissionDenied):
        improvement_plan_create(actor=actor_for(personas, "board_member"), house=personas.house, title="x", aim="y")
    with pytest.raises(PermissionDenied):
        improvement_action_create(
            actor=actor_for(personas, "board_member"),
            plan=plan,
            title="x",
            organisation=personas.org_a,
            owner=personas.professional_a,
            due_date=IN_A_MONTH,
        )


def test_each_organisation_rates_an_action_once_a_year_and_revises_only_what_it_saw(personas, plan):
    action = _action(personas, plan)
    year = timezone.localdate().year
    police = actor_for(personas, "professional_b")
    first = value_rating_record(actor=police, action=action, year=year, rating=3, narrative="We bellen eerder.")
    assert first.organisation == personas.org_b
    with pytest.raises(ConflictError, match="al gewaardeerd"):
        value_rating_record(actor=police, action=action, year=year, rating=5, narrative="Veel beter.")
    revised = value_rating_record(
        actor=police, action=action, year=year, rating=5, narrative="Veel beter.", expected_version=first.version
    )
    assert (revised.pk, revised.rating) == (first.pk, 5)
    value_rating_record(
        actor=actor_for(personas, "professional_a"), action=action, year=year, rating=2, narrative="Nog niet."
    )
    assert sorted(ValueRating.objects.values_list("organisation__name", "rating")) == sorted(
        [(personas.org_b.name, 5), (personas.org_a.name, 2)]
    )


def test_a_rating_needs_a_narrative_and_a_year_that_has_begun(personas, plan):
    action = _action(personas, plan)
    with pytest.raises(ValidationError) as caught:
        value_rating_record(
            actor=actor_for(personas, "professional_a"),
            action=action,
            year=timezone.localdate().year + 1,
            rating=7,
            narrative="",
        )
    assert set(caught.value.message_dict) == {"year", "rating", "narrative"}


def test_only_managers_rate_for_another_organisation(personas, plan):
    action = _action(personas, plan)
    year = timezone.localdate().year
    with pytest.raises(PermissionDenied):
        value_rating_record(
            actor=actor_for(personas, "professional_a"),
            action=action,
            year=year,
            rating=3,
            narrative="x",
            organisation=personas.org_b,
        )
    rated = value_rating_record(
        actor=actor_for(personas, "house_manager"),
        action=action,
        year=year,
        rating=3,
        narrative="Uit het partneroverleg.",
        organisation=personas.org_b,
    )
    assert rated.organisation == personas.org_b

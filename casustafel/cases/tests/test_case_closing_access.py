"""Need-to-know after closing: partners lose sight of a closed case, house staff keep it until
destruction, and nobody sees a destroyed case."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus
from casustafel.cases.services.closing import case_close
from casustafel.testing.involvements import involve, open_case
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for


def test_closing_ends_every_open_involvement_and_partners_lose_the_case(personas: Personas) -> None:
    setting = open_case(personas)
    involve(personas, setting.case, personas.org_b)
    assert Case.objects.visible_to(personas.professional_b).filter(pk=setting.case.pk).exists()

    case_close(
        actor=actor_for(personas, "process_director"),
        case=setting.case,
        reason="Doelen bereikt",
        closed_on=timezone.localdate(),
    )

    assert not CaseInvolvement.objects.filter(case=setting.case, ended_at__isnull=True).exists()
    assert set(CaseInvolvement.objects.filter(case=setting.case).values_list("end_reason", flat=True)) == {
        "Casus afgesloten"
    }
    for partner in ("professional_a", "professional_b", "ambassador_a"):
        assert not Case.objects.visible_to(personas.users[partner]).filter(pk=setting.case.pk).exists(), partner
    for staff in ("process_director", "secretary"):
        assert Case.objects.visible_to(personas.users[staff]).filter(pk=setting.case.pk).exists(), staff
    ends = AuditEvent.objects.filter(
        object_type="cases.caseinvolvement", case_id=setting.case.pk, action=AuditAction.UPDATE
    )
    assert ends.count() == 2


def test_a_backdated_closing_ends_involvements_at_the_closing_moment(personas: Personas) -> None:
    setting = open_case(personas)
    Case.objects.filter(pk=setting.case.pk).update(opened_at=timezone.now() - dt.timedelta(days=30))
    CaseInvolvement.objects.filter(case=setting.case).update(started_at=timezone.now() - dt.timedelta(days=30))
    setting.case.refresh_from_db()
    closed_on = timezone.localdate() - dt.timedelta(days=3)

    case_close(actor=actor_for(personas, "process_director"), case=setting.case, reason="Klaar", closed_on=closed_on)

    involvement = CaseInvolvement.objects.get(case=setting.case)
    assert involvement.ended_at is not None
    assert timezone.localdate(involvement.ended_at) == closed_on


def test_a_destroyed_case_is_visible_to_nobody(personas: Personas) -> None:
    setting = open_case(personas)
    Case.objects.filter(pk=setting.case.pk).update(status=CaseStatus.DESTROYED)
    for name, user in personas.users.items():
        assert not Case.objects.visible_to(user).filter(pk=setting.case.pk).exists(), name

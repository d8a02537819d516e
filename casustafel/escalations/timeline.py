"""Escalations on the case timeline: raised, each step up (automatic or by hand), the answers
and the outcome; only for those who may see the escalation (`selectors.escalations_visible_to`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casustafel.accounts.models import User
from casustafel.cases.models import Case
from casustafel.cases.timeline import TimelineEntry, register_timeline_source
from casustafel.escalations.models import EscalationStage
from casustafel.escalations.selectors import case_escalations_for
from casustafel.privacy.provenance.access import CaseViewer

ESCALATION = "escalation"


def escalations_timeline(case: Case, viewer: CaseViewer, user: User) -> list[TimelineEntry]:
    escalations = {escalation.pk: escalation for escalation in case_escalations_for(user, case)}
    entries = []
    stages = EscalationStage.objects.filter(escalation__in=list(escalations)).order_by("started_at", "pk")
    for stage in stages:
        escalation = escalations[stage.escalation_id]
        url = reverse("escalations:detail", args=[escalation.pk])
        if stage.started_at == escalation.raised_at:
            title = _("Escalatie gemeld: %(reason)s") % {"reason": escalation.get_reason_display().lower()}
        elif stage.automatic:
            title = _("Escalatie automatisch opgeschaald (termijn verstreken): %(step)s") % {
                "step": stage.get_step_display()
            }
        else:
            title = _("Escalatie opgeschaald: %(step)s") % {"step": stage.get_step_display()}
        entries.append(TimelineEntry(at=stage.started_at, kind=ESCALATION, title=title, detail=stage.question, url=url))
        if stage.answered_at:
            entries.append(
                TimelineEntry(
                    at=stage.answered_at,
                    kind=ESCALATION,
                    title=_("Antwoord op de escalatie (%(level)s)") % {"level": stage.get_level_display()},
                    detail=stage.answer,
                    url=url,
                )
            )
    for escalation in escalations.values():
        if escalation.resolved_at:
            entries.append(
                TimelineEntry(
                    at=escalation.resolved_at,
                    kind=ESCALATION,
                    title=_("Escalatie afgehandeld"),
                    detail=escalation.outcome,
                    url=reverse("escalations:detail", args=[escalation.pk]),
                )
            )
    return entries


def register() -> None:
    register_timeline_source({ESCALATION: gettext_lazy("Escalaties")}, escalations_timeline)

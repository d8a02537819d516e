"""The client's invitation letter (PDF, WeasyPrint, tagged, language set): plain Dutch at B1
level after the praatplaat of seed 002 (section 3.7), one page per invited client, with when and
where their part of the meeting is, who will be there and whom to call.

The letter is always Dutch, whatever language the professional works in: it is written for the
client. Printing it is an audited PRINT of the case and the persons it names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.cases.models import CaseParty
from casustafel.meetings.models import AgendaItem, ParticipationMode
from casustafel.meetings.selectors.meetings import item_slot

PRINT_STYLESHEET = "css/letter-print.css"


@dataclass
class Letter:
    party: CaseParty
    starts_at: dt.datetime
    organisations: list[str]


def _letters(item: AgendaItem) -> list[Letter]:
    """One letter per invited client: the start of the first part they are in (or of the item)
    and the organisations in that part."""
    starts_at, _ends_at = item_slot(item)
    parts = list(item.parts.all())
    starts, moment = [], starts_at
    for part in parts:
        starts.append(moment)
        moment += dt.timedelta(minutes=part.planned_minutes)
    letters = []
    for party in item.client_participation.invited_parties.all():
        own = [(start, part) for start, part in zip(starts, parts, strict=True) if party in part.clients.all()]
        start, chosen = own[0] if own else (starts_at, parts[0] if parts else None)
        names = sorted({inv.organisation.name for inv in chosen.invitations.all()}) if chosen is not None else []
        letters.append(Letter(party=party, starts_at=start, organisations=names))
    return letters


def client_letter_pdf(item: AgendaItem, letters: list[Letter]) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time at start-up

    participation = item.client_participation
    with translation.override("nl"):
        html = render_to_string(
            "meetings/client_letter_pdf.html",
            {
                "item": item,
                "house": item.meeting.house,
                "meeting": item.meeting,
                "letters": letters,
                "participation": participation,
                "online": participation.mode == ParticipationMode.ONLINE,
            },
        )
    stylesheet = finders.find(PRINT_STYLESHEET)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    # A local base URL: WeasyPrint must never fetch anything over the network.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(  # type: ignore[no-any-return]
        stylesheets=stylesheets, pdf_tags=True
    )


def client_letter_response(request: HttpRequest, item: AgendaItem, actor: Actor) -> HttpResponse:
    letters = _letters(item)
    if not item.client_participation.clients_invited or not letters:
        messages.error(request, _("Er zijn geen cliënten uitgenodigd voor dit agendapunt; er is geen brief."))
        return HttpResponseRedirect(reverse("meetings:agenda_item_detail", args=[item.meeting_id, item.pk]))
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        obj=item,
        case_id=item.case_id,
        person_ids=[letter.party.person_id for letter in letters],
    )
    response = HttpResponse(client_letter_pdf(item, letters), content_type="application/pdf")
    day = timezone.localdate(item.meeting.starts_at)
    response["Content-Disposition"] = f'attachment; filename="uitnodiging-{day:%Y-%m-%d}-agendapunt-{item.pk}.pdf"'
    return response

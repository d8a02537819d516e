"""Forms of meetings, agendas, invitations, parts, client participation and attendance. Forms
only parse input; the services validate the rules (a meeting in the past, an agenda longer than
the meeting, a part without attendees...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.cases.models import Case, CaseParty
from casustafel.lib.forms import VersionedForm
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.models import (
    AgendaItemKind,
    AgendaItemPart,
    AttendanceStatus,
    ClientParticipation,
    Invitation,
    InvitationStatus,
    Meeting,
    ParticipationMode,
)
from casustafel.meetings.services.parts import PartSpec
from casustafel.organisations.models import Membership, Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class LabelledChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of objects shown by `label(obj)`."""

    def __init__(self, *args: Any, label_of: Callable[[Any], str], **kwargs: Any) -> None:
        self.label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.label_of(obj)


class LabelledMultipleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, label_of: Callable[[Any], str], **kwargs: Any) -> None:
        self.label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.label_of(obj)


def _party_label(party: CaseParty) -> str:
    return f"{party.person.full_name} ({party.get_role_display()})"


def _member_label(membership: Membership) -> str:
    return f"{membership.user.full_name} ({membership.organisation.name})"


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person, shown with the organisation they work for."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.full_name} ({obj.organisation.name})"

    def to_python(self, value: Any) -> Any:
        membership = super().to_python(value)
        return membership.user if membership is not None else None


def _memberships_field(label: Any, queryset: QuerySet[Membership], *, required: bool = False, **kwargs: Any) -> Any:
    return UserChoiceField(
        label=label, queryset=queryset, required=required, empty_label=_("Niemand gekozen"), **kwargs
    )


def _initial_membership(queryset: QuerySet[Membership], user_id: int | None) -> int | None:
    if user_id is None:
        return None
    return queryset.filter(user=user_id).values_list("pk", flat=True).first()


# Service field -> form field, where the meeting form splits a moment into a date and times.
MEETING_ERROR_FIELDS = {"starts_at": "start_time", "ends_at": "end_time"}


class MeetingForm(VersionedForm):
    meeting_type = forms.ModelChoiceField(label=_("Overlegtype"), queryset=MeetingType.objects.none())
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    start_time = forms.TimeField(label=_("Begint om"), widget=TimeInput())
    end_time = forms.TimeField(
        label=_("Eindigt om"),
        widget=TimeInput(),
        required=False,
        help_text=_("Leeg: de standaardduur van het overlegtype."),
    )
    location = forms.CharField(label=_("Plaats"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Link voor online deelname"), max_length=500, required=False, assume_scheme="https"
    )
    chair = forms.ModelChoiceField(label=_("Voorzitter"), queryset=User.objects.none())
    minute_taker = forms.ModelChoiceField(
        label=_("Notulist"), queryset=User.objects.none(), required=False, empty_label=_("Nog niet bekend")
    )

    def __init__(self, *args: Any, meeting_types: QuerySet[MeetingType], staff: QuerySet[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = meeting_types  # type: ignore[attr-defined]
        users = User.objects.filter(pk__in=staff.values("user")).order_by("full_name")
        self.fields["chair"].queryset = users.filter(pk__in=staff.filter(role="process_director").values("user"))  # type: ignore[attr-defined]
        self.fields["minute_taker"].queryset = users  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "meeting_type": meeting.meeting_type_id,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "location": meeting.location,
            "online_link": meeting.online_link,
            "chair": meeting.chair_id,
            "minute_taker": meeting.minute_taker_id,
            "version": meeting.version,
        }

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take it: local date and times become moments."""
        data = self.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["date"], data["start_time"]))
        ends_at = None
        if data.get("end_time"):
            ends_at = timezone.make_aware(dt.datetime.combine(data["date"], data["end_time"]))
        return {
            "meeting_type": data["meeting_type"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": data["location"],
            "online_link": data["online_link"],
            "chair": data["chair"],
            "minute_taker": data["minute_taker"],
        }


class AgendaItemAddForm(forms.Form):
    case = LabelledChoice(
        label=_("Casus"),
        queryset=Case.objects.none(),
        empty_label=_("Kies een casus"),
        label_of=lambda case: _("Casus %(pk)s (%(type)s)") % {"pk": case.pk, "type": case.meeting_type.name},
    )
    kind = forms.ChoiceField(
        label=_("Soort bespreking"), choices=AgendaItemKind.choices, initial=AgendaItemKind.FOLLOW_UP
    )
    planned_minutes = forms.IntegerField(
        label=_("Minuten"),
        min_value=5,
        max_value=240,
        required=False,
        help_text=_("Leeg: de standaard van het overlegtype."),
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class AgendaItemForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Soort bespreking"), choices=AgendaItemKind.choices)
    planned_minutes = forms.IntegerField(label=_("Minuten"), min_value=5, max_value=240)


class InvitationAddForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none(), empty_label=_("Kies een organisatie")
    )
    invitee = LabelledChoice(
        label_of=_member_label,
        label=_("Genodigde"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("De organisatie bepaalt zelf wie komt"),
        help_text=_("Nodig bij voorkeur een persoon uit, niet alleen een organisatie."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], members: QuerySet[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["invitee"].queryset = members  # type: ignore[attr-defined]

    def invitee_user(self) -> User | None:
        membership = self.cleaned_data.get("invitee")
        return membership.user if membership is not None else None


class InvitationResponseForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Uw antwoord"),
        widget=forms.RadioSelect,
        choices=[
            (InvitationStatus.CONFIRMED, _("Ik kom (of iemand van onze organisatie komt)")),
            (InvitationStatus.SUBSTITUTE, _("Een collega vervangt mij")),
            (InvitationStatus.DECLINED, _("Wij komen niet")),
        ],
    )
    substitute = LabelledChoice(
        label_of=lambda membership: membership.user.full_name,
        label=_("Vervanger"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Kies een collega"),
        help_text=_("Alleen bij vervanging: een collega van dezelfde organisatie."),
    )
    decline_reason = forms.CharField(
        label=_("Reden"), max_length=300, required=False, help_text=_("Alleen als u niet komt.")
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = colleagues  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        membership = self.cleaned_data.get("substitute")
        return {
            "status": self.cleaned_data["status"],
            "substitute": membership.user if membership is not None else None,
            "decline_reason": self.cleaned_data["decline_reason"],
        }


class _PartFields:
    """The fields of one part, with a prefix so two parts fit in one form."""

    @staticmethod
    def build(
        form: forms.Form, prefix: str, invitations: QuerySet[Invitation], clients: QuerySet[CaseParty], number: int
    ) -> None:
        form.fields[f"{prefix}title"] = forms.CharField(
            label=_("Titel van deel %(number)s") % {"number": number}, max_length=120
        )
        form.fields[f"{prefix}planned_minutes"] = forms.IntegerField(
            label=_("Minuten voor deel %(number)s") % {"number": number}, min_value=5, max_value=240
        )
        form.fields[f"{prefix}invitations"] = LabelledMultipleChoice(
            label=_("Organisaties in deel %(number)s") % {"number": number},
            queryset=invitations,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label_of=lambda invitation: invitation.organisation.name,
        )
        form.fields[f"{prefix}clients"] = LabelledMultipleChoice(
            label=_("Cliënten in deel %(number)s") % {"number": number},
            queryset=clients,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label_of=_party_label,
        )

    @staticmethod
    def spec(data: dict[str, Any], prefix: str) -> PartSpec:
        return PartSpec(
            title=data[f"{prefix}title"],
            planned_minutes=data[f"{prefix}planned_minutes"],
            invitations=list(data[f"{prefix}invitations"]),
            clients=list(data[f"{prefix}clients"]),
        )


class SplitForm(forms.Form):
    """Split an item in two parts, each with its own attendees."""

    def __init__(self, *args: Any, invitations: QuerySet[Invitation], clients: QuerySet[CaseParty], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _PartFields.build(self, "first_", invitations, clients, 1)
        _PartFields.build(self, "second_", invitations, clients, 2)

    def specs(self) -> tuple[PartSpec, PartSpec]:
        return _PartFields.spec(self.cleaned_data, "first_"), _PartFields.spec(self.cleaned_data, "second_")


class PartForm(VersionedForm):
    def __init__(
        self, *args: Any, invitations: QuerySet[Invitation], clients: QuerySet[CaseParty], number: int, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        _PartFields.build(self, "", invitations, clients, number)

    @staticmethod
    def initial_for(part: AgendaItemPart) -> dict[str, Any]:
        return {
            "title": part.title,
            "planned_minutes": part.planned_minutes,
            "invitations": [invitation.pk for invitation in part.invitations.all()],
            "clients": [client.pk for client in part.clients.all()],
            "version": part.version,
        }

    def spec(self) -> PartSpec:
        return _PartFields.spec(self.cleaned_data, "")


class ClientParticipationForm(VersionedForm):
    clients_invited = forms.TypedChoiceField(
        label=_("Worden de cliënten uitgenodigd?"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Ja")), ("no", _("Nee, want ... (reden hieronder)"))],
        coerce=lambda value: value == "yes",
        help_text=_("Ja, tenzij: cliënten praten mee over hun eigen situatie, tenzij er een zwaarwegende reden is."),
    )
    invited_parties = LabelledMultipleChoice(
        label_of=_party_label,
        label=_("Uitgenodigde cliënten"),
        queryset=CaseParty.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    not_invited_reason = forms.CharField(
        label=_("Waarom niet uitgenodigd"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    mode = forms.ChoiceField(
        label=_("Hoe doen de cliënten mee?"),
        choices=[("", _("Nog niet bekend")), *ParticipationMode.choices],
        required=False,
    )
    trusted_person = forms.CharField(
        label=_("Vertrouwenspersoon"),
        max_length=200,
        required=False,
        help_text=_("Wie de cliënt meeneemt, bijv. een buurvrouw."),
    )
    client_input = forms.CharField(
        label=_("Inbreng van de cliënten"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Wat de cliënten belangrijk vinden en hopen; vooral als zij niet zelf komen."),
    )
    debrief_on = forms.DateField(label=_("Nabespreking op"), widget=DateInput(), required=False)
    debrief_notes = forms.CharField(
        label=_("Hoe is het ontvangen?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self,
        *args: Any,
        parties: QuerySet[CaseParty],
        helpers: QuerySet[Membership],
        restricted: Collection[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        invited = self.fields["invited_parties"]
        invited.queryset = parties  # type: ignore[attr-defined]
        # Why a household member is not ticked by default (agenda_item_add leaves them out).
        invited.label_of = lambda party: (  # type: ignore[attr-defined]
            _party_label(party)
            + (str(_(" — verwerking beperkt (AVG art. 18): niet uitgenodigd")) if party.person_id in restricted else "")
        )
        self.fields["preparer"] = _memberships_field(_("Bereidt de cliënten voor"), helpers)
        self.fields["debrief_by"] = _memberships_field(_("Nabespreking door"), helpers)
        self.order_fields(
            [
                "clients_invited",
                "invited_parties",
                "not_invited_reason",
                "preparer",
                "mode",
                "trusted_person",
                "client_input",
                "debrief_by",
                "debrief_on",
                "debrief_notes",
            ]
        )

    @staticmethod
    def initial_for(participation: ClientParticipation, helpers: QuerySet[Membership]) -> dict[str, Any]:
        return {
            "clients_invited": "yes" if participation.clients_invited else "no",
            "invited_parties": [party.pk for party in participation.invited_parties.all()],
            "not_invited_reason": participation.not_invited_reason,
            "preparer": _initial_membership(helpers, participation.preparer_id),
            "mode": participation.mode,
            "trusted_person": participation.trusted_person,
            "client_input": participation.client_input,
            "debrief_by": _initial_membership(helpers, participation.debrief_by_id),
            "debrief_on": participation.debrief_on,
            "debrief_notes": participation.debrief_notes,
            "version": participation.version,
        }

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CaseSeparationForm(forms.Form):
    separate = forms.BooleanField(
        label=_("Stalking of intieme terreur: pleger en slachtoffer nooit samen"), required=False
    )


class AttendanceForm(forms.Form):
    """One choice per invited organisation per part, grouped by item and part for the page."""

    def __init__(self, *args: Any, rows: list[tuple[AgendaItemPart, Invitation, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for part, invitation, initial in rows:
            self.fields[self.key(part, invitation)] = forms.ChoiceField(
                label=invitation.organisation.name, choices=AttendanceStatus.choices, initial=initial
            )

    @staticmethod
    def key(part: AgendaItemPart, invitation: Invitation) -> str:
        return f"attendance_{part.pk}_{invitation.pk}"

    def grouped(self) -> list[tuple[Any, list[tuple[AgendaItemPart, list[tuple[Invitation, Any]]]]]]:
        """[(item, [(part, [(invitation, bound field)])])] in agenda order."""
        items: dict[int, tuple[Any, dict[int, tuple[AgendaItemPart, list[tuple[Invitation, Any]]]]]] = {}
        for part, invitation, _initial in self.rows:
            _item, parts = items.setdefault(part.item_id, (part.item, {}))
            parts.setdefault(part.pk, (part, []))[1].append((invitation, self[self.key(part, invitation)]))
        return [(item, list(parts.values())) for item, parts in items.values()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.rows:
            raise ValidationError(_("Er is nog niemand uitgenodigd; er valt geen aanwezigheid vast te leggen."))
        return data

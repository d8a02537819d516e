"""Forms of the referral page: one form per section, each saved on its own, so a half-filled
referral is never lost. Forms only parse input; the services validate the business rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from casustafel.cases.models import CaseParty, EntryRoute, LifeDomain, PartyRole, Person, Referral, ResponseTerm
from casustafel.cases.selectors.referrals import meeting_types_for_referral, municipalities_of
from casustafel.lib.bsn import validate_bsn
from casustafel.lib.forms import BoundedDateField, IdField, VersionedForm, parse_id
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class _ChoicesOfHouse(forms.Form):
    """Meeting type and municipality, limited to the house's active ones."""

    entry_route = forms.ChoiceField(
        label=_("Instroomroute"),
        choices=EntryRoute.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Top-X via de gemeente, huiselijk geweld via Veilig Thuis, of een veldaanmelding door een partner."
        ),
    )
    meeting_type = forms.ModelChoiceField(
        label=_("Gevraagd overlegtype"),
        queryset=MeetingType.objects.none(),
        required=False,
        empty_label=_("Weet ik niet"),
        help_text=_("Het overleg waarvoor u aanmeldt; de triage kan een ander kiezen."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Woongemeente"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Nog niet bekend"),
        help_text=_("De gemeente waar de hoofdpersoon of het huishouden woont."),
    )

    def __init__(self, *args: Any, house: SafetyHouse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_types: QuerySet[MeetingType] = meeting_types_for_referral(house)
        municipalities: QuerySet[Organisation] = municipalities_of(house)
        self.fields["meeting_type"].queryset = meeting_types  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]


class ReferralStartForm(_ChoicesOfHouse):
    """The first step: route, requested meeting type and municipality."""


class ReferralGeneralForm(_ChoicesOfHouse, VersionedForm):
    """Section 'Aanmelding': the same choices, changeable while the referral is a draft."""

    @classmethod
    def for_referral(cls, referral: Referral, data: Any = None, prefix: str = "general") -> ReferralGeneralForm:
        return cls(
            data,
            prefix=prefix,
            house=referral.house,
            initial={
                "entry_route": referral.entry_route,
                "meeting_type": referral.meeting_type_id,
                "municipality": referral.municipality_id,
                "version": referral.version,
            },
        )


class ReferralConcernForm(VersionedForm):
    """Section 'De zorg': what is going on, and where that information comes from."""

    concern = forms.CharField(
        label=_("Omschrijving van de zorg"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Wat is er aan de hand, sinds wanneer, en waarom is het Zorg- en Veiligheidshuis nodig? "
            "Beschrijf feiten en waarnemingen; de weging tegen de criteria doet de triage."
        ),
    )
    concern_source = forms.CharField(
        label=_("Bron van deze informatie"),
        max_length=200,
        help_text=_("Bijv. eigen waarneming, gesprek met de moeder, politiemutatie van 3 maart, melding school."),
    )

    @classmethod
    def for_referral(cls, referral: Referral, data: Any = None, prefix: str = "concern") -> ReferralConcernForm:
        return cls(
            data,
            prefix=prefix,
            initial={
                "concern": referral.concern,
                "concern_source": referral.concern_source,
                "version": referral.version,
            },
        )


CONSENT_CHOICES = Referral._meta.get_field("consent").choices or []


class ReferralTermForm(VersionedForm):
    """Section 'Termijn en toestemming'."""

    desired_response_days = forms.TypedChoiceField(
        label=_("Gewenste reactietermijn"),
        choices=ResponseTerm.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Hoe snel moet het huis reageren? Dit staat los van de criteria."),
    )
    consent = forms.ChoiceField(
        label=_("Weet de betrokkene dat informatie wordt gedeeld?"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
    )
    consent_note = forms.CharField(
        label=_("Toelichting"),
        max_length=300,
        required=False,
        help_text=_("Verplicht bij 'niet gevraagd': waarom niet (acuut gevaar, lopend onderzoek...)."),
    )

    @classmethod
    def for_referral(cls, referral: Referral, data: Any = None, prefix: str = "term") -> ReferralTermForm:
        return cls(
            data,
            prefix=prefix,
            initial={
                "desired_response_days": referral.desired_response_days,
                "consent": referral.consent,
                "consent_note": referral.consent_note,
                "version": referral.version,
            },
        )


class _PersonDetailsForm(forms.Form):
    """A person's identifying details as the referrer types them."""

    given_names = forms.CharField(label=_("Voornamen"), max_length=120)
    surname_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Achternaam"), max_length=120)
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"),
        required=False,
        widget=DateInput,
        help_text=_("Nodig om dubbele registraties te voorkomen."),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 14-03-1985.")},
    )
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Alleen als u het BSN mag verwerken. Wordt versleuteld opgeslagen."),
    )
    role = forms.ChoiceField(label=_("Rol in de casus"), choices=PartyRole.choices)
    note = forms.CharField(
        label=_("Toelichting"), max_length=300, required=False, help_text=_("Bijv. relatie tot de hoofdpersoon.")
    )


PARTY_CHOICE_NEW = "new"


class PartyForm(_PersonDetailsForm):
    """Add a person in a role. Submitting runs the matching; when the house already has a
    registration with these details, `choice` says what to do: its id ("use this registered
    person") or `PARTY_CHOICE_NEW` ("register as new")."""

    choice = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, proposal: Person | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "party")
        super().__init__(*args, **kwargs)
        if proposal is not None:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Wie bedoelt u?"),
                required=False,
                widget=forms.RadioSelect,
                choices=[
                    (str(proposal.pk), _("Deze geregistreerde persoon gebruiken")),
                    (PARTY_CHOICE_NEW, _("Een andere persoon: als nieuwe persoon registreren")),
                ],
            )

    def chosen_person_id(self) -> int | None:
        return parse_id(self.cleaned_data.get("choice") or "")

    def register_new(self) -> bool:
        return self.cleaned_data.get("choice") == PARTY_CHOICE_NEW


class PartyEditForm(_PersonDetailsForm, VersionedForm):
    """Change a person's role and note in place; their details too when the registration is
    this referral's own (`details_editable`), otherwise those fields are shown but fixed."""

    # The role is what is most often corrected: first.
    field_order = ["role", "note", "given_names", "surname_prefix", "surname", "date_of_birth", "bsn"]

    def __init__(self, *args: Any, party: CaseParty, details_editable: bool, **kwargs: Any) -> None:
        person = party.person
        kwargs.setdefault("prefix", f"edit-{party.pk}")
        kwargs.setdefault(
            "initial",
            {
                "given_names": person.given_names,
                "surname_prefix": person.surname_prefix,
                "surname": person.surname,
                "date_of_birth": person.date_of_birth,
                "role": party.role,
                "note": party.note,
                "version": party.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.party = party
        self.details_editable = details_editable
        self.fields["bsn"].help_text = _("Leeg laten om het opgeslagen BSN te houden.")
        if not details_editable:
            for name in ("given_names", "surname_prefix", "surname", "date_of_birth", "bsn"):
                self.fields[name].disabled = True


class ProblemForm(forms.Form):
    """Add a problem on one life domain, with its source."""

    domain = forms.ChoiceField(label=_("Leefgebied"), choices=LifeDomain.choices)
    person = forms.ModelChoiceField(
        label=_("Betreft"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Het huishouden / niet één persoon"),
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Beschrijf wat er speelt, niet alleen 'ja' of 'nee'."),
    )
    source = forms.CharField(label=_("Bron"), max_length=200, help_text=_("Waar komt deze informatie vandaan?"))

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_ids = [party.person_id for party in referral.parties.all()]
        self.fields["person"].queryset = Person.objects.filter(pk__in=person_ids)  # type: ignore[attr-defined]


class PriorActionForm(forms.Form):
    """Add what has been done already (criterion b: has enough been done locally?)."""

    description = forms.CharField(label=_("Wat is er gedaan?"), widget=forms.Textarea(attrs={"rows": 3}))
    by_whom = forms.CharField(label=_("Door wie"), max_length=200, help_text=_("Organisatie, team of overleg."))
    period = forms.CharField(label=_("Wanneer"), max_length=100, required=False, help_text=_("Bijv. voorjaar 2025."))
    result = forms.CharField(label=_("Resultaat"), max_length=300, required=False)
    source = forms.CharField(label=_("Bron"), max_length=200)


class SubmitForm(VersionedForm):
    """Submitting carries the version the page was loaded with."""


class DeleteDraftForm(VersionedForm):
    """Deleting a draft carries the version the page was loaded with: a draft a colleague
    changed meanwhile is not deleted unseen."""


class InformationAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Uw antwoord"), widget=forms.Textarea(attrs={"rows": 4}))


class PersonLookupForm(forms.Form):
    """The administrator's search for a duplicate: a BSN, or given names, surname and date of
    birth together; never part of a name (see `persons_for_merging`)."""

    bsn = forms.CharField(
        label=_("BSN"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    given_names = forms.CharField(label=_("Voornamen"), max_length=120, required=False)
    surname_prefix = forms.CharField(label=_("Tussenvoegsel"), max_length=20, required=False)
    surname = forms.CharField(label=_("Achternaam"), max_length=120, required=False)
    date_of_birth = BoundedDateField(label=_("Geboortedatum"), required=False, widget=DateInput)

    def clean_bsn(self) -> str:
        raw = self.cleaned_data.get("bsn", "").strip()
        return validate_bsn(raw) if raw else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("bsn") or self.has_error("bsn"):
            return cleaned
        message = _("Zoek op BSN, of op voornamen, achternaam én geboortedatum.")
        for name in ("given_names", "surname", "date_of_birth"):
            if not cleaned.get(name) and not self.has_error(name):
                self.add_error(name, message)
        return cleaned


class PersonMergeForm(forms.Form):
    """The administrator's choice of which registration stays and which is merged into it."""

    keep = IdField(label=_("Registratienummer dat blijft"))
    duplicate = IdField(label=_("Registratienummer van de dubbele registratie"))
    keep_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    duplicate_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("keep") and cleaned.get("keep") == cleaned.get("duplicate"):
            self.add_error("duplicate", _("Kies twee verschillende registraties."))
        return cleaned

    def versions_missing(self) -> bool:
        """Merging without the versions the comparison showed would skip the conflict check."""
        return self.cleaned_data.get("keep_version") is None or self.cleaned_data.get("duplicate_version") is None

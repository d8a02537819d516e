"""Forms of the case information page: a fact or concern, and an attachment, each with its
provenance. Forms only parse; the services validate (with Dutch messages per field) and the
covenant check happens there too."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casustafel.cases.models import FactKind, Person
from casustafel.organisations.models import Sector
from casustafel.privacy.models import Consent, ConsentException, InformationCategory, LegalBasis, Restriction
from casustafel.privacy.provenance.checks import ProvenanceData


class ProvenanceForm(forms.Form):
    """Where the information comes from and who may see it. The organisation is the one the
    user acts for; it is not a field."""

    person = forms.ChoiceField(
        label=_("Betreft"),
        required=False,
        help_text=_("Over wie gaat het? Laat leeg als het over het hele huishouden gaat."),
    )
    category = forms.ChoiceField(
        label=_("Soort informatie"),
        error_messages={"required": _("Kies de soort informatie.")},
        choices=[("", _("Kies de soort informatie")), *InformationCategory.choices],
    )
    legal_basis = forms.ChoiceField(
        label=_("Grondslag"),
        error_messages={"required": _("Kies de grondslag waarop u deze informatie deelt.")},
        choices=[("", _("Kies de grondslag")), *LegalBasis.choices],
        help_text=_("Op grond waarvan deelt uw organisatie dit? Standaard de grondslag uit het convenant."),
    )
    legal_basis_detail = forms.CharField(
        label=_("Toelichting grondslag"),
        required=False,
        max_length=300,
        help_text=_("Artikel of toelichting; verplicht bij 'Anders, namelijk'."),
    )
    consent = forms.ChoiceField(
        label=_("Toestemming van de betrokkene"),
        error_messages={"required": _("Geef aan of de betrokkene toestemming gaf.")},
        choices=Consent.choices,
        widget=forms.RadioSelect,
    )
    consent_exception = forms.ChoiceField(
        label=_("Waarom is geen toestemming gevraagd?"),
        required=False,
        choices=ConsentException.choices,
        widget=forms.RadioSelect,
        help_text=_("Alleen invullen bij 'Niet gevraagd'."),
    )
    consent_note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=300,
        help_text=_("Verplicht bij 'Anders, namelijk'. Geen namen of details over de betrokkene."),
    )
    restriction = forms.ChoiceField(
        label=_("Wie mag de inhoud zien?"),
        error_messages={"required": _("Kies wie deze informatie mag zien.")},
        choices=Restriction.choices,
        initial=Restriction.HOUSE,
        widget=forms.RadioSelect,
        help_text=_(
            "Uw organisatie ziet de inhoud altijd. Wie de inhoud niet mag zien, ziet alleen dat er afgeschermde "
            "informatie van uw organisatie is. Het convenant kan het verder beperken."
        ),
    )
    restricted_sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("Kies een sector")), *Sector.choices],
        help_text=_("Alleen bij 'Alleen één sector', bijv. justitiële informatie alleen voor strafrechtpartners."),
    )

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {str(person.pk): person for person in persons}
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", _("Het hele huishouden")),
            *[(pk, person.full_name) for pk, person in self.persons.items()],
        ]

    def clean_person(self) -> Person | None:
        value = self.cleaned_data.get("person") or ""
        return self.persons.get(value)

    def provenance(self) -> ProvenanceData:
        data = self.cleaned_data
        return ProvenanceData(
            category=data.get("category") or "",
            legal_basis=data.get("legal_basis") or "",
            legal_basis_detail=data.get("legal_basis_detail") or "",
            consent=data.get("consent") or "",
            consent_exception=data.get("consent_exception") or "",
            consent_note=data.get("consent_note") or "",
            restriction=data.get("restriction") or "",
            restricted_sector=data.get("restricted_sector") or "",
        )


class CaseFactForm(ProvenanceForm):
    """A fact or a concern in the picture of the case."""

    kind = forms.ChoiceField(
        label=_("Feit of zorg?"),
        error_messages={"required": _("Kies of het een feit of een zorg is.")},
        choices=FactKind.choices,
        initial=FactKind.FACT,
        widget=forms.RadioSelect,
        help_text=_("Een feit is waargenomen of vastgesteld; een zorg is wat u vreest dat er gebeurt."),
    )
    text = forms.CharField(
        label=_("Informatie"),
        error_messages={"required": _("Beschrijf de informatie.")},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Feitelijk en zo kort mogelijk: wat, wanneer, volgens wie."),
    )

    field_order = ["kind", "text", "person"]


class AttachmentForm(ProvenanceForm):
    """A document on the case."""

    file = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "PDF, Word (DOCX), Excel (XLSX), OpenDocument-tekst (ODT), PNG of JPEG; geen documenten met macro's. "
            "Het type wordt aan de inhoud herkend, niet aan de naam."
        ),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.png,.jpg,.jpeg"}),
        error_messages={"required": _("Kies het bestand dat u wilt toevoegen."), "empty": _("Het bestand is leeg.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=300,
        help_text=_("Bijv. 'Verslag huisbezoek 3 maart'."),
    )

    field_order = ["file", "description", "person"]

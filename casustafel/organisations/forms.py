"""Forms of the administration pages and of substitutions. Forms parse input and limit the
choices to what the acting user may pick; the services check the business rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.lib.forms import VersionedForm
from casustafel.organisations.models import CaseVisibility, Membership, Organisation, Role, SafetyHouse, Sector

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def with_version(data: Any, version: int) -> Any:
    """A copy of the submitted data carrying the stored version, after a conflict: the user's
    input stays, and saving again overwrites knowingly."""
    copy = data.copy()
    copy["version"] = str(version)
    return copy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations by name; with the house added when the administrator manages several."""

    show_house = False

    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.house.name})" if self.show_house else obj.name


def _limit_organisations(field: forms.Field, queryset: QuerySet[Organisation]) -> None:
    field.queryset = queryset.select_related("house").order_by("house__name", "name")  # type: ignore[attr-defined]
    field.show_house = queryset.values("house").distinct().count() > 1  # type: ignore[attr-defined]


class FormValuesMixin:
    cleaned_data: dict[str, Any]

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take it: without the version and confirmations."""
        skip = {"version", "password_confirm", "house"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


# --- Organisations -------------------------------------------------------------------------


class OrganisationForm(FormValuesMixin, VersionedForm):
    """An organisation's details. On creation an administrator of several houses picks one."""

    house = forms.ModelChoiceField(
        label=_("Zorg- en Veiligheidshuis"), queryset=SafetyHouse.objects.none(), empty_label=_("Kies een huis")
    )
    name = forms.CharField(label=_("Naam"), max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("Kies een sector")), *Sector.choices],
        help_text=_("Bepaalt onder welk kopje de organisatie in overzichten staat."),
    )
    is_house_office = forms.BooleanField(
        label=_("Dit is het bureau van het huis zelf (procesregie, secretariaat)"), required=False
    )
    contact_email = forms.EmailField(label=_("Algemeen e-mailadres"), required=False)
    contact_phone = forms.CharField(label=_("Algemeen telefoonnummer"), max_length=40, required=False)
    case_visibility = forms.ChoiceField(
        label=_("Wie ziet de casussen waarbij de organisatie betrokken is?"),
        choices=CaseVisibility.choices,
        initial=CaseVisibility.ALL_CASE_WORKERS,
        required=False,  # not chosen: the default, all case workers
        widget=forms.RadioSelect,
        help_text=_(
            "Kleine teams: alle casemedewerkers. Een grote organisatie (politie, grote zorgaanbieder): alleen wie "
            "de procesregisseur bij de casus noemt, de ambassadeur en hun vervangers."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Actief: neemt deel aan het huis"),
        required=False,
        initial=True,
        help_text=_(
            "Zet dit uit als de organisatie niet meer deelneemt. Haar medewerkers kunnen dan niet meer namens haar werken; de geschiedenis blijft bewaard."
        ),
    )

    def __init__(self, *args: Any, houses: QuerySet[SafetyHouse] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if houses is None or houses.count() == 1:
            # Editing, or only one house to choose from: the view supplies the house.
            del self.fields["house"]
        else:
            self.fields["house"].queryset = houses  # type: ignore[attr-defined]
        if houses is not None:
            # A new organisation is active; deactivating is an edit. Nothing to conflict with yet.
            del self.fields["is_active"]
            del self.fields["version"]

    def clean_case_visibility(self) -> str:
        return self.cleaned_data.get("case_visibility") or CaseVisibility.ALL_CASE_WORKERS

    @classmethod
    def for_organisation(cls, organisation: Organisation, data: Any = None) -> OrganisationForm:
        initial = {name: getattr(organisation, name) for name in cls.base_fields if name != "house"}
        return cls(data, initial=initial)


class SectorFilterForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Alle sectoren")), *Sector.choices], required=False)


# --- Users -------------------------------------------------------------------------------


class PasswordFieldsMixin(forms.Form):
    """An initial password typed twice. The values are never sent back to the browser."""

    password_confirm: forms.CharField

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if (password or confirm) and password != confirm:
            self.add_error("password_confirm", _("De twee wachtwoorden zijn niet gelijk."))
        return cleaned


def _password_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Eerste wachtwoord"),
        required=required,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Minstens 12 tekens, niet te gewoon en niet te veel lijkend op de naam of het e-mailadres. Geef het wachtwoord telefonisch of persoonlijk door, nooit in dezelfde e-mail als het adres van Casustafel."
        ),
    )


def _password_confirm_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Eerste wachtwoord nogmaals"),
        required=required,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class UserCreateForm(FormValuesMixin, PasswordFieldsMixin):
    """A new user and their first membership, optionally with an initial password."""

    email = forms.EmailField(label=_("E-mailadres"), help_text=_("Hiermee logt de gebruiker in."))
    full_name = forms.CharField(label=_("Naam"), max_length=200)
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=40, required=False)
    organisation = OrganisationChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none(), empty_label=_("Kies een organisatie")
    )
    role = forms.ChoiceField(label=_("Rol"), choices=[("", _("Kies een rol")), *Role.choices])
    is_ambassador = forms.BooleanField(
        label=_("Ambassadeur: vast aanspreekpunt van de organisatie in het huis"), required=False
    )
    job_title = forms.CharField(label=_("Functie"), max_length=120, required=False)
    password = _password_field(required=False)
    password_confirm = _password_confirm_field(required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_organisations(self.fields["organisation"], organisations)


class InitialPasswordForm(PasswordFieldsMixin):
    password = _password_field(required=True)
    password_confirm = _password_confirm_field(required=True)


class UserForm(FormValuesMixin, VersionedForm):
    """A user's own details; memberships are edited one by one."""

    email = forms.EmailField(label=_("E-mailadres"), help_text=_("Hiermee logt de gebruiker in."))
    full_name = forms.CharField(label=_("Naam"), max_length=200)
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Taal"), choices=User._meta.get_field("preferred_language").choices or []
    )
    is_active = forms.BooleanField(
        label=_("Actief: kan inloggen"),
        required=False,
        help_text=_(
            "Zet dit uit als iemand vertrekt of tijdelijk geen toegang mag hebben. Lopende sessies eindigen bij het volgende verzoek."
        ),
    )

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> UserForm:
        return cls(data, initial={name: getattr(user, name) for name in cls.base_fields})


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoek op naam of e-mailadres"), required=False, max_length=100)
    organisation = OrganisationChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none(), required=False, empty_label=_("Alle organisaties")
    )
    role = forms.ChoiceField(label=_("Rol"), choices=[("", _("Alle rollen")), *Role.choices], required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_organisations(self.fields["organisation"], organisations)


class MfaResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ik heb vastgesteld dat dit verzoek van de gebruiker zelf komt"),
        help_text=_("Bijvoorbeeld door terug te bellen op het bekende telefoonnummer."),
        error_messages={"required": _("Bevestig dat u de identiteit van de gebruiker heeft vastgesteld.")},
    )


# --- Memberships -------------------------------------------------------------------------


class MembershipForm(FormValuesMixin, forms.Form):
    """A further membership of an existing user."""

    organisation = OrganisationChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none(), empty_label=_("Kies een organisatie")
    )
    role = forms.ChoiceField(label=_("Rol"), choices=[("", _("Kies een rol")), *Role.choices])
    is_ambassador = forms.BooleanField(
        label=_("Ambassadeur: vast aanspreekpunt van de organisatie in het huis"), required=False
    )
    job_title = forms.CharField(label=_("Functie"), max_length=120, required=False)
    start_date = forms.DateField(label=_("Ingangsdatum"), widget=DateInput, initial=timezone.localdate)
    end_date = forms.DateField(
        label=_("Einddatum"),
        widget=DateInput,
        required=False,
        help_text=_("Leeg laten als het lidmaatschap doorloopt."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_organisations(self.fields["organisation"], organisations)


class MembershipEditForm(FormValuesMixin, VersionedForm):
    is_ambassador = forms.BooleanField(
        label=_("Ambassadeur: vast aanspreekpunt van de organisatie in het huis"), required=False
    )
    job_title = forms.CharField(label=_("Functie"), max_length=120, required=False)
    start_date = forms.DateField(label=_("Ingangsdatum"), widget=DateInput)
    end_date = forms.DateField(
        label=_("Einddatum"),
        widget=DateInput,
        required=False,
        help_text=_("Leeg laten als het lidmaatschap doorloopt."),
    )

    @classmethod
    def for_membership(cls, membership: Membership, data: Any = None) -> MembershipEditForm:
        return cls(data, initial={name: getattr(membership, name) for name in cls.base_fields})


class MembershipEndForm(VersionedForm):
    end_date = forms.DateField(
        label=_("Laatste dag"),
        widget=DateInput,
        help_text=_("Tot en met deze dag kan de gebruiker namens deze organisatie in deze rol werken."),
    )

    @classmethod
    def for_membership(cls, membership: Membership, data: Any = None) -> MembershipEndForm:
        return cls(data, initial={"end_date": timezone.localdate(), "version": membership.version})


# --- Substitutions -----------------------------------------------------------------------


class AbsentMembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:  # type: ignore[override]
        return f"{obj.user.full_name} – {obj.organisation.name} ({obj.get_role_display()})"


class SubstituteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj.full_name} ({obj.email})"


class SubstitutionForm(forms.Form):
    absent_membership = AbsentMembershipChoiceField(
        label=_("Wie is afwezig"),
        queryset=Membership.objects.none(),
        empty_label=_("Kies een lidmaatschap"),
        help_text=_("De medewerker en de organisatie en rol waarvoor de vervanging geldt."),
    )
    substitute = SubstituteChoiceField(
        label=_("Vervanger"),
        queryset=User.objects.none(),
        empty_label=_("Kies een collega"),
        help_text=_(
            "Een collega van dezelfde organisatie. Die ziet tijdens de vervanging de casussen van de afwezige."
        ),
    )
    starts_at = forms.DateTimeField(label=_("Van"), widget=DateTimeInput, input_formats=[DATETIME_FORMAT])
    ends_at = forms.DateTimeField(
        label=_("Tot"),
        widget=DateTimeInput,
        input_formats=[DATETIME_FORMAT],
        help_text=_("Hoogstens drie maanden na het begin."),
    )
    reason = forms.CharField(
        label=_("Reden"),
        max_length=200,
        help_text=_("Bijv. vakantie, ziekte, cursus. Geen gegevens over cliënten."),
    )

    def __init__(
        self, *args: Any, memberships: QuerySet[Membership], candidates: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["absent_membership"].queryset = memberships  # type: ignore[attr-defined]
        self.fields["substitute"].queryset = candidates  # type: ignore[attr-defined]
        if not self.is_bound:
            start = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("starts_at", start)
            self.initial.setdefault("ends_at", start + dt.timedelta(days=7))
